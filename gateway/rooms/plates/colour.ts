/**
 * Plate background colour from the pixels of an upright plate crop. Pure, no I/O.
 *
 * Polarity first: the background is the majority side of an Otsu split of the central pixels'
 * brightness. Light characters (the minority is brighter) mean a blue or black plate; dark
 * characters mean yellow, green or white. The background pixels' saturation-weighted hue then
 * picks within the family. Washed-out or night photos fall back to the commonest plate of the
 * family (blue, or white/green by hue).
 */
import type { RgbImage } from '../../lib/imaging/image.js';
import type { PlateColour } from './dataset.js';

/** Hue in degrees, saturation and value in 0..1. */
export function rgbToHsv(r: number, g: number, b: number): [number, number, number] {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  let h = 0;
  if (d > 0) {
    if (max === r) h = ((g - b) / d) % 6;
    else if (max === g) h = (b - r) / d + 2;
    else h = (r - g) / d + 4;
    h *= 60;
    if (h < 0) h += 360;
  }
  return [h, max === 0 ? 0 : d / max, max / 255];
}

/** Otsu threshold of a 256-bin histogram. */
export function otsu(hist: ArrayLike<number>): number {
  let total = 0;
  let sum = 0;
  for (let i = 0; i < 256; i++) {
    total += hist[i] as number;
    sum += i * (hist[i] as number);
  }
  let wB = 0;
  let sumB = 0;
  let best = 0;
  let threshold = 127;
  for (let t = 0; t < 256; t++) {
    wB += hist[t] as number;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * (hist[t] as number);
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) * (mB - mF);
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  return threshold;
}

export interface ColourEvidence {
  /** Characters lighter than the background (blue/black plates). */
  lightText: boolean;
  /** Saturation-weighted mean hue of the background (degrees), NaN if grey. */
  hue: number;
  /** Mean saturation and value of the background. */
  saturation: number;
  value: number;
}

export function colourEvidence(img: RgbImage): ColourEvidence {
  const mx = Math.floor(img.width * 0.08);
  const my = Math.floor(img.height * 0.12);
  const hist = new Float64Array(256);
  const luma: number[] = [];
  const hsv: [number, number, number][] = [];
  for (let y = my; y < img.height - my; y++) {
    for (let x = mx; x < img.width - mx; x++) {
      const i = (y * img.width + x) * 3;
      const r = img.data[i] as number;
      const g = img.data[i + 1] as number;
      const b = img.data[i + 2] as number;
      const l = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
      hist[l] = (hist[l] as number) + 1;
      luma.push(l);
      hsv.push(rgbToHsv(r, g, b));
    }
  }
  const t = otsu(hist);
  const bright = luma.filter((l) => l > t).length;
  const lightText = bright < luma.length / 2;
  let hx = 0;
  let hy = 0;
  let sat = 0;
  let val = 0;
  let n = 0;
  luma.forEach((l, i) => {
    if (l > t === lightText) return; // a character pixel
    const [h, s, v] = hsv[i] as [number, number, number];
    hx += s * Math.cos((h * Math.PI) / 180);
    hy += s * Math.sin((h * Math.PI) / 180);
    sat += s;
    val += v;
    n++;
  });
  if (n === 0) return { lightText, hue: NaN, saturation: 0, value: 0 };
  let hue = (Math.atan2(hy, hx) * 180) / Math.PI;
  if (hue < 0) hue += 360;
  const strength = Math.hypot(hx, hy) / n;
  return { lightText, hue: strength < 0.03 ? NaN : hue, saturation: sat / n, value: val / n };
}

export function classifyEvidence(e: ColourEvidence): PlateColour {
  const blueHue = e.hue >= 170 && e.hue <= 270;
  if (e.lightText) {
    // A strongly yellow or green background means the polarity was misjudged (shadowed plate).
    if (e.hue >= 20 && e.hue < 70 && e.saturation > 0.4) return 'yellow';
    if (e.hue >= 70 && e.hue < 170 && e.saturation > 0.4) return 'green';
    // Black plates (consulates, HK/Macao, foreign) are dark and grey; blue is far commoner.
    if (!blueHue && e.saturation < 0.2 && e.value < 0.45) return 'black';
    return 'blue';
  }
  if (e.hue >= 20 && e.hue < 70 && e.saturation > 0.2) return 'yellow';
  if (e.hue >= 70 && e.hue < 170 && e.saturation > 0.08) return 'green';
  // Over-exposed blue plates read as dark text on pale blue.
  if (blueHue && e.saturation > 0.1) return 'blue';
  return 'white';
}

export function classifyColour(img: RgbImage): PlateColour {
  return classifyEvidence(colourEvidence(img));
}
