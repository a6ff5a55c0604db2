import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';
import { probeImage } from '../../lib/imaging/image.js';
import { FaceModels, faceModelsPrepared } from './models.js';
import { FacePipeline } from './pipeline.js';
import { checkPhoto } from './photo-check.js';

const FACES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/datasets/faces');
const ready = faceModelsPrepared() && existsSync(FACES);
if (!ready) console.warn(`residents/check test skipped: need \`npm run models\` and ${FACES}`);

/** A valid PNG header that claims width x height, with a tiny compressed body (a decompression bomb). */
function bombPng(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = (crcTable[(c ^ x) & 0xff] as number) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const rows = deflateSync(Buffer.alloc(Math.min(height, 64) * (width + 1)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', rows),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe.skipIf(!ready)('residents/check: the enrolment verdict and crop before saving', () => {
  let models: FaceModels;
  let pipeline: FacePipeline;
  beforeAll(async () => {
    models = new FaceModels({ name: 'photo-check-test' });
    await models.load();
    pipeline = new FacePipeline({ models });
  }, 60_000);
  afterAll(async () => {
    await models?.close();
  });

  it('accepts a clear portrait and shows the aligned 112x112 face', async () => {
    const v = await checkPhoto(pipeline, readFileSync(`${FACES}/obama/fr_obama.jpg`));
    expect(v).toMatchObject({ ok: true, reasons: [] });
    expect(v.quality?.facePx).toBeGreaterThan(48);
    expect(await probeImage(Buffer.from(v.crop!, 'base64'))).toMatchObject({ width: 112, height: 112, format: 'jpeg' });
  });

  it('refuses a group photo and a photo without a face, saying why', async () => {
    const group = await checkPhoto(pipeline, readFileSync(`${FACES}/_group/cf_011_3.jpg`));
    expect(group.ok).toBe(false);
    expect(group.reasons.join()).toMatch(/several faces/);
    const none = await checkPhoto(pipeline, readFileSync(`${FACES}/_noface/cf_landscape.jpg`));
    expect(none).toEqual({ ok: false, reasons: ['no face found'] });
  });

  it('refuses a picture over the pixel cap from its header, before decoding it', async () => {
    const bomb = bombPng(7000, 5000); // 35 MP claimed (under the old 40 MP cap), a few kB sent
    expect(bomb.length).toBeLessThan(100_000);
    const t0 = performance.now();
    const v = await checkPhoto(pipeline, bomb);
    expect(v.ok).toBe(false);
    expect(v.reasons[0]).toMatch(/too large/);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect((await checkPhoto(pipeline, Buffer.from('not an image'))).reasons[0]).toMatch(/not an image/);
  });
});
