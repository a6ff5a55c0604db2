import { describe, expect, it } from 'vitest';
import { cropRgb, decodeImage, encodeJpeg, ImageError, probeImage, resizeRgb, type RgbImage } from './image.js';

function gradient(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x % 256, y % 256, 128], (y * width + x) * 3);
  return { width, height, data };
}

describe('image', () => {
  it('round-trips RGB through JPEG with small error', async () => {
    const img = gradient(64, 48);
    const jpeg = await encodeJpeg(img, 95);
    expect(jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const back = await decodeImage(jpeg);
    expect([back.width, back.height]).toEqual([64, 48]);
    let err = 0;
    for (let i = 0; i < img.data.length; i++) err += Math.abs((img.data[i] as number) - (back.data[i] as number));
    expect(err / img.data.length).toBeLessThan(4);
    expect(await probeImage(jpeg)).toEqual({ width: 64, height: 48, format: 'jpeg' });
  });

  it('crops with clamping and resizes', async () => {
    const img = gradient(10, 10);
    const c = cropRgb(img, { x: 8, y: 8, width: 5, height: 5 });
    expect([c.width, c.height]).toEqual([2, 2]);
    expect([...c.data.subarray(0, 3)]).toEqual([8, 8, 128]);
    const r = await resizeRgb(img, 20, 5);
    expect([r.width, r.height, r.data.length]).toEqual([20, 5, 300]);
  });

  it('refuses bad inputs with a clear ImageError', async () => {
    await expect(decodeImage(new Uint8Array(0))).rejects.toThrow(/empty image/);
    await expect(decodeImage(Buffer.from('this is not an image at all'))).rejects.toThrow(/not an image/);
    const jpeg = await encodeJpeg(gradient(200, 200), 90);
    const truncated = jpeg.subarray(0, Math.floor(jpeg.length / 2));
    await expect(decodeImage(truncated)).rejects.toBeInstanceOf(ImageError);
    await expect(decodeImage(truncated, { lenient: true })).resolves.toMatchObject({ width: 200, height: 200 });
    await expect(decodeImage(jpeg, { maxPixels: 1000 })).rejects.toThrow(/too large/);
    await expect(decodeImage('/nonexistent/x.jpg')).rejects.toThrow(/not found|cannot decode/);
  });
});
