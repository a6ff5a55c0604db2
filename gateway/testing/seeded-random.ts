/**
 * A seeded pseudo-random generator (mulberry32) for tests, fuzzing and benchmarks: the same seed
 * always gives the same sequence, so a failure or a figure can be replayed. Not for secrets.
 */
export type Rng = () => number;

/** Numbers in [0, 1) from a 32-bit seed. */
export function seededRandom(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
