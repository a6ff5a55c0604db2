import { existsSync, readdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayEvents } from '../../events.js';
import { decodeImage, type RgbImage } from '../../lib/imaging/image.js';
import { SnapshotStore } from '../../lib/snapshots/store.js';
import { startRoom, TEST_ACTOR, testContext, type TestContext } from '../../testing/context.js';
import { faceModelsPrepared } from './models.js';
import { FacesRoom } from './room.js';
import { enrolResident, EnrolmentRefused } from './enrolment.js';
import type { FaceFrame } from './stream/face-stream.js';
import { accessGroups } from '../access/groups-service.js';

// Templates learned at the gate, through the daemon's own path: real photos as camera frames into
// the faces room (pipeline, tracker, decisions, learner, SQLite, index reload), the default
// learning rule switched on. The residents are the dev set's identities, one enrolment photo
// each (residents/add). The look-alike is the closest different person to an enrolled resident
// among the identities' other photos (a scan of all 1,527 `_unknown` strangers as well found the
// same pair, katy_perry's df_img28 against penny at 0.443); that person is then erased, so they
// come as a stranger. The gate's threshold is set low enough (0.38) that the look-alike is let in
// as the resident, as happens in large galleries (models/README.md): the learning rule, not the
// threshold, must keep their face out of the resident's templates.
const FACES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/datasets/faces');
const ready = faceModelsPrepared() && existsSync(FACES);
if (!ready) console.warn(`learning look-alike test skipped: need \`npm run models\` and ${FACES}`);

const CAMERA = 'demo-door'; // access.points default: demo-door opens door-1 by face
const GATE = 'door-1';
const PASSAGES = 12;
const FRAME_MS = 200;

/** The photo on a grey canvas, shifted and lit a little differently per frame (no two frames alike). */
function frameOf(img: RgbImage, n: number, ts: number): FaceFrame {
  const pad = 16;
  const width = img.width + pad;
  const height = img.height + pad;
  const data = new Uint8Array(width * height * 3).fill(128);
  const dx = (n * 5) % pad;
  const dy = (n * 3) % pad;
  const gain = 0.92 + ((n * 7) % 17) / 100;
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width * 3; x++)
      data[(y + dy) * width * 3 + dx * 3 + x] = Math.min(255, Math.round(img.data[y * img.width * 3 + x]! * gain));
  return { cameraId: CAMERA, ts, width, height, data };
}

const blank = (ts: number): FaceFrame => ({ cameraId: CAMERA, ts, width: 320, height: 240, data: new Uint8Array(320 * 240 * 3).fill(128) });

interface Gate {
  ctx: TestContext;
  room: FacesRoom;
  stop: () => Promise<void>;
  decisions: Array<GatewayEvents['face.recognized'] | GatewayEvents['face.unknown']>;
  clock: number;
}

async function openGate(learning: string): Promise<Gate> {
  const ctx = testContext(`faces:\n  pollMs: 60000\n  threshold: 0.38\n  learning:\n    enabled: true\n    holdS: 1\n${learning}`);
  const snapshots = new SnapshotStore({
    dir: `${ctx.dataDir}/snapshots`,
    maxBytes: 50_000_000,
    maxAgeMs: 3600_000,
    quality: 80,
    log: ctx.log,
  });
  const room = new FacesRoom(ctx, { snapshots, groups: accessGroups(ctx.db) });
  const stop = await startRoom(ctx, room);
  await room.pipeline();
  // The frames' clock runs an hour ahead of the wall clock: the room's own timers (tracks gone
  // stale, captures due) never act on these frames; the passages end and learn on this clock.
  const gate: Gate = { ctx, room, stop, decisions: [], clock: Date.now() + 3600_000 };
  for (const kind of ['face.recognized', 'face.unknown'] as const) ctx.bus.on(kind, (e) => void gate.decisions.push(e));
  return gate;
}

/**
 * One passage: three frames of the photo, then the person has gone (a frame without a face
 * after the track's gap) and the passage's hold has run out. Returns the passage's decision.
 * `during` runs while the person is still at the gate.
 */
