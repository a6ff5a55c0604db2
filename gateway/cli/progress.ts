/**
 * Progress of a long CLI job on stderr: a bar redrawn in place on a terminal, one plain line per
 * step otherwise (a log file, a pipe, journald), so nothing is lost and no escape codes land in
 * a file. Pure formatting beside two tiny writers.
 */
import { stringWidth } from './text-width.js';

export interface ProgressSink {
  step(done: number, total: number, label: string): void;
  /** Ends the bar (a terminal needs its line finished before the report). */
  end(): void;
}

/** The bar line: [█████░░░░░] 50/100 50%  label  12.5/s  ETA 0:04 (fits `columns`). */
export function barLine(done: number, total: number, label: string, elapsedMs: number, columns: number): string {
  const ratio = total > 0 ? done / total : 1;
  const width = 24;
  const full = Math.round(ratio * width);
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const eta = rate > 0 ? Math.round((total - done) / rate) : undefined;
  const clock = (s: number) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  const head = `[${'█'.repeat(full)}${'░'.repeat(width - full)}] ${done}/${total} ${Math.floor(ratio * 100)}%`;
  const tail = `${rate >= 10 ? rate.toFixed(0) : rate.toFixed(1)}/s${eta === undefined ? '' : ` ETA ${clock(eta)}`}`;
  const room = columns - stringWidth(head) - stringWidth(tail) - 4;
  let text = label;
  if (stringWidth(text) > room) {
    // Cut to fit, and say it was cut.
    while (text && stringWidth(text) > room - 1) text = Array.from(text).slice(0, -1).join('');
    text += '…';
  }
  return room > 0 ? `${head}  ${text}  ${tail}` : head;
}

export function progressSink(stream: NodeJS.WriteStream = process.stderr, now = () => Date.now()): ProgressSink {
  const t0 = now();
  if (!stream.isTTY) {
    return {
      step: (done, total, label) => void stream.write(`${done}/${total} ${label}\n`),
      end: () => undefined,
    };
  }
  let drawn = false;
  return {
    step(done, total, label) {
      stream.write(`\r\x1b[2K${barLine(done, total, label, now() - t0, stream.columns || 80)}`);
      drawn = true;
    },
    end() {
      if (drawn) stream.write('\n');
    },
  };
}
