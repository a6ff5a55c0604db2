/**
 * Quality gates for a detected face: size, distance between the eyes, head pose (from the
 * landmarks) and sharpness (variance of the Laplacian on the aligned grey crop). Pure.
 * Enrolment refuses faces that fail; the stream waits for a better frame of the same track.
 */
import type { FaceBox, Point } from './geometry.js';

export interface QualityLimits {
  /** Smallest face box height (pixels). */
  minFacePx: number;
  /** Smallest distance between the eye centres (pixels). */
  minEyeDistancePx: number;
  /** Largest yaw asymmetry: |nose position between the eyes - 0.5| * 2, 0 frontal .. 1 profile. */
  maxYaw: number;
  /** Pitch ratio (nose below the eye line / mouth below the eye line) must lie in this range. */
  pitchRange: readonly [number, number];
  /** Smallest variance of the Laplacian of the aligned 112x112 grey crop. */
  minSharpness: number;
}

export interface QualityReport {
  facePx: number;
  eyeDistancePx: number;
  yaw: number;
  pitch: number;
  sharpness: number;
  /** Empty when the face passes. */
  problems: string[];
  /**
   * The face failed the size or eye-distance gate: too few pixels for the embedding to describe
   * it. (A face failing only the pose or blur gates is still described, less reliably.)
   */
  tooSmall: boolean;
}

export function poseFrom5(points5: readonly Point[]): { yaw: number; pitch: number; eyeDistance: number; roll: number } {
  const [le, re, nose, lm, rm] = points5 as [Point, Point, Point, Point, Point];
  const ex = re.x - le.x;
  const ey = re.y - le.y;
  const eyeDistance = Math.hypot(ex, ey);
  if (eyeDistance < 1e-6) return { yaw: 1, pitch: 0, eyeDistance, roll: 0 };
  // Coordinates along the eye line (u) and perpendicular to it (v), unit = eye distance.
  const ux = ex / eyeDistance;
  const uy = ey / eyeDistance;
  const along = (p: Point) => ((p.x - le.x) * ux + (p.y - le.y) * uy) / eyeDistance;
  const across = (p: Point) => (-(p.x - le.x) * uy + (p.y - le.y) * ux) / eyeDistance;
  const yaw = Math.min(1, Math.abs(along(nose) - 0.5) * 2);
  const mouthV = (across(lm) + across(rm)) / 2;
  const pitch = mouthV > 1e-6 ? across(nose) / mouthV : 0;
  return { yaw, pitch, eyeDistance, roll: (Math.atan2(ey, ex) * 180) / Math.PI };
}

/** Variance of the 4-neighbour Laplacian over a grey plane (pixel units 0..255). */
export function laplacianVariance(grey: Float32Array, width: number, height: number): number {
  let sum = 0;
  let sum2 = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const o = y * width + x;
      const l = grey[o - 1]! + grey[o + 1]! + grey[o - width]! + grey[o + width]! - 4 * grey[o]!;
      sum += l;
      sum2 += l * l;
      n++;
    }
  }
  if (n === 0) return 0;
  const m = sum / n;
  return sum2 / n - m * m;
}

/** Grey plane (0..255) from an NCHW RGB tensor normalised as (x - mean) / std. */
export function greyFromNchw(t: Float32Array, width: number, height: number, mean: number, std: number): Float32Array {
  const size = width * height;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = (0.299 * t[i]! + 0.587 * t[i + size]! + 0.114 * t[i + 2 * size]!) * std + mean;
  return out;
}

export function assessQuality(input: { box: FaceBox; points5: readonly Point[]; sharpness: number }, limits: QualityLimits): QualityReport {
  const facePx = input.box.y2 - input.box.y1;
  const pose = poseFrom5(input.points5);
  const problems: string[] = [];
  if (facePx < limits.minFacePx) problems.push(`face too small (${Math.round(facePx)} px high, need ${limits.minFacePx})`);
  const tooSmall = facePx < limits.minFacePx || pose.eyeDistance < limits.minEyeDistancePx;
  if (pose.eyeDistance < limits.minEyeDistancePx)
    problems.push(
      `eyes too close together in the image (${Math.round(pose.eyeDistance)} px, need ${limits.minEyeDistancePx}): come closer or use a larger photo`,
    );
  if (pose.yaw > limits.maxYaw) problems.push(`head turned sideways (yaw ${pose.yaw.toFixed(2)} > ${limits.maxYaw}): look at the camera`);
  if (pose.pitch < limits.pitchRange[0] || pose.pitch > limits.pitchRange[1])
    problems.push(`head tilted up or down (pitch ratio ${pose.pitch.toFixed(2)} outside ${limits.pitchRange[0]}..${limits.pitchRange[1]})`);
  if (input.sharpness < limits.minSharpness)
    problems.push(`face blurred (sharpness ${input.sharpness.toFixed(0)} < ${limits.minSharpness})`);
  return { facePx, eyeDistancePx: pose.eyeDistance, yaw: pose.yaw, pitch: pose.pitch, sharpness: input.sharpness, problems, tooSmall };
}
