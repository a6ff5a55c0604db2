import { describe, expect, it } from 'vitest';
import { explainMiss, gateOf, type SeenFace } from './explain.js';

const e = new Float32Array([1, 0]);
const usable = (residentId: string, similarity: number): SeenFace => ({
  embedding: e,
  usable: true,
  weak: false,
  problems: [],
  best: { residentId, similarity },
});
const refused = (...problems: string[]): SeenFace => ({
  embedding: e,
  usable: false,
  weak: true,
  problems,
  best: { residentId: 'amy', similarity: 0.9 },
});

describe('explainMiss: why a passage was missed, as an operator would ask', () => {
  it('names the gate that refused the frames, counted per gate', () => {
    const x = explainMiss({
      truth: 'amy',
      kind: 'resident',
      frames: [
        [],
        [refused('face blurred (sharpness 31 < 40)')],
        [refused('face blurred (sharpness 12 < 40)', 'face too small (40 px high, need 48)')],
      ],
      decisions: [],
    });
    expect(x.reason).toBe('quality-refused-every-frame');
    expect(x.refused).toEqual({ 'face blurred': 2, 'face too small': 1 });
    expect([x.frames, x.with_face, x.usable]).toEqual([3, 2, 0]);
    // Without a usable face, the best look is reported from the weak ones, and said so.
    expect([x.best_self, x.evidence]).toEqual([0.9, 'weak']);
  });

  it('tells a face never found from one found and refused', () => {
    expect(explainMiss({ truth: 'amy', kind: 'resident', frames: [[], []], decisions: [] }).reason).toBe('never-detected');
  });

  it('a usable face with no decision is too little evidence; with an undecided one, the score was under the threshold', () => {
    const frames = [[usable('amy', 0.41)], [refused('head turned sideways (yaw 0.70 > 0.6)')]];
    expect(explainMiss({ truth: 'amy', kind: 'resident', frames, decisions: [] }).reason).toBe('too-few-usable-frames');
    const undecided = { kind: 'unknown', reason: 'undecided', bestResidentId: 'amy', similarity: 0.41, frames: 2 } as const;
    const x = explainMiss({ truth: 'amy', kind: 'resident', frames, decisions: [undecided] });
    expect(x.reason).toBe('below-threshold');
    expect(x.best_self).toBe(0.41);
  });

  it('reports another resident leading, a wrong person and a stranger let in', () => {
    const unknown = { kind: 'unknown', reason: 'undecided', bestResidentId: 'bob', similarity: 0.4, frames: 2 } as const;
    const bob = { kind: 'recognized', residentId: 'bob', name: 'bob', similarity: 0.5, frames: 3, threshold: 0.44 } as const;
    const frames = [[usable('bob', 0.4)], [usable('amy', 0.35)]];
    expect(explainMiss({ truth: 'amy', kind: 'resident', frames, decisions: [unknown] }).reason).toBe('other-resident-led');
    expect(explainMiss({ truth: 'amy', kind: 'resident', frames, decisions: [bob] }).reason).toBe('recognized-as-other');
    expect(explainMiss({ truth: null, kind: 'stranger', frames, decisions: [bob] }).reason).toBe('stranger-accepted');
  });

  it("a queue's second person left on the first person's track is reported absorbed, not refused", () => {
    const frames = [[usable('amy', 0.6)], [usable('amy', 0.62)]];
    expect(explainMiss({ truth: 'amy', kind: 'queue-second', frames, decisions: [], absorbed: true }).reason).toBe(
      'absorbed-into-previous-track',
    );
    expect(explainMiss({ truth: 'amy', kind: 'queue-second', frames, decisions: [], absorbed: false }).reason).toBe(
      'too-few-usable-frames',
    );
    // A second person who only turned their head is absorbed too, not 'refused'.
    const turned = [[refused('head turned sideways (yaw 0.80 > 0.6)')], [refused('head turned sideways (yaw 0.90 > 0.6)')]];
    expect(explainMiss({ truth: null, kind: 'queue-second', frames: turned, decisions: [], absorbed: true }).reason).toBe(
      'absorbed-into-previous-track',
    );
  });

  it('gateOf keeps the gate and drops the figures', () => {
    expect(gateOf('head tilted up or down (pitch ratio 0.91 outside 0.2..0.85)')).toBe('head tilted up or down');
    expect(gateOf('no figures')).toBe('no figures');
  });
});
