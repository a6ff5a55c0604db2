import type { RgbImage } from '../../lib/imaging/image.js';
import type { PlateRead } from './recognizer.js';
import type { Candidate } from './candidates.js';
import type { Point } from './geometry.js';
import type { PlateColour } from './dataset.js';

/** One plate read in a frame: what the reader found, where, and on what evidence. */
export interface PlateResult {
  plate: string;
  colour: PlateColour;
  confidence: number;
  minCharProb: number;
  /** The reader's per-position evidence (ctc-decode.ts): what a look-alike match may rest on. */
  evidence: PlateRead['evidence'];
  /** Axis-aligned box in frame pixels (integers). */
  box: { x: number; y: number; width: number; height: number };
  quad: Point[];
  kind: Candidate['kind'] | 'crop';
  /** The upright crop that was read (48 px high). */
  crop: RgbImage;
}
