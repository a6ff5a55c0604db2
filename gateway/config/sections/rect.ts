import { z } from 'zod';

/**
 * The one rectangle of the config: [x, y, width, height] as fractions of the frame (0..1),
 * origin top left, so it survives a change of analysis size. Used by every region of interest
 * (cameras.list[].regions) and by the motion masks.
 */
export const rect = z
  .tuple([z.number().min(0).max(1), z.number().min(0).max(1), z.number().gt(0).max(1), z.number().gt(0).max(1)])
  .describe('[x, y, width, height] as fractions of the frame (0..1), origin top left.');

export type Rect = z.output<typeof rect>;

/** A config rectangle in the pixels of a frame of `width` x `height`. */
export function rectToPixels(r: Readonly<Rect>, width: number, height: number): { x: number; y: number; width: number; height: number } {
  return { x: r[0] * width, y: r[1] * height, width: r[2] * width, height: r[3] * height };
}
