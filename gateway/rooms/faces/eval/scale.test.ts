import { describe, expect, it } from 'vitest';
import { scaleFigures, strangerHalves } from './scale.js';
import { fitPolicy } from './policy-fit.js';
import { DEFAULT_LEARNING } from '../learning-policy.js';
import { seededRandom } from '../../../testing/seeded-random.js';

const DIM = 64;
function unit(r: () => number): Float32Array {
  const v = Float32Array.from({ length: DIM }, () => r() - 0.5);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
function near(r: () => number, v: Float32Array, cos: number): Float32Array {
  const noise = unit(r);
  const out = v.map((x, i) => cos * x + Math.sqrt(1 - cos * cos) * noise[i]!);
  const n = Math.hypot(...out);
  return out.map((x) => x / n);
}

describe('eval faces: the scale rows', () => {
  const r = seededRandom(11);
  const people = Array.from({ length: 6 }, () => unit(r));
  const identities = people.map((p, i) => ({
    name: `p${i}`,
    templates: [near(r, p, 0.9), near(r, p, 0.9), near(r, p, 0.9)],
    probes: [near(r, p, 0.8), near(r, p, 0.8)].map((embedding) => ({ embedding, usable: true })),
  }));
  // 200 strangers; every one also enrollable as a distractor; stranger 0 is a copy of person 0's face.
  const strangers = Array.from({ length: 200 }, (_, i) => {
    const e = i === 0 ? near(r, people[0]!, 0.95) : unit(r);
    return { embedding: e, template: e };
  });
  const input = { identities, strangers, thresholdFor: (n: number) => (n > 50 ? 0.6 : 0.5), learning: DEFAULT_LEARNING };

  it('one row per (residents, photos, learned) the folder can build; larger sizes it cannot are skipped with why', () => {
    const { rows, skipped } = scaleFigures(input, [50, 150, 500, 5000]);
    expect(rows.map((x) => [x.residents, x.photos, x.learned])).toEqual([
      [50, 1, false],
      [50, 1, true],
      [50, 3, false],
      [50, 3, true],
      [150, 1, false],
      [150, 1, true],
      [150, 3, false],
      [150, 3, true],
    ]);
    expect(rows[0]).toMatchObject({ built: 50, threshold: 0.5, identities: 6, probes: 12 });
    expect(rows[4]!.built).toBeGreaterThan(140);
    expect(skipped.map((s) => s.residents)).toEqual([500, 5000]);
  });

  it('each reporting stranger is probed once, never against a gallery that holds them as a distractor', () => {
    const { rows } = scaleFigures(input, [150]);
    const { reporting } = strangerHalves(200);
    expect(rows[0]!.stranger_probes).toBe(reporting.length);
    // The look-alike copy of person 0 is let in as person 0 only if it is a reporting probe; as a distractor it is never its own probe.
    const lookalikeReports = reporting.includes(0);
    expect(rows[0]!.false_accepts).toBe(lookalikeReports ? 1 : 0);
  });

  it('learned on: sure captures are learned (and counted), the residents are still let through', () => {
    const { rows } = scaleFigures(input, [50], [1]);
    expect(rows[1]).toMatchObject({ learned: true, frr: 0 });
    expect(rows[1]!.learned_templates).toBeGreaterThan(0);
    expect(rows[0]!.learned_templates).toBe(0);
  });

  it('counts the strangers let in whose capture the learning rule would keep (a twin clears every bar)', () => {
    // Four twins of person 0 among the strangers: the rule cannot tell them from person 0.
    const twins = strangers.map((s, i) => (i < 4 ? { embedding: near(r, people[0]!, 0.97), template: null } : s));
    const { rows } = scaleFigures({ ...input, strangers: twins }, [50], [3]);
    const [off, on] = rows as [(typeof rows)[0], (typeof rows)[0]];
    expect(off.learned_impostors).toBe(0);
    expect(on.false_accepts).toBeGreaterThan(0);
    expect(on.learned_impostors).toBe(on.false_accepts);
    // A rule with a floor above what the twins score learns none of them.
    const strict = scaleFigures({ ...input, strangers: twins, learning: { ...DEFAULT_LEARNING, minSimilarity: 0.99 } }, [50], [3]);
    expect(strict.rows[1]!.learned_impostors).toBe(0);
  });
});

describe('the policy fit', () => {
  it('recovers the threshold and rise of an impostor tail it is given', () => {
    const r = seededRandom(5);
    const probes = Array.from({ length: 300 }, () => unit(r));
    const templates = Array.from({ length: 300 }, (_, i) => ({ owner: i, template: unit(r) }));
    const fit = fitPolicy(probes, templates, { targetFar: 0.001, referenceSize: 50, sizes: [50, 500, 1500], set: 'test' })!;
    expect(fit.pairs).toBe(300 * 299);
    // Random 64-d directions: cosine sd 1/8, so the tail rises a few hundredths per decade.
    expect(fit.rise_per_decade).toBeGreaterThan(0.02);
    expect(fit.rise_per_decade).toBeLessThan(0.12);
    expect(fit.thresholds[2]!.threshold).toBeGreaterThan(fit.thresholds[0]!.threshold);
  });
});
