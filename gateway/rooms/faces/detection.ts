/**
 * Decoding of the RFB-320 detector's outputs and non-maximum suppression. Pure.
 * The model's `boxes` are already decoded (x1, y1, x2, y2 as fractions of its 320x240 input);
 * `scores` hold [background, face] probabilities per anchor.
 */
import { applyAffine, boxArea, iou, type Affine, type FaceBox } from './geometry.js';

export interface Detection {
  box: FaceBox;
  score: number;
}

export interface DecodeOptions {
  /** Minimum face probability. */
  threshold: number;
  /** Boxes overlapping a better one by more than this IoU are dropped. */
  nmsIou: number;
  /** Input size of the model (pixels). */
  inputWidth: number;
  inputHeight: number;
  /** Map from model input pixels to image pixels. */
  toImage: Affine;
  /** Keep at most this many candidates before NMS. */
  topK?: number;
}

export function decodeDetections(scores: Float32Array, boxes: Float32Array, opts: DecodeOptions): Detection[] {
  const n = Math.min(scores.length / 2, boxes.length / 4);
  const cands: Detection[] = [];
  const m = opts.toImage;
  for (let i = 0; i < n; i++) {
    const s = scores[i * 2 + 1]!;
    if (!(s >= opts.threshold)) continue;
    // Model pixel corners -> pixel-centre coordinates of the map -> image.
    const p1 = applyAffine(m, { x: boxes[i * 4]! * opts.inputWidth - 0.5, y: boxes[i * 4 + 1]! * opts.inputHeight - 0.5 });
    const p2 = applyAffine(m, { x: boxes[i * 4 + 2]! * opts.inputWidth - 0.5, y: boxes[i * 4 + 3]! * opts.inputHeight - 0.5 });
    const box = {
      x1: Math.min(p1.x, p2.x) + 0.5,
      y1: Math.min(p1.y, p2.y) + 0.5,
      x2: Math.max(p1.x, p2.x) + 0.5,
      y2: Math.max(p1.y, p2.y) + 0.5,
    };
    if (boxArea(box) <= 0) continue;
    cands.push({ box, score: s });
  }
  cands.sort((a, b) => b.score - a.score);
  if (opts.topK && cands.length > opts.topK) cands.length = opts.topK;
  return nms(cands, opts.nmsIou);
}

/** Greedy NMS: best score first; drops boxes overlapping a kept one by more than `maxIou`. Input need not be sorted. */
export function nms(dets: readonly Detection[], maxIou: number): Detection[] {
  const sorted = [...dets].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const d of sorted) {
    if (kept.every((k) => iou(k.box, d.box) <= maxIou)) kept.push(d);
  }
  return kept;
}

/**
 * Which face a photo (or a gate ROI) is about: the largest, weighted by closeness to the centre,
 * so a big blurred bystander at the edge does not win over the person in front of the camera.
 */
export function chooseMainFace<T extends { box: FaceBox }>(faces: readonly T[], width: number, height: number): T | undefined {
  let best: T | undefined;
  let bestScore = -1;
  const half = Math.hypot(width / 2, height / 2) || 1;
  for (const f of faces) {
    const cx = (f.box.x1 + f.box.x2) / 2;
    const cy = (f.box.y1 + f.box.y2) / 2;
    const d = Math.hypot(cx - width / 2, cy - height / 2) / half; // 0 centre .. 1 corner
    const s = boxArea(f.box) * Math.max(0.05, 1 - d);
    if (s > bestScore) {
      bestScore = s;
      best = f;
    }
  }
  return best;
}

/** The square crop the landmark model was trained on: side = box height, centred, shifted inside the image when it fits. */
export function landmarkCrop(box: FaceBox, width: number, height: number): { x: number; y: number; size: number } {
  const size = box.y2 - box.y1;
  let x = (box.x1 + box.x2) / 2 - size / 2;
  let y = (box.y1 + box.y2) / 2 - size / 2;
  if (size <= width) x = Math.min(Math.max(0, x), width - size);
  if (size <= height) y = Math.min(Math.max(0, y), height - size);
  return { x, y, size };
}
