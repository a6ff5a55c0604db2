/**
 * Which detected text regions may be plates, and how to cut them out upright. Pure, no I/O.
 * Single-row plates: aspect of the detector's own region 2.5–12 (measured on the raw region, not
 * the grown box, which a plate's frame distorts). Two-row (yellow, trailer) plates: a short
 * province+letter row above a longer serial row is paired and the two rows are laid side by side
 * into one line for the recogniser.
 */
import type { RgbImage } from '../../lib/imaging/image.js';
import { boundsOf, rectCorners, warpQuad, type Point, type RotatedRect } from './geometry.js';
import { REC_HEIGHT, REC_WIDTH } from './recognizer.js';

export interface RegionLike {
  raw: RotatedRect;
  grown: RotatedRect;
  score: number;
}

export interface Candidate {
  kind: 'single' | 'two-row';
  /** The plate's corners in the frame (TL, TR, BR, BL). */
  quad: [Point, Point, Point, Point];
  score: number;
  rows: RotatedRect[];
}

export interface CandidateOptions {
  minAspect: number;
  maxAspect: number;
  /** Smallest grown height in frame pixels. */
  minHeight: number;
  maxCandidates: number;
  /** Extra growth of the grown box (fraction of its height) to include the plate's frame. */
  margin: number;
  /** Extra growth along the text (fraction of its height, each end): DB often clips the province glyph. */
  marginX: number;
}

export const CANDIDATE_DEFAULTS: CandidateOptions = {
  minAspect: 2.5,
  maxAspect: 12,
  minHeight: 8,
  maxCandidates: 12,
  margin: 0.1,
  marginX: 0.1,
};

const aspect = (r: RotatedRect) => r.w / Math.max(1e-6, r.h);

function withMargin(r: RotatedRect, m: number, mx = m): RotatedRect {
  return { ...r, w: r.w + 2 * mx * r.h, h: r.h + 2 * m * r.h };
}

export function pickCandidates(regions: readonly RegionLike[], opts: Partial<CandidateOptions> = {}): Candidate[] {
  const o = { ...CANDIDATE_DEFAULTS, ...opts };
  const out: Candidate[] = [];
  for (const r of regions) {
    const a = aspect(r.raw);
    // Plates at a gate are never tilted past 45°: a steep region is vertical text or a pole.
    if (a < o.minAspect || a > o.maxAspect || r.grown.h < o.minHeight || Math.abs(Math.sin(r.raw.angle)) > Math.SQRT1_2) continue;
    out.push({ kind: 'single', quad: rectCorners(withMargin(r.grown, o.margin, o.marginX)), score: r.score, rows: [r.grown] });
  }
  // Two-row plates: a top row (province + letter) centred above a bottom row (serial).
  for (const bottom of regions) {
    const ab = aspect(bottom.raw);
    if (ab < 1.5 || ab > 6 || bottom.grown.h < o.minHeight || Math.abs(Math.sin(bottom.raw.angle)) > Math.SQRT1_2) continue;
    for (const top of regions) {
      if (top === bottom) continue;
      const b = bottom.grown;
      const t = top.grown;
      const dy = b.cy - t.cy;
      if (dy <= 0.3 * b.h || dy > 1.6 * b.h) continue;
      if (Math.abs(t.cx - b.cx) > 0.3 * b.w) continue;
      if (t.w < 0.25 * b.w || t.w > 0.9 * b.w || t.h > 1.1 * b.h || t.h < 0.3 * b.h) continue;
      if (Math.abs(Math.sin(t.angle - b.angle)) > 0.2) continue;
      out.push(twoRow(t, b, (top.score + bottom.score) / 2));
    }
  }
  out.sort((x, y) => y.score * quadArea(y.quad) ** 0.25 - x.score * quadArea(x.quad) ** 0.25);
  return out.slice(0, o.maxCandidates);
}

/**
 * A two-row plate guessed from its bottom (serial) row alone, when the small province+letter row
 * above was too small for the detector: the top row is assumed centred above, about half as wide
 * and a little over half as high.
 */
export function twoRowFromBottom(bottom: RotatedRect, score: number): Candidate {
  const up = 0.85 * bottom.h;
  const top: RotatedRect = {
    cx: bottom.cx + up * Math.sin(bottom.angle),
    cy: bottom.cy - up * Math.cos(bottom.angle),
    w: 0.55 * bottom.w,
    h: 0.6 * bottom.h,
    angle: bottom.angle,
  };
  return twoRow(top, bottom, score);
}

export function quadArea(q: readonly Point[]): number {
  let s = 0;
  for (let i = 0; i < q.length; i++) {
    const a = q[i] as Point;
    const b = q[(i + 1) % q.length] as Point;
    s += a.x * b.y - b.x * a.y;
  }
  return Math.abs(s) / 2;
}

function warpRow(frame: RgbImage, r: RotatedRect): RgbImage {
  const w = Math.max(1, Math.min(REC_WIDTH, Math.round((r.w / Math.max(1, r.h)) * REC_HEIGHT)));
  return warpQuad(frame, rectCorners(r), w, REC_HEIGHT);
}

/** The candidate as one upright line of text, 48 high (ready for the recogniser). */
export function cutCandidate(frame: RgbImage, c: Candidate, margin = CANDIDATE_DEFAULTS.margin): RgbImage {
  if (c.kind === 'single') {
    const [tl, tr, , bl] = c.quad;
    const w = Math.hypot(tr.x - tl.x, tr.y - tl.y);
    const h = Math.hypot(bl.x - tl.x, bl.y - tl.y);
    const outW = Math.max(1, Math.min(REC_WIDTH, Math.round((w / Math.max(1, h)) * REC_HEIGHT)));
    return warpQuad(frame, c.quad, outW, REC_HEIGHT);
  }
  const rows = c.rows.map((r) => warpRow(frame, withMargin(r, margin)));
  return hconcat(rows);
}

/** Places images of equal height side by side (clipped to the recogniser's width). */
export function hconcat(imgs: readonly RgbImage[]): RgbImage {
  const h = imgs[0]?.height ?? REC_HEIGHT;
  const total = Math.min(
    REC_WIDTH,
    imgs.reduce((s, i) => s + i.width, 0),
  );
  const out = new Uint8Array(total * h * 3);
  let x0 = 0;
  for (const img of imgs) {
    const w = Math.min(img.width, total - x0);
    for (let y = 0; y < h; y++) out.set(img.data.subarray(y * img.width * 3, (y * img.width + w) * 3), (y * total + x0) * 3);
    x0 += w;
    if (x0 >= total) break;
  }
  return { width: total, height: h, data: out };
}

/** A two-row candidate: the upright box around both rows, which the reader warps and splits. */
function twoRow(top: RotatedRect, bottom: RotatedRect, score: number): Candidate {
  const box = boundsOf([...rectCorners(top), ...rectCorners(bottom)]);
  return {
    kind: 'two-row',
    quad: [
      { x: box.x, y: box.y },
      { x: box.x + box.width, y: box.y },
      { x: box.x + box.width, y: box.y + box.height },
      { x: box.x, y: box.y + box.height },
    ],
    score,
    rows: [top, bottom],
  };
}
