import { describe, expect, it } from 'vitest';
import { operatingPoint, rank1, thresholdForFar } from './metrics.js';

describe('operating point', () => {
  it('picks the lowest threshold that lets at most FAR * n strangers through', () => {
    const strangers = [0.1, 0.2, 0.45, 0.3, 0.5, 0.05, 0.12, 0.33, 0.21, 0.4];
    expect(thresholdForFar(strangers, 0.1)).toBe(0.451); // one (0.5) may pass; 0.45 must not
    expect(thresholdForFar(strangers, 0.001)).toBe(0.501); // none may pass
    expect(thresholdForFar(strangers, 0.2)).toBe(0.401);
    expect(thresholdForFar([], 0.001)).toBe(0);
  });

  it('counts FAR over strangers with a face, FRR and misidentifications over genuine probes', () => {
    const genuine = [
      { truth: 'a', best: 'a', similarity: 0.8 },
      { truth: 'a', best: 'a', similarity: 0.4 }, // below threshold: rejected
      { truth: 'b', best: 'a', similarity: 0.6 }, // wrong person accepted
      { truth: 'b', best: null, similarity: 0 }, // no face
    ];
    const strangers = [
      { truth: null, best: 'a', similarity: 0.55 },
      { truth: null, best: 'b', similarity: 0.2 },
      { truth: null, best: null, similarity: 0 },
    ];
    const op = operatingPoint(genuine, strangers, 0.5);
    expect(op).toEqual({ threshold: 0.5, far: 0.5, frr: 0.75, misidentified: 1, falseAccepts: 1 });
    expect(rank1(genuine)).toBe(0.5);
  });
});
