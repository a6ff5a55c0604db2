/**
 * Image decoding, resizing and JPEG encoding: the only file that imports sharp. Everything else
 * works on RgbImage (packed 8-bit RGB, row-major), the same layout ffmpeg's rgb24 frames have.
 */
import sharp from 'sharp';
import { errMessage } from '../../core/errors.js';

export interface RgbImage {
  width: number;
  height: number;
  /** width * height * 3 bytes, RGB. */
  data: Uint8Array;
}
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An image that cannot be used, with a reason a person can act on. */
export class ImageError extends Error {
  constructor(
    message: string,
    readonly source?: string,
  ) {
    super(source ? `${source}: ${message}` : message);
    this.name = 'ImageError';
  }
}

sharp.cache(false);
sharp.concurrency(1);

export interface DecodeOptions {
  /** Refuse images with more pixels than this (default 40 MP). */
  maxPixels?: number;
  /** Decode what is there of a truncated JPEG instead of refusing it. */
  lenient?: boolean;
  /** Name for error messages (a file name). */
  source?: string;
}

/** Decodes a JPEG/PNG/WebP... (file path or bytes) to RGB, honouring EXIF orientation. */
export async function decodeImage(input: string | Uint8Array, opts: DecodeOptions = {}): Promise<RgbImage> {
  const source = opts.source ?? (typeof input === 'string' ? input : undefined);
  const maxPixels = opts.maxPixels ?? 40_000_000;
  if (typeof input !== 'string' && input.length === 0) throw new ImageError('empty image (0 bytes)', source);
  try {
    const { data, info } = await sharp(input, { failOn: opts.lenient ? 'none' : 'truncated', limitInputPixels: maxPixels })
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new ImageError(`unexpected ${info.channels} channels`, source);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (err) {
    if (err instanceof ImageError) throw err;
    throw new ImageError(explain(err, maxPixels), source);
  }
}

function explain(err: unknown, maxPixels: number): string {
  const m = errMessage(err);
  if (/pixel limit/i.test(m)) return `image too large (more than ${maxPixels} pixels)`;
  if (/unsupported image format/i.test(m)) return 'not an image (unsupported or unknown format)';
  if (/premature end|truncated|end of file|VipsJpeg/i.test(m)) return `truncated or corrupt image (${m.split('\n')[0]})`;
  if (/ENOENT|no such file/i.test(m)) return 'file not found';
  return `cannot decode image: ${m.split('\n')[0]}`;
}

/** Resizes to exactly width x height (bilinear; `fit: 'fill'` stretches, 'contain' pads black). */
export async function resizeRgb(
  img: RgbImage,
  width: number,
  height: number,
  fit: 'fill' | 'contain' | 'inside' = 'fill',
): Promise<RgbImage> {
  const { data, info } = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize(width, height, { fit, kernel: 'linear', background: { r: 0, g: 0, b: 0 } })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** Copies a region (clamped to the image) into a new image. Pure, no sharp. */
export function cropRgb(img: RgbImage, box: Box): RgbImage {
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(img.width, Math.ceil(box.x + box.width));
  const y1 = Math.min(img.height, Math.ceil(box.y + box.height));
  const w = Math.max(0, x1 - x0);
  const h = Math.max(0, y1 - y0);
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const src = ((y0 + y) * img.width + x0) * 3;
    out.set(img.data.subarray(src, src + w * 3), y * w * 3);
  }
  return { width: w, height: h, data: out };
}

/** Encodes RGB as JPEG. */
export async function encodeJpeg(img: RgbImage, quality = 80): Promise<Buffer> {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .jpeg({ quality, mozjpeg: false })
    .toBuffer();
}

/** Reads width/height/format without decoding pixels (for quick refusals). */
export async function probeImage(input: string | Uint8Array): Promise<{ width: number; height: number; format: string }> {
  try {
    const m = await sharp(input).metadata();
    if (!m.width || !m.height || !m.format) throw new Error('no dimensions');
    return { width: m.width, height: m.height, format: m.format };
  } catch (err) {
    throw new ImageError(explain(err, Infinity), typeof input === 'string' ? input : undefined);
  }
}

/** Packed 8-bit RGBA (straight alpha): drawings and cut-outs composed onto RgbImage frames. */
export interface RgbaImage {
  width: number;
  height: number;
  /** width * height * 4 bytes. */
  data: Uint8Array;
}

/** Decodes an image or rasterises an SVG (file path or bytes) to RGBA, keeping its transparency. */
export async function decodeRgba(input: string | Uint8Array): Promise<RgbaImage> {
  const { data, info } = await sharp(input).rotate().ensureAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** Resizes RGBA to exactly width x height (bilinear, stretching). */
export async function resizeRgba(img: RgbaImage, width: number, height: number): Promise<RgbaImage> {
  const { data, info } = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 4 } })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}
