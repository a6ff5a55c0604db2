/**
 * Why a plate read failed, and which kind of plate it was: the eval's breakdowns. Pure, no I/O.
 */
import { isNewEnergy, matchTemplate, provinceOf } from '../../lib/plate-text/grammar.js';
import { lookalikeKey } from '../../lib/plate-text/lookalike.js';
import type { PlateColour } from './dataset.js';

export type FailureCause =
  /** The file could not be decoded. */
  | 'unreadable'
  /** No plate read above the floor. */
  | 'no_read'
  /** The label was read, but another plate came first. */
  | 'other_plate_first'
  /** Only the province glyph is wrong. */
  | 'province'
  /** Only look-alike glyphs (8/B, 6/G, 0/D...) are wrong. */
  | 'lookalike'
  /** A character missing or extra (a two-row top row unseen, a green plate read as 7). */
  | 'length'
  /** Other glyphs wrong. */
  | 'glyph';

export const FAILURE_CAUSES: readonly FailureCause[] = [
  'unreadable',
  'no_read',
  'other_plate_first',
  'province',
  'lookalike',
  'length',
  'glyph',
];

/** Why the first read is not the label (undefined when it is). */
export function failureCause(label: string, reads: readonly string[], error?: string): FailureCause | undefined {
  if (error) return 'unreadable';
  const first = reads[0];
  if (first === undefined) return 'no_read';
  if (first === label) return undefined;
  if (reads.includes(label)) return 'other_plate_first';
  const a = [...first];
  const b = [...label];
  if (a.length !== b.length) return 'length';
  if (provinceOf(first) !== provinceOf(label) && a.slice(1).join('') === b.slice(1).join('')) return 'province';
  if (a[0] === b[0] && lookalikeKey(first) === lookalikeKey(label)) return 'lookalike';
  return 'glyph';
}

export type PlateClass = 'blue' | 'green' | 'yellow' | 'other';

/**
 * The kind of plate a label is, for the per-kind figures: green (new-energy: 8 characters or a
 * green label), yellow (yellow label, or a learner/trailer plate: large vehicles, often two-row),
 * blue (blue label, or a standard 7-character plate without a colour), other (black, white...).
 */
export function plateClass(label: string, colour: PlateColour | 'unknown'): PlateClass {
  if (colour === 'green' || isNewEnergy(label)) return 'green';
  if (colour === 'yellow' || /[学挂]$/.test(label)) return 'yellow';
  if (colour === 'blue' || (colour === 'unknown' && matchTemplate(label)?.name === 'standard')) return 'blue';
  return 'other';
}
