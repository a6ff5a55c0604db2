import { describe, expect, it } from 'vitest';
import { splitFigures, type SplitFace } from './split.js';

const face = (x: number, y: number, usable = true): SplitFace => {
  const n = Math.hypot(x, y);
  return { embedding: new Float32Array([x / n, y / n]), usable };
};

describe('splitFigures: the queue split as the stream sees it', () => {
  it('one odd frame lowers the single-frame minimum, not the in-a-row one', () => {
    const same = [face(1, 0), face(1, 0.1), face(0, 1), face(1, 0)];
    const f = splitFigures([{ faces: same }], 0.3, 2);
    expect(f.same_person_min).toBeLessThan(0.3); // the odd frame alone would have split the track
    expect(f.same_person_in_a_row_min).toBeGreaterThan(0.9); // two in a row never fall below
    expect(f.pairs).toBe(0);
  });

  it("the second person of a queue is compared with the first person's face, weak faces standing in when there is no usable one", () => {
    const first = [face(1, 0, false), face(1, 0.05, false)];
    const second = [face(0, 1), face(0.5, 1)];
    const f = splitFigures([{ faces: first }, { faces: second, after: first }], 0.3, 2);
    expect(f.pairs).toBe(1);
    expect(f.other_person_max).toBeCloseTo(0.05, 1);
    expect(f.other_person_in_a_row_max).toBeGreaterThan(0.4); // the second face is the closer one
  });
});
