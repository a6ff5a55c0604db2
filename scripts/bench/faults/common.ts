import { loadavg } from 'node:os';
import { seededRandom, type Rng } from '../../../gateway/testing/seeded-random.ts';

/**
 * Shared bits of the faults benchmark: a seeded PRNG (every case can be replayed from the seed
 * and its index), knobs read from the environment, and progress on stderr.
 */

/** The PRNG of one case: the same (seed, stream, index) always gives the same case. */
export function caseRng(seed: number, stream: string, index: number): Rng {
  let h = seed ^ 0x9e3779b9;
  for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x01000193);
  return seededRandom(Math.imul(h ^ index, 0x85ebca6b) ^ (index >>> 16));
}

export class Pick {
  constructor(readonly r: Rng) {}
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  one<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
  /** Flips, inserts, deletes or overwrites a few bytes. */
  mutate(src: Buffer, edits = 1 + this.int(4)): Buffer {
    let b: Buffer = Buffer.from(src);
    for (let e = 0; e < edits; e++) {
      if (b.length === 0) {
        b = this.bytes(1 + this.int(8));
        continue;
      }
      const at = this.int(b.length);
      switch (this.int(5)) {
        case 0:
          b[at] = (b[at] as number) ^ (1 << this.int(8));
          break;
        case 1:
          b[at] = this.one([0, 0xff, 0x7f, 0x80, 0x3c, 0x3e, 0x26, 0x22, this.int(256)]);
          break;
        case 2:
          b = Buffer.concat([b.subarray(0, at), this.bytes(1 + this.int(16)), b.subarray(at)]);
          break;
        case 3:
          b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + this.int(16)))]);
          break;
        default: {
          const from = this.int(b.length);
          const len = 1 + this.int(Math.min(64, b.length - from));
          b = Buffer.concat([b.subarray(0, at), b.subarray(from, from + len), b.subarray(at)]);
        }
      }
    }
    return b;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const log = (s: string) => process.stderr.write(`[faults] ${s}\n`);
export const load1 = () => Math.round((loadavg()[0] as number) * 100) / 100;

/** A number knob from the environment (FAULTS_*), with its default. */
export function knob(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}=${v}: expected a number >= 0`);
  return n;
}

/** Resolves with `p`, or with `onTimeout` after `ms` (the timer never keeps the process alive). */
export function within<T>(p: Promise<T>, ms: number, onTimeout: T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => resolve(onTimeout), ms);
    t.unref();
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

/** Polls `cond` every 50 ms until true; false after `ms`. */
export async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}
