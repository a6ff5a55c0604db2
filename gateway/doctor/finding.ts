/**
 * What one `sharpeyes doctor` check found: ok, a warning (works, but not as configured or not
 * for long), or a failure (something the gateway needs is broken), in both languages, with how
 * to fix it.
 */
import type { Text } from '../core/locale.js';

export type Status = 'ok' | 'warn' | 'fail';

export interface Finding {
  /** Which check (config, ffmpeg, models, devices, broker, disk, clock). */
  check: string;
  status: Status;
  text: Text;
  fix?: Text;
}

export const ok = (check: string, zh: string, en: string): Finding => ({ check, status: 'ok', text: { zh, en } });

export const problem = (check: string, status: 'warn' | 'fail', text: Text, fix: Text): Finding => ({ check, status, text, fix });
