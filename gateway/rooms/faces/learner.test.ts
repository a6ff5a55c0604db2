import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../core/actions.js';
import { createLogger } from '../../core/logger.js';
import { Database } from '../../store/database.js';
import { Learner, type LearnerOptions } from './learner.js';
import { keepLearned, shouldLearn, DEFAULT_LEARNING } from './learning-policy.js';
import { LearnedTemplates } from './store/learned-store.js';
import { ResidentStore } from './store/resident-store.js';
import type { TrackOutcome } from './stream/face-stream.js';

// The learner's bookkeeping over a real SQLite file (migrations 004 + 015); the captures are
// chosen vectors (the look-alike test, learning.faces.test.ts, uses real faces and models).
const dim = 512;
function vec(seed: number): Float32Array {
  const v = Float32Array.from({ length: dim }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
const tpl = (seed: number) => ({ embedding: vec(seed), quality: {}, source: `p${seed}.jpg` });
const options: LearnerOptions = { ...DEFAULT_LEARNING, enabled: true, holdS: 30 };
const log = createLogger({ level: 'silent', destination: { write: () => undefined } });

function setUp(opts: Partial<LearnerOptions> = {}) {
  const db = new Database(':memory:');
  const store = new ResidentStore({ db });
  store.add({ id: 'r1', name: 'Li Wei', templates: [tpl(1)] });
  store.add({
    id: 'v1',
    name: 'Guest',
    templates: [tpl(2)],
    pass: { kind: 'visitor', validFrom: null, validUntil: '2099-01-01T00:00:00Z', hostId: 'r1' },
  });
  const learned = new LearnedTemplates(store);
  const audits: AuditEntry[] = [];
  const learner = new Learner({
    options: { ...options, ...opts },
    store: learned,
    gatesOf: new Map([
      ['cam-1', ['gate-1']],
      ['cam-2', ['gate-2']],
    ]),
    audit: (e) => audits.push(e),
    log,
  });
  return { db, store, learned, learner, audits };
}

let trackSeq = 0;
function outcome(x: {
  residentId?: string;
  similarity?: number;
  second?: number;
  cameraId?: string;
  ts?: number;
  seed?: number;
}): TrackOutcome {
  const ts = x.ts ?? 1_000_000;
  const similarity = x.similarity ?? 0.85;
  return {
    cameraId: x.cameraId ?? 'cam-1',
    trackId: ++trackSeq,
    decision: { kind: 'recognized', residentId: x.residentId ?? 'r1', name: 'n', similarity, frames: 3, threshold: 0.472 },
    box: { x1: 0, y1: 0, x2: 10, y2: 10 },
    firstTs: ts - 600,
    ts,
    crop: null,
    learnable: { embedding: vec(x.seed ?? 100 + trackSeq), similarity, second: x.second ?? 0.2 },
  };
}
const never = () => false;

describe('learning-policy (pure)', () => {
  it('learns only a very sure, clearly leading, usable, unchallenged capture', () => {
    const c = { similarity: 0.8, second: 0.3, threshold: 0.472, usable: true, overridden: false };
    const on = { ...DEFAULT_LEARNING, enabled: true };
    expect(shouldLearn(on, c)).toEqual({ learn: true });
    expect(shouldLearn(DEFAULT_LEARNING, c)).toEqual({ learn: false, why: 'off' }); // off by default
    expect(shouldLearn(on, { ...c, overridden: true })).toEqual({ learn: false, why: 'overridden' });
    expect(shouldLearn(on, { ...c, usable: false })).toEqual({ learn: false, why: 'quality' });
    expect(shouldLearn(on, { ...c, similarity: 0.69 })).toEqual({ learn: false, why: 'score' });
    expect(shouldLearn(on, { ...c, threshold: 0.62 })).toEqual({ learn: false, why: 'score' }); // 0.8 < 0.62 + 0.2
    expect(shouldLearn(on, { ...c, second: 0.56 })).toEqual({ learn: false, why: 'margin' });
  });

  it('keeps the newest maxLearned learned templates', () => {
    expect(keepLearned([1, 2], 3, 3)).toEqual({ kept: [1, 2, 3], dropped: [] });
    expect(keepLearned([1, 2, 3], 4, 3)).toEqual({ kept: [2, 3, 4], dropped: [1] });
    expect(keepLearned([1, 2, 3, 4], 5, 2)).toEqual({ kept: [4, 5], dropped: [1, 2, 3] });
  });
});

describe('Learner + LearnedTemplates (SQLite)', () => {
  it('holds a capture until its passage closes, then learns it, audited, up to the bound (oldest replaced, enrolment kept)', () => {
    const { store, learned, learner, audits } = setUp();
    const v0 = store.version();
    expect(learner.offer(outcome({ ts: 1000, seed: 11 }), 'resident')).toEqual({ learn: true });
    // Not yet: the hold has not run out, then the track is still in view.
    expect(learner.commitDue(1000 + 29_000, never)).toEqual([]);
    expect(learner.commitDue(1000 + 31_000, () => true)).toEqual([]);
    const [done] = learner.commitDue(1000 + 31_000, never);
    expect(done).toMatchObject({ residentId: 'r1', outcome: { added: true, replaced: [], learned: 1 } });
    expect(store.version()).toBeGreaterThan(v0); // the daemon's index reloads r1
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      action: 'faces/learn',
      actor: { channel: 'system', name: 'faces' },
      ok: true,
      input: { residentId: 'r1', cameraId: 'cam-1', similarity: 0.85, second: 0.2, threshold: 0.472, replaced: 0, learned: 1 },
    });
    expect(JSON.stringify(audits[0]!.input)).not.toMatch(/embedding/);
    for (const seed of [12, 13, 14, 15]) learner.offer(outcome({ ts: 2000, seed }), 'resident');
    learner.commitDue(100_000, never);
    expect(learned.embeddings('r1')).toEqual([vec(13), vec(14), vec(15)]);
    expect(store.get('r1')).toMatchObject({ templates: 1, learned: 3 });
    // The enrolment template is still the first of the resident's templates.
    expect(store.embeddings('r1')[0]).toEqual(vec(1));
    expect(audits.at(-1)!.input).toMatchObject({ replaced: 1, learned: 3 });
  });

  it('never learns a visitor, a stranger, a weak decision or a capture under the bar; nothing when off', () => {
    const { learned, learner } = setUp();
    expect(learner.offer(outcome({ residentId: 'v1' }), 'visitor')).toEqual({ learn: false, why: 'not-resident' });
    const stranger: TrackOutcome = {
      ...outcome({}),
      decision: { kind: 'unknown', reason: 'below_unknown_threshold', bestResidentId: 'r1', similarity: 0.2, frames: 3 },
    };
    expect(learner.offer(stranger, 'resident')).toEqual({ learn: false, why: 'not-learnable' });
    const { learnable: _, ...weak } = outcome({});
    expect(learner.offer(weak, 'resident')).toEqual({ learn: false, why: 'not-learnable' });
    expect(learner.offer(outcome({ similarity: 0.6 }), 'resident')).toEqual({ learn: false, why: 'score' });
    expect(learner.offer(outcome({ second: 0.7 }), 'resident')).toEqual({ learn: false, why: 'margin' });
    expect(learner.waiting).toBe(0);
    const off = setUp({ enabled: false });
    expect(off.learner.offer(outcome({}), 'resident')).toEqual({ learn: false, why: 'off' });
    learner.commitDue(10_000_000, never);
    expect(learned.embeddings('r1')).toEqual([]);
  });

  it('discards a capture when a person opens or commands a gate of its camera during the passage, or did since it began', () => {
    const { learned, learner } = setUp();
    learner.offer(outcome({ cameraId: 'cam-1', ts: 5000 }), 'resident');
    learner.offer(outcome({ cameraId: 'cam-2', ts: 5000 }), 'resident');
    expect(learner.overridden('gate-1', 6000)).toBe(1); // after the decision, before the passage closed
    learner.commitDue(100_000, never);
    expect(learned.embeddings('r1')).toHaveLength(1); // only cam-2's
    // Opened by hand while the person was walking up (before the decision): not learned either.
    learner.overridden('gate-2', 200_000);
    expect(learner.offer(outcome({ cameraId: 'cam-2', ts: 200_400 }), 'resident')).toEqual({ learn: false, why: 'overridden' });
    expect(learner.offer(outcome({ cameraId: 'cam-2', ts: 300_000 }), 'resident')).toEqual({ learn: true });
  });

  it('a resident erased, turned visitor or re-enrolled meanwhile is not learned; erasure and new photos take learned templates, a sync without photos keeps them', () => {
    const { store, learned, learner } = setUp();
    learner.offer(outcome({ ts: 1000 }), 'resident');
    store.remove('r1');
    expect(learner.commitDue(100_000, never)).toEqual([{ residentId: 'r1', outcome: { added: false, why: 'gone' } }]);
    expect(
      learned.add(
        { residentId: 'v1', embedding: vec(5), evidence: { similarity: 0.9, second: 0, threshold: 0.5, cameraId: 'c', frames: 2 } },
        3,
      ),
    ).toEqual({
      added: false,
      why: 'not-resident',
    });
    store.add({ id: 'r2', name: 'Wang', templates: [tpl(7)] });
    const evidence = { similarity: 0.9, second: 0, threshold: 0.5, cameraId: 'c', frames: 2 };
    learned.add({ residentId: 'r2', embedding: vec(8), evidence }, 3);
    const pass = { kind: 'resident' as const, validFrom: null, validUntil: null, hostId: null };
    store.upsert({ id: 'r2', name: 'Wang Fang', pass }); // the platform renames: learned templates stay
    expect(store.get('r2')).toMatchObject({ templates: 1, learned: 1 });
    store.upsert({ id: 'r2', name: 'Wang Fang', pass, templates: [tpl(9)] }); // new photos: they go
    expect(store.get('r2')).toMatchObject({ templates: 1, learned: 0 });
    learned.add({ residentId: 'r2', embedding: vec(10), evidence }, 3);
    expect(learned.clear('r2')).toBe(1);
    expect(store.get('r2')).toMatchObject({ templates: 1, learned: 0 });
    learned.add({ residentId: 'r2', embedding: vec(10), evidence }, 3);
    store.remove('r2');
    expect(store.db.prepare<{ n: number }>("SELECT COUNT(*) AS n FROM face_templates WHERE resident_id = 'r2'").get()!.n).toBe(0);
  });
});