async function pass(g: Gate, img: RgbImage, n: number, during?: () => void) {
  const from = g.decisions.length;
  for (let k = 0; k < 3; k++) await g.room.onFrame(frameOf(img, n * 3 + k, (g.clock += FRAME_MS)));
  during?.();
  await g.room.onFrame(blank((g.clock += 2000)));
  g.room.learnDue((g.clock += 1500));
  const seen = g.decisions.slice(from);
  expect(seen, `one decision per passage: ${JSON.stringify(seen.map((d) => ({ ...d, snapshotId: undefined })))}`).toHaveLength(1);
  return seen[0]!;
}

const learnedOf = (g: Gate, id: string) => g.room.store.get(id)?.learned ?? 0;
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe.skipIf(!ready)('templates learned at the gate (real faces, the daemon path)', () => {
  let a: Gate;
  let naive: Gate | undefined;
  const enrolled = new Map<string, string>(); // identity -> enrolment photo
  let lookAlike: { photo: string; identity: string; residentId: string; similarity: number };
  let own: { photo: string; residentId: string; similarity: number };

  beforeAll(async () => {
    a = await openGate('');
    const identities = readdirSync(FACES)
      .filter((d) => !d.startsWith('_'))
      .sort();
    const pipeline = await a.room.pipeline();
    // The enrolment residents/add runs (enrolment.ts), without its per-requester rate limit.
    for (const id of identities) {
      for (const f of readdirSync(`${FACES}/${id}`).sort()) {
        try {
          await enrolResident({ pipeline, store: a.room.store }, { id, name: id, photos: [{ input: `${FACES}/${id}/${f}`, source: f }] });
          enrolled.set(id, f);
          break;
        } catch (err) {
          if (!(err instanceof EnrolmentRefused)) throw err;
          // refused by the enrolment checks: the next photo, as a resident would be asked
        }
      }
    }
    a.room.identities.refresh();
    let best = { photo: '', identity: '', residentId: '', similarity: -1 };
    let genuine = { photo: '', residentId: '', similarity: -1 };
    for (const id of enrolled.keys()) {
      const others = readdirSync(`${FACES}/${id}`)
        .sort()
        .filter((f) => f !== enrolled.get(id))
        .slice(0, 4);
      for (const f of others) {
        const img = await decodeImage(`${FACES}/${id}/${f}`, { lenient: true });
        const face = (await pipeline.analyse(img, { padRetry: true, maxFaces: 1 }))[0];
        if (!face || face.quality.problems.length > 0) continue;
        const ranked = a.room.identities.ranked(face.embedding, 2);
        const other = ranked.find((m) => m.residentId !== id)!;
        if (other.similarity > best.similarity)
          best = { photo: `${id}/${f}`, identity: id, residentId: other.residentId, similarity: other.similarity };
        const self = ranked[0]!;
        if (self.residentId === id && self.similarity - (ranked[1]?.similarity ?? 0) >= 0.25 && self.similarity > genuine.similarity)
          genuine = { photo: `${id}/${f}`, residentId: id, similarity: self.similarity };
      }
    }
    lookAlike = best;
    own = genuine;
    console.info(
      `look-alike: ${best.photo} against resident ${best.residentId} at ${best.similarity.toFixed(3)}; own: ${own.photo} at ${own.similarity.toFixed(3)}`,
    );
    // The look-alike's own identity is erased: at the gate they are a stranger.
    await a.ctx.actions.run('residents/remove', { id: best.identity }, TEST_ACTOR);
  }, 600_000);

  afterAll(async () => {
    await a?.stop();
    a?.ctx.dispose();
    await naive?.stop();
    naive?.ctx.dispose();
  });

  it('a look-alike stranger let in as a resident, passing again and again, never becomes one of their templates nor gets in more', async () => {
    expect(lookAlike.similarity, 'the look-alike must clear the gate threshold for this test to mean anything').toBeGreaterThan(0.38);
    const img = await decodeImage(`${FACES}/${lookAlike.photo}`, { lenient: true });
    const target = lookAlike.residentId;
    const before = a.room.store.embeddings(target);
    const scores: number[] = [];
    let admitted = 0;
    for (let n = 0; n < PASSAGES; n++) {
      const d = await pass(a, img, n);
      scores.push(d.similarity);
      if ('residentId' in d && d.residentId === target) admitted++;
    }
    console.info(`look-alike passages: admitted ${admitted}/${PASSAGES}, similarity ${scores.map((s) => s.toFixed(3)).join(' ')}`);
    expect(admitted, 'the look-alike is let in as the resident (the case the rule must handle)').toBeGreaterThan(0);
    expect(learnedOf(a, target)).toBe(0);
    expect(a.room.learned.embeddings(target)).toEqual([]);
    expect(a.room.store.embeddings(target)).toEqual(before);
    // Nobody else learned the stranger either.
    const anyLearned = a.ctx.db.prepare<{ n: number }>('SELECT COUNT(*) AS n FROM face_templates WHERE learned = 1').get()!.n;
    expect(anyLearned).toBe(0);
    // Never let in more over time: the last passages score no higher than the first.
    const first = scores.slice(0, 4).reduce((x, y) => x + y) / 4;
    const last = scores.slice(-4).reduce((x, y) => x + y) / 4;
    expect(last).toBeLessThanOrEqual(first + 0.01);
  }, 600_000);

  it('without the rule (every accepted passage learned) the same stranger drifts into the resident: the assertions above can fail', async () => {
    naive = await openGate('    minSimilarity: 0\n    aboveThreshold: 0\n    margin: 0\n');
    for (const id of enrolled.keys()) {
      if (id === lookAlike.identity) continue;
      const embeddings = a.room.store.embeddings(id);
      naive.room.store.add({ id, name: id, templates: embeddings.map((embedding) => ({ embedding, quality: {}, source: 'copy' })) });
    }
    naive.room.identities.refresh();
    const img = await decodeImage(`${FACES}/${lookAlike.photo}`, { lenient: true });
    const scores: number[] = [];
    for (let n = 0; n < PASSAGES; n++) scores.push((await pass(naive, img, n)).similarity);
    console.info(`naive learning: similarity ${scores.map((s) => s.toFixed(3)).join(' ')}`);
    expect(learnedOf(naive, lookAlike.residentId)).toBe(3);
    const stranger = (await (await naive.room.pipeline()).analyse(img, { padRetry: true, maxFaces: 1 }))[0]!.embedding;
    expect(Math.max(...naive.room.learned.embeddings(lookAlike.residentId).map((e) => dot(e, stranger)))).toBeGreaterThan(0.8);
    expect(scores.at(-1)!).toBeGreaterThan(scores[0]! + 0.05);
  }, 600_000);

  it("a resident's own passages add templates up to the bound, audited; a passage a person opened the gate for adds none", async () => {
    expect(own.similarity, 'a resident whose other photo clears the learning bar').toBeGreaterThanOrEqual(0.7);
    const img = await decodeImage(`${FACES}/${own.photo}`, { lenient: true });
    const id = own.residentId;
    const manual = { ...TEST_ACTOR, actor: { channel: 'console' as const, name: 'guard', role: 'operator' as const } };
    // The guard opens the gate by hand while the resident stands there: overridden, not learned.
    await pass(a, img, 0, () =>
      a.ctx.audit.record({ action: 'gate/open', actor: manual.actor, transaction: 'x', input: { gateId: GATE }, ok: true }),
    );
    expect(learnedOf(a, id)).toBe(0);
    for (let n = 1; n <= 5; n++) {
      const d = await pass(a, img, n);
      expect(d).toMatchObject({ residentId: id });
      expect(learnedOf(a, id)).toBe(Math.min(n, 3));
    }
    expect(a.room.store.get(id)).toMatchObject({ templates: 1, learned: 3 });
    a.ctx.events.flush();
    const rows = a.ctx.db
      .prepare<{ detail: string; channel: string }>("SELECT detail, channel FROM audit_log WHERE action = 'faces/learn' ORDER BY ts")
      .all();
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.channel === 'system')).toBe(true);
    expect(JSON.parse(rows.at(-1)!.detail)).toMatchObject({ input: { residentId: id, cameraId: CAMERA, replaced: 1, learned: 3 } });
    // Clearing: the enrolment photo stays, the learned ones go.
    expect(await a.ctx.actions.run('residents/clear-learned', { id }, TEST_ACTOR)).toEqual({ id, cleared: 3 });
    expect(a.room.store.get(id)).toMatchObject({ templates: 1, learned: 0 });
  }, 600_000);
});
