import { describe, expect, it } from 'vitest';
import { FrameAssembler } from './frame-assembler.js';
import { FramePool } from '../frames/pool.js';

describe('FrameAssembler', () => {
  it('cuts a byte stream into frames across arbitrary chunk boundaries, reusing pooled buffers', () => {
    const pool = new FramePool(4);
    const frames: number[][] = [];
    const a = new FrameAssembler({
      frameBytes: 4,
      acquire: () => pool.acquire(),
      onFrame: (buf) => {
        frames.push([...buf]);
        pool.release(buf);
      },
    });
    a.push(Buffer.from([1, 2]));
    a.push(Buffer.from([3, 4, 5, 6, 7, 8, 9]));
    a.push(Buffer.from([10, 11, 12]));
    expect(frames).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11, 12],
    ]);
    expect(pool.allocated).toBe(1); // the same buffer, refilled
    a.push(Buffer.from([13]));
    const partial = a.takePartial();
    expect(partial).toBeDefined();
    pool.release(partial!);
    expect(pool.inUse).toBe(0);
  });
});
