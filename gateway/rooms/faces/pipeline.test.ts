import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, resizeRgb, type RgbImage } from '../../lib/imaging/image.js';
import { checkEnrolmentPhoto } from './enrol.js';
import { FaceModels, faceModelsPrepared } from './models.js';
import { FacePipeline } from './pipeline.js';

const FACES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/datasets/faces');
const ready = faceModelsPrepared() && existsSync(FACES);
if (!ready) console.warn(`face pipeline tests skipped: need \`npm run models\` and ${FACES}`);

function dot(a: Float32Array, b: Float32Array) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** The photo scaled to `faceWidth` and pasted at (x, y) in a black 1920x1080 frame. */
async function inFrame(img: RgbImage, width: number, x: number, y: number): Promise<RgbImage> {
  const small = await resizeRgb(img, width, Math.round((img.height * width) / img.width));
  const frame = { width: 1920, height: 1080, data: new Uint8Array(1920 * 1080 * 3) };
  for (let r = 0; r < small.height; r++)
    frame.data.set(small.data.subarray(r * small.width * 3, (r + 1) * small.width * 3), ((y + r) * 1920 + x) * 3);
  return frame;
}

describe.skipIf(!ready)('FacePipeline on real photos', () => {
  let models: FaceModels;
  let pipeline: FacePipeline;
  beforeAll(async () => {
    models = new FaceModels({ name: 'faces-test' });
    await models.load();
    pipeline = new FacePipeline({ models });
  });
  afterAll(async () => {
    await models?.close();
  });

  it('same person scores above the threshold, different people below', async () => {
    const [o1, o2, b1] = await Promise.all(
      ['obama/fr_obama.jpg', 'obama/fr_obama2.jpg', 'biden/fr_biden.jpg'].map((p) => decodeImage(`${FACES}/${p}`)),
    );
    const [f1, f2, g1] = [(await pipeline.analyse(o1!))[0]!, (await pipeline.analyse(o2!))[0]!, (await pipeline.analyse(b1!))[0]!];
    expect(f1.score).toBeGreaterThan(0.9);
    expect(dot(f1.embedding, f1.embedding)).toBeCloseTo(1, 4);
    expect(f1.quality.problems).toEqual([]);
    expect(dot(f1.embedding, f2.embedding)).toBeGreaterThan(0.43);
    expect(dot(f1.embedding, g1.embedding)).toBeLessThan(0.3);
    // The eyes of the 5 points lie inside the box, left of right.
    expect(f1.points5[0]!.x).toBeLessThan(f1.points5[1]!.x);
    expect(f1.points5[0]!.x).toBeGreaterThan(f1.box.x1);
  });

  it('finds nothing in photos without a face, even with pad-and-retry', async () => {
    for (const p of ['_noface/cf_landscape.jpg', '_noface/faceapi_white.png']) {
      const img = await decodeImage(`${FACES}/${p}`);
      expect(await pipeline.detect(img, { padRetry: true })).toEqual([]);
    }
  });

  it('refuses enrolment photos with several faces or none, with the reason', async () => {
    const two = await checkEnrolmentPhoto(pipeline, await decodeImage(`${FACES}/_group/fr_two_people.jpg`));
    expect(two).toMatchObject({ ok: false, reason: expect.stringMatching(/several faces/) });
    const none = await checkEnrolmentPhoto(pipeline, await decodeImage(`${FACES}/_noface/cf_landscape.jpg`));
    expect(none).toMatchObject({ ok: false, reason: 'no face found' });
  });

  it('a face too small for the whole 1080p frame is found in the gate region of interest', async () => {
    const photo = await decodeImage(`${FACES}/obama/fr_obama.jpg`);
    const frame = await inFrame(photo, 160, 1300, 600);
    const whole = await pipeline.detect(frame);
    const roi = await pipeline.detect(frame, { roi: { x: 1200, y: 500, width: 480, height: 360 } });
    expect(whole).toEqual([]);
    expect(roi).toHaveLength(1);
    // Reported in frame coordinates.
    expect(roi[0]!.box.x1).toBeGreaterThan(1300);
    expect(roi[0]!.box.x2).toBeLessThan(1460);
  });

  it('runs the optional liveness model and reports a probability (function unverified upstream)', async () => {
    const live = new FaceModels({ name: 'faces-live-test', liveness: true });
    try {
      await live.load();
      const p = new FacePipeline({ models: live, options: { liveness: true } });
      const face = (await p.analyse(await decodeImage(`${FACES}/obama/fr_obama.jpg`)))[0]!;
      expect(face.liveness).toBeGreaterThanOrEqual(0);
      expect(face.liveness).toBeLessThanOrEqual(1);
    } finally {
      await live.close();
    }
  });
});
