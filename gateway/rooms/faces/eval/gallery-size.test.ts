import { describe, expect, it } from 'vitest';
import { galleryFigures, shuffled } from './gallery-size.js';

const DIM = 16;
const unit = (i: number) => Float32Array.from({ length: DIM }, (_, k) => (k === i ? 1 : 0));
/** Halfway between two axes: cosine 0.707 to each. */
const between = (i: number, j: number) => Float32Array.from({ length: DIM }, (_, k) => (k === i || k === j ? Math.SQRT1_2 : 0));

describe('gallery growth', () => {
  it('probes every stranger once against a gallery that does not hold them, and counts false accepts', () => {
    // Identity "a" on axis 0; strangers on axes 1..8; stranger 9 looks like stranger 1 (0.707).
    const strangers = [1, 2, 3, 4, 5, 6, 7, 8].map((k) => ({ embedding: unit(k), template: unit(k) }));
    strangers.push({ embedding: between(1, 9), template: between(1, 9) });
    const figures = galleryFigures(
      {
        identities: [{ name: 'a', template: unit(0) }],
        genuine: [{ truth: 'a', embedding: unit(0) }],
        strangers,
        thresholdFor: (n) => (n > 5 ? 0.8 : 0.5),
      },
      [1, 5],
    );
    expect(figures[0]).toMatchObject({ gallery: 1, gallery_built: 1, stranger_probes: 9, false_accepts: 0, frr: 0, threshold: 0.5 });
    const g5 = figures[1]!;
    expect(g5.gallery_built).toBe(5);
    expect(g5.stranger_probes).toBe(9);
    expect(g5.frr).toBe(0);
    expect(g5.far).toBe(Math.round((g5.false_accepts / 9) * 10000) / 10000);
    const at = (t: number) =>
      galleryFigures({ identities: [{ name: 'a', template: unit(0) }], genuine: [], strangers, thresholdFor: () => t }, [5])[0]!;
    expect(at(0.9).false_accepts).toBe(0); // nobody resembles anybody that much
    expect(at(-1).false_accepts).toBe(9); // everybody passes a threshold below every score
    // Only the look-alike pair scores between: accepted when the other one of the pair is enrolled.
    expect(at(0.5).false_accepts).toBeLessThanOrEqual(2);
  });

  it('shuffles the same way every time', () => {
    expect(shuffled(10)).toEqual(shuffled(10));
    expect([...shuffled(10)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
