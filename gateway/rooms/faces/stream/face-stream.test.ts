import { describe, expect, it } from 'vitest';
import type { FaceObservation, FacePipeline } from '../pipeline.js';
import { FaceStream, type TrackOutcome } from './face-stream.js';

// The stream's tracking and decisions are pure given what the pipeline sees: the pipeline is a
// stand-in that "sees" one face per frame with a chosen embedding (the real models are tested in
// pipeline.test.ts and room.test.ts).
const DIM = 8;
const unit = (i: number) => Float32Array.from({ length: DIM }, (_, k) => (k === i ? 1 : 0));
const RESIDENT = unit(0);
const STRANGER = unit(1);
const GREY = unit(2); // somebody between the thresholds: never decided on their own
const box = { x1: 100, y1: 100, x2: 200, y2: 220 };

function observation(embedding: Float32Array): FaceObservation {
  return {
    box,
    score: 0.99,
    landmarks: [],
    points5: [],
    quality: { facePx: 120, eyeDistancePx: 40, yaw: 0, pitch: 0.5, sharpness: 100, problems: [], tooSmall: false },
    embedding,
  };
}

/** A face the pose gate refused (head turned): still described, less reliably. */
function turned(embedding: Float32Array): FaceObservation {
  const o = observation(embedding);
  return { ...o, quality: { ...o.quality, yaw: 0.8, problems: ['head turned sideways (yaw 0.80 > 0.6)'] } };
}

function stream(seen: Array<Float32Array | FaceObservation>): FaceStream {
  let n = 0;
  const pipeline = {
    analyse: async () => {
      const x = seen[n++]!;
      return [x instanceof Float32Array ? observation(x) : x];
    },
  } as unknown as FacePipeline;
  const identities = {
    size: 1,
    best: (e: Float32Array) => ({ residentId: 'r-1', name: 'Resident', similarity: e[0] === 1 ? 0.8 : e[2] === 1 ? 0.36 : 0.05 }),
  };
  return new FaceStream({
    pipeline,
    identities,
    options: {
      policy: { knownThreshold: 0.44, unknownThreshold: 0.3, minFrames: 2, maxFrames: 10 },
      tracker: { minIou: 0.3, maxGapMs: 1500 },
      minLiveness: 0.5,
      rois: new Map(),
    },
  });
}

const frame = (ts: number) => ({ cameraId: 'door', ts, width: 640, height: 360, data: new Uint8Array(640 * 360 * 3) });

async function run(s: FaceStream, frames: number): Promise<TrackOutcome[]> {
  const out: TrackOutcome[] = [];
  for (let i = 0; i < frames; i++) out.push(...(await s.process(frame(i * 200))));
  return out;
}

describe('FaceStream: one decision per person, also in a queue', () => {
  it('decides a resident once, however long they stay in front of the camera', async () => {
    const out = await run(stream(Array.from({ length: 6 }, () => RESIDENT)), 6);
    expect(out.map((o) => o.decision.kind)).toEqual(['recognized']);
  });

  it('the next person stepping into the same place within the track gap gets their own decision', async () => {
    const out = await run(stream([RESIDENT, RESIDENT, RESIDENT, STRANGER, STRANGER, STRANGER]), 6);
    expect(out.map((o) => o.decision.kind)).toEqual(['recognized', 'unknown']);
    expect(out[1]!.trackId).not.toBe(out[0]!.trackId);
    expect(out[1]!.firstTs).toBe(600); // the stranger's track starts at their first frame
  });

  it('an undecided person followed by somebody else in the same place: both get a decision', async () => {
    const out = await run(stream([GREY, GREY, GREY, STRANGER, STRANGER, STRANGER]), 6);
    expect(out.map((o) => [o.decision.kind, o.firstTs])).toEqual([
      ['unknown', 0],
      ['unknown', 600],
    ]);
    expect(out[0]!.decision).toMatchObject({ reason: 'undecided' });
    expect(out[1]!.decision).toMatchObject({ reason: 'below_unknown_threshold' });
  });

  it('a face found a stranger is looked at again once the gallery changes (enrolled at the gate)', async () => {
    const gallery = { size: 0, enrolled: false };
    const s = new FaceStream({
      pipeline: { analyse: async () => [observation(RESIDENT)] } as unknown as FacePipeline,
      identities: {
        get size() {
          return gallery.size;
        },
        best: () => (gallery.enrolled ? { residentId: 'r-1', name: 'Resident', similarity: 0.8 } : null),
      },
      options: {
        policy: { knownThreshold: 0.44, unknownThreshold: 0.3, minFrames: 2, maxFrames: 10 },
        tracker: { minIou: 0.3, maxGapMs: 1500 },
        minLiveness: 0.5,
        rois: new Map(),
      },
    });
    const out = await run(s, 3);
    expect(out.map((o) => o.decision.kind)).toEqual(['unknown']);
    Object.assign(gallery, { size: 1, enrolled: true });
    const later: TrackOutcome[] = [];
    for (let i = 3; i < 6; i++) later.push(...(await s.process(frame(i * 200))));
    expect(later.map((o) => o.decision.kind)).toEqual(['recognized']);
  });

  it('a resident who never faces the camera squarely is decided once, when the track ends', async () => {
    const s = stream(Array.from({ length: 4 }, () => turned(RESIDENT)));
    const out = await run(s, 4);
    expect(out).toEqual([]); // the turned faces alone never decide while the track goes on
    const end = s.flush(600 + 1501);
    expect(end.map((o) => [o.decision.kind, o.firstTs])).toEqual([['recognized', 0]]);
  });

  it('a queue whose first person only showed a turned face: the second still gets their own decision', async () => {
    const out = await run(stream([turned(RESIDENT), turned(RESIDENT), turned(RESIDENT), STRANGER, STRANGER, STRANGER]), 6);
    expect(out.map((o) => [o.decision.kind, o.firstTs])).toEqual([
      ['recognized', 0],
      ['unknown', 600],
    ]);
  });

  it('one odd frame of the same person (a landmark slip) does not split them into two people', async () => {
    const out = await run(stream([RESIDENT, RESIDENT, STRANGER, RESIDENT, RESIDENT, RESIDENT]), 6);
    expect(out.map((o) => o.decision.kind)).toEqual(['recognized']);
  });

  it('a queue whose second person only shows a turned face: they still get their own decision', async () => {
    const s = stream([RESIDENT, RESIDENT, RESIDENT, turned(STRANGER), turned(STRANGER), turned(STRANGER)]);
    const out = [...(await run(s, 6)), ...s.flush(1000 + 1501)];
    expect(out.map((o) => [o.decision.kind, o.firstTs])).toEqual([
      ['recognized', 0],
      ['unknown', 600],
    ]);
  });
});
