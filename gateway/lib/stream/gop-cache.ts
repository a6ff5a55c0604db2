/**
 * The last group of pictures of a stream: the newest keyframe and every picture after it, so a
 * consumer that joins starts decoding at once instead of waiting up to a GOP for the next
 * keyframe (go2rtc / ZLMediaKit do the same). Bounded by bytes and pictures: a camera with an
 * endless GOP (or none) does not grow it without limit; over a bound the cache empties until the
 * next keyframe. Pure.
 */
import type { AccessUnit } from '../rtsp/depacketize.js';

export interface GopLimits {
  maxBytes: number;
  maxUnits: number;
}

export const DEFAULT_GOP_LIMITS: GopLimits = { maxBytes: 16 * 1024 * 1024, maxUnits: 600 };

export class GopCache {
  private units: AccessUnit[] = [];
  private bytes = 0;
  /** GOPs thrown away for being over a bound. */
  overflows = 0;

  constructor(private readonly limits: GopLimits = DEFAULT_GOP_LIMITS) {}

  push(au: AccessUnit): void {
    if (au.keyframe) {
      this.units = [au];
      this.bytes = au.data.length;
      return;
    }
    if (this.units.length === 0) return; // no keyframe yet: nothing a decoder could start from
    if (this.units.length + 1 > this.limits.maxUnits || this.bytes + au.data.length > this.limits.maxBytes) {
      this.overflows++;
      this.clear();
      return;
    }
    this.units.push(au);
    this.bytes += au.data.length;
  }

  /** The pictures from the newest keyframe on (a copy of the list; the buffers are shared, never mutated). */
  snapshot(): AccessUnit[] {
    return this.units.slice();
  }

  clear(): void {
    this.units = [];
    this.bytes = 0;
  }

  get size(): number {
    return this.units.length;
  }

  get byteSize(): number {
    return this.bytes;
  }
}
