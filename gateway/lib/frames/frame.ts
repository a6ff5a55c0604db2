/** A region of a frame in pixels. */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * One decoded frame handed to recognition. `data` is `width * height * 3` bytes of rgb24 from a
 * pooled buffer: it stays valid until the subscriber asks for its next frame (or closes); copy
 * it (or crop from it) if you keep it longer.
 */
export interface Frame {
  cameraId: string;
  width: number;
  height: number;
  format: 'rgb24';
  data: Buffer;
  /** Wall-clock time the frame was read, ms since the epoch. */
  ts: number;
  /** Per-camera counter, from 1, reset when the room starts. */
  seq: number;
  /** Bounding box of the motion that let this frame through (pixels), or null when not gated. */
  motionRoi: PixelRect | null;
  /** Names of the regions of interest with motion. */
  regions: string[];
}
