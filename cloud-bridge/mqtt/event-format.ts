import { currentEventName } from '../../gateway/core/wire-spelling.js';
import type { Envelope } from './payloads.js';

/** One readable line per event for `sharpeyes events` (pure): time, seq, kind, data, state. */
export function formatEventLine(e: Pick<Envelope, 'ts' | 'seq' | 'kind' | 'data'> & { state?: string }, maxData = 160): string {
  let data = JSON.stringify(e.data ?? null);
  if (data.length > maxData) data = `${data.slice(0, maxData - 1)}…`;
  const seq = e.seq > 0 ? `#${e.seq}` : '#-';
  return `${e.ts}  ${seq.padStart(7)}  ${e.kind.padEnd(22)}  ${data}${e.state ? `  (${e.state})` : ''}`;
}

/** `--kind` filter: the exact kind, or a prefix ending at a dot (`alarm` matches `alarm.raised`). */
export function kindMatches(kind: string, filter: string | undefined): boolean {
  if (!filter) return true;
  const f = currentEventName(filter);
  return kind === f || kind.startsWith(`${f.replace(/\.$/, '')}.`);
}
