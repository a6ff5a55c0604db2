import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { decodeImage } from '../../lib/imaging/image.js';
import { InferenceWorker } from '../../lib/inference/inference-worker.js';
import { modelsPrepared } from '../../lib/inference/models.js';
import { PlateReader } from './plate-reader.js';
import { DET_FILE } from './detector.js';
import { PlateRecogniser, readFit, REC_FILE, REC_KEYS, recogniserTensor, toRecogniserSize } from './recognizer.js';
import { resizeBilinear } from './geometry.js';
import { plateSvg, sceneSvg } from './testing/synthetic-plate.js';

const ready = modelsPrepared([DET_FILE, REC_FILE, REC_KEYS]);
if (!ready) console.warn('plate recogniser tests skipped: run `npm run models` first');

describe('recogniser tensor layout', () => {
  it('scales to height 48, writes BGR planes normalised to [-1, 1] and pads the right with 0', () => {
    const img = {
      width: 4,
      height: 2,
      data: new Uint8Array([255, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0, 255]),
    };
    const sized = toRecogniserSize(img);
    expect([sized.width, sized.height]).toEqual([96, 48]);
    const t = recogniserTensor([sized]);
    expect(t).toHaveLength(3 * 48 * 320);
    expect(t[0]).toBeCloseTo(-1); // B of a red pixel
    expect(t[2 * 48 * 320]).toBeCloseTo(1); // R of a red pixel
    expect(t[100]).toBe(0); // padding beyond the crop's 96 columns
  });
});

describe('choosing between two reads of one crop', () => {
  it('prefers an 8-character read of a green plate to a more confident 7-character one', () => {
    const seven = { template: 'standard', confidence: 0.73, charProbs: [1, 1, 1, 1, 1, 1, 1], colour: 'green' } as const;
    const eight = { template: 'new-energy-small', confidence: 0.6, charProbs: [1, 1, 1, 1, 1, 1, 1, 1], colour: 'green' } as const;
    expect(readFit(eight)).toBeGreaterThan(readFit(seven));
    // On a blue plate the colour says nothing against 7 characters: the more confident wins.
    expect(readFit({ ...seven, colour: 'blue' })).toBeGreaterThan(readFit({ ...eight, colour: 'blue' }));
    expect(readFit({ template: '', confidence: 0, charProbs: [], colour: 'blue' })).toBe(0);
  });
});

describe.skipIf(!ready)('plate reading on synthetic plates (real models, wqy-microhei font)', () => {
  let worker: InferenceWorker;
  let reader: PlateReader;
  beforeAll(async () => {
    worker = new InferenceWorker('plates-test');
    reader = new PlateReader({ worker });
    await reader.load();
  });
  afterAll(async () => worker?.close());

  it.each([
    ['粤B12345', 'blue'],
    ['川A0D886', 'blue'],
    ['皖AD12345', 'green'],
    ['鲁Q1234学', 'yellow'],
  ] as const)('reads a %s %s crop', async (plate, colour) => {
    const img = await decodeImage(Buffer.from(plateSvg(plate, colour, 0.5)));
    const r = await reader.readCrop(img);
    expect(r?.plate).toBe(plate);
    expect(r?.colour).toBe(colour);
    expect(r!.confidence).toBeGreaterThan(0.6);
  });

  it('finds, rectifies and reads a tilted plate in a 1280x720 scene, with its box', async () => {
    const frame = await decodeImage(
      Buffer.from(sceneSvg('浙A88731', 'blue', { width: 1280, height: 720, x: 700, y: 430, plateWidth: 220, angleDeg: 8 })),
    );
    const handed: string[] = [];
    const results = await reader.readScene(frame, { onDecisive: (r) => handed.push(r.plate) });
    expect(results[0]?.plate).toBe('浙A88731');
    expect(handed).toEqual(['浙A88731']); // handed over once, before the rest of the frame was read
    const box = results[0]!.box;
    expect(box.x).toBeGreaterThan(640);
    expect(box.x).toBeLessThan(720);
    expect(box.y).toBeGreaterThan(380);
    expect(box.width).toBeGreaterThan(180);
  });

  it("reads repeated characters on a crop narrower than a plate (a sheared plate's box) by also reading it widened", async () => {
    const plates = ['皖A999J3', '粤B11188', '苏E55522', '皖AD14488'];
    const narrow = await Promise.all(
      plates.map(async (p) => {
        const img = await decodeImage(Buffer.from(plateSvg(p, p.length === 8 ? 'green' : 'blue', 0.5)));
        return resizeBilinear(img, Math.round(img.width * 0.6), img.height);
      }),
    );
    expect((await reader.recogniser.read(narrow)).map((r) => r.plate)).toEqual(plates);
    // Without widening, the model merges repeated characters on these crops.
    const plain = new PlateRecogniser({ worker, options: { widenBelow: 0 } });
    const misread = (await plain.read(narrow)).filter((r, i) => r.plate !== plates[i]);
    expect(misread.length).toBeGreaterThan(0);
  });

  it('reads a two-row yellow plate (province and letter small above the serial) in a scene', async () => {
    const frame = await decodeImage(
      Buffer.from(
        sceneSvg('鲁Q1234学', 'yellow', { width: 1280, height: 720, x: 560, y: 380, plateWidth: 150, angleDeg: -4, twoRow: true }),
      ),
    );
    const [first] = await reader.readScene(frame);
    expect(first).toMatchObject({ plate: '鲁Q1234学', kind: 'two-row', colour: 'yellow' });
  });

  it('reads nothing in an empty scene', async () => {
    const frame = await decodeImage(
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360"><rect width="100%" height="100%" fill="#777"/></svg>'),
    );
    expect(await reader.readScene(frame)).toEqual([]);
  });
});
