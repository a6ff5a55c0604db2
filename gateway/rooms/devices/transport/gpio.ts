import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * GPIO lines through the Linux GPIO character device, using Debian's libgpiod v1 tools
 * (`gpiod` package: gpioget, gpiomon; outputs are held by gpio-hold.ts). Argument builders and the event-line parser are
 * pure and unit-tested; the process wrappers are thin.
 */
export interface LineSpec {
  offset: number;
  activeLow: boolean;
  bias: 'as-is' | 'pull-up' | 'pull-down' | 'disabled';
}

function common(l: LineSpec): string[] {
  const out: string[] = [];
  if (l.activeLow) out.push('--active-low');
  // libgpiod v1 spells "disabled" as "disable".
  if (l.bias !== 'as-is') out.push(`--bias=${l.bias === 'disabled' ? 'disable' : l.bias}`);
  return out;
}

/** gpioget: reads one input line's logical value. */
export function gpiogetArgs(chip: string, l: LineSpec): string[] {
  return [...common(l), chip, String(l.offset)];
}

/** gpiomon: one line per edge on the given input lines ("<rising|falling> <offset> <sec> <nsec>"). */
export function gpiomonArgs(chip: string, lines: LineSpec[]): string[] {
  const flags = new Set<string>();
  for (const l of lines) for (const f of common(l)) flags.add(f);
  return ['--format=%e %o %s %n', ...flags, chip, ...lines.map((l) => String(l.offset))];
}

/** Parses one gpiomon output line: %e is 1 for a rising edge, 0 for falling. */
export function parseGpiomonLine(line: string): { offset: number; value: 0 | 1; ts: number } | undefined {
  const m = /^\s*([01])\s+(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(line);
  if (!m) return undefined;
  return { value: m[1] === '1' ? 1 : 0, offset: Number(m[2]), ts: Number(m[3]) * 1000 + Math.floor(Number(m[4]) / 1e6) };
}

/** True when `gpioinfo` output shows every offset requested by `consumer` (so edges are being watched). */
export function linesHeldBy(gpioinfo: string, offsets: number[], consumer = 'gpiomon'): boolean {
  const held = new Set<number>();
  for (const m of gpioinfo.matchAll(/line\s+(\d+):[^\n"]*"([^\n"]*)"[^\n]*\[used/g)) if (m[2] === consumer) held.add(Number(m[1]));
  return offsets.every((o) => held.has(o));
}

export function chipInfo(chip: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('gpioinfo', [chip], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (e) => reject(new Error(`gpioinfo: ${e.message} (apt-get install gpiod)`)));
    child.on('exit', () => resolve(out));
  });
}

export function readLine(chip: string, l: LineSpec): Promise<0 | 1> {
  return new Promise((resolve, reject) => {
    const child = spawn('gpioget', gpiogetArgs(chip, l), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => reject(new Error(`gpioget: ${e.message} (apt-get install gpiod)`)));
    child.on('exit', (code) =>
      code === 0 ? resolve(out.trim() === '1' ? 1 : 0) : reject(new Error(`gpioget exited ${code}: ${err.trim()}`)),
    );
  });
}

/** Watches input lines; `onEdge` per event; `onExit` when gpiomon stops (chip gone, killed). */
export function monitorLines(
  chip: string,
  lines: LineSpec[],
  onEdge: (e: { offset: number; value: 0 | 1; ts: number }) => void,
  onExit: (why: string) => void,
): ChildProcess {
  // stdbuf: gpiomon writes through stdio, which a pipe would otherwise buffer.
  const child = spawn('stdbuf', ['-oL', 'gpiomon', ...gpiomonArgs(chip, lines)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-500)));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const e = parseGpiomonLine(line);
    if (e) onEdge(e);
  });
  child.on('error', (e) => onExit(`gpiomon: ${e.message}`));
  child.on('exit', (code, signal) => onExit(`gpiomon exited (${signal ?? code}) ${err.trim()}`));
  return child;
}
