/**
 * Composing a frame: straight-alpha RGBA sprites blended onto an RGB frame, clipped to it. Pure.
 */
import type { RgbaImage, RgbImage } from '../../gateway/lib/imaging/image.js';

/** Blends `over` onto `base` with its top-left corner at (left, top), times `alpha` (0..1). */
export function blendInto(base: RgbImage, over: RgbaImage, left: number, top: number, alpha = 1): void {
  const x0 = Math.max(0, left);
  const y0 = Math.max(0, top);
  const x1 = Math.min(base.width, left + over.width);
  const y1 = Math.min(base.height, top + over.height);
  if (x1 <= x0 || y1 <= y0 || alpha <= 0) return;
  const k = Math.min(1, alpha) / 255;
  for (let y = y0; y < y1; y++) {
    let b = (y * base.width + x0) * 3;
    let o = ((y - top) * over.width + (x0 - left)) * 4;
    for (let x = x0; x < x1; x++, b += 3, o += 4) {
      const a = over.data[o + 3]! * k;
      if (a <= 0) continue;
      base.data[b] = Math.round(base.data[b]! + (over.data[o]! - base.data[b]!) * a);
      base.data[b + 1] = Math.round(base.data[b + 1]! + (over.data[o + 1]! - base.data[b + 1]!) * a);
      base.data[b + 2] = Math.round(base.data[b + 2]! + (over.data[o + 2]! - base.data[b + 2]!) * a);
    }
  }
}

/** An RGBA picture flattened onto a background colour (a drawn background with no transparency). */
export function flatten(img: RgbaImage, background: [number, number, number] = [0, 0, 0]): RgbImage {
  const out: RgbImage = { width: img.width, height: img.height, data: new Uint8Array(img.width * img.height * 3) };
  for (let i = 0; i < img.width * img.height; i++) {
    const a = img.data[i * 4 + 3]! / 255;
    for (let c = 0; c < 3; c++) out.data[i * 3 + c] = Math.round(background[c]! + (img.data[i * 4 + c]! - background[c]!) * a);
  }
  return out;
}
