import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../gateway/testing/seeded-random.js';
import { fitLine, normalisedBest, RAW, templateCohorts, topMean } from './cohort-norm.js';

const probe = { probeWeight: 1, templateWeight: 0, k: 3 };

describe('cohort normalisation', () => {
  it('the cohort is the mean of the k best other scores', () => {
    expect(topMean([0.9, 0.1, 0.5, 0.3, 0.4], 3, 0)).toBeCloseTo(0.4);
    expect(topMean([0.9, -Infinity, 0.5], 3, 0)).toBeCloseTo(0.5);
    expect(topMean([0.9], 3, 0)).toBe(0);
  });

  it('a probe close to many residents (a hub) needs a higher raw score than one close to nobody else', () => {
    const hub = normalisedBest([0.6, 0.5, 0.5, 0.5, 0.1], null, probe);
    const lone = normalisedBest([0.6, 0.1, 0.1, 0.1, 0.1], null, probe);
    expect(hub.i).toBe(0);
    expect(hub.s).toBeCloseTo(0.1);
    expect(lone.s).toBeCloseTo(0.5);
    // Raw scoring cannot tell them apart.
    expect(normalisedBest([0.6, 0.5, 0.5, 0.5, 0.1], null, RAW).s).toBeCloseTo(normalisedBest([0.6, 0.1, 0.1, 0.1, 0.1], null, RAW).s);
  });

  it('a template close to many others is judged against its own cohort, and can lose the lead to a lone one', () => {
    const e = (x: number, y: number) => Float32Array.from([x, y]).map((v) => v / Math.hypot(x, y));
    const gallery = [e(1, 0), e(0.95, 0.31), e(0.9, 0.44), e(0, 1)];
    const cohorts = templateCohorts(gallery, 1);
    expect(cohorts[0]).toBeGreaterThan(0.9);
    expect(cohorts[3]).toBeLessThan(0.5);
    const raw = [0.62, 0.6, 0.58, 0.6];
    expect(normalisedBest(raw, cohorts, RAW).i).toBe(0);
    expect(normalisedBest(raw, cohorts, { probeWeight: 0, templateWeight: 1, k: 1 }).i).toBe(3);
  });

  it('fits a threshold line that rises with the gallery for raw scores', () => {
    const r = seededRandom(3);
    const unit = () => {
      const v = Float32Array.from({ length: 32 }, () => r() - 0.5);
      const n = Math.hypot(...v);
      return v.map((x) => x / n);
    };
    const pool = Array.from({ length: 400 }, unit);
    const probes = Array.from({ length: 1000 }, (_, i) => ({
      embedding: i < 400 ? pool[i]!.map((x) => x) : unit(),
      own: i < 400 ? i : -1,
    }));
    // Probes 0..399 are the pool's own faces: never compared with themselves.
    const line = fitLine(probes, [], pool, [100, 200, 400], RAW)!;
    expect(line.points).toHaveLength(3);
    expect(line.points[2]!.threshold).toBeLessThan(0.99);
    expect(line.rise).toBeGreaterThan(0.02);
    expect(line.t50).toBeLessThan(0.9);
  });
});
