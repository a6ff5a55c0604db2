/**
 * The grammar of Chinese licence plates (GA 36), as data: which characters may stand at each
 * position. Pure, no I/O. Used to constrain CTC decoding and to validate what people type.
 */

/** The 31 province abbreviations of mainland plates. */
export const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
/** Issuing-authority letter (second position): A–Z without I; O exists (粤O police). */
export const AUTHORITY = 'ABCDEFGHJKLMNOPQRSTUVWXYZ';
/** Serial letters: A–Z without I and O (they would be confused with 1 and 0). */
export const SERIAL_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
export const DIGITS = '0123456789';
export const SERIAL = SERIAL_LETTERS + DIGITS;
/** Suffixes that replace the last serial character: police, learner, trailer, HK, Macao, consulate. */
export const SUFFIXES = '警学挂港澳领';
/** New-energy marker letters (D electric, F hybrid). */
export const NEW_ENERGY = 'DF';

/** A template is one allowed character set per position. */
export interface Template {
  name: 'standard' | 'special' | 'new-energy-small' | 'new-energy-large' | 'embassy' | 'civil-aviation';
  slots: string[];
  /** At most `max` letters from slot `from` on (GA 36: a 5-character serial has at most 2 letters). */
  maxLetters?: { from: number; max: number };
}

export const TEMPLATES: readonly Template[] = [
  { name: 'standard', slots: [PROVINCES, AUTHORITY, SERIAL, SERIAL, SERIAL, SERIAL, SERIAL], maxLetters: { from: 2, max: 2 } },
  { name: 'special', slots: [PROVINCES, AUTHORITY, SERIAL, SERIAL, SERIAL, SERIAL, SUFFIXES], maxLetters: { from: 2, max: 2 } },
  // Small new-energy cars: D/F third, a letter or digit fourth, then four digits.
  { name: 'new-energy-small', slots: [PROVINCES, AUTHORITY, NEW_ENERGY, SERIAL, DIGITS, DIGITS, DIGITS, DIGITS] },
  // Large new-energy vehicles: five digits, then D/F last.
  { name: 'new-energy-large', slots: [PROVINCES, AUTHORITY, DIGITS, DIGITS, DIGITS, DIGITS, DIGITS, NEW_ENERGY] },
  { name: 'embassy', slots: ['使', DIGITS, DIGITS, DIGITS, DIGITS, DIGITS, DIGITS] },
  // Airport apron vehicles: 民航 then a letter and four letters/digits (民航B0150).
  { name: 'civil-aviation', slots: ['民', '航', AUTHORITY, SERIAL, SERIAL, SERIAL, SERIAL] },
];

/** Every character that can appear on a plate (the decoder's alphabet). */
export const PLATE_ALPHABET = new Set([...PROVINCES, ...AUTHORITY, ...SERIAL, ...SUFFIXES, '使', '民', '航']);

/** Removes separators people and OCR put in plates ("粤B·D12345", "粤B D12345") and upper-cases. */
export function normalisePlate(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\s·•.\-_]/g, '')
    .toUpperCase();
}

/** The template a plate text follows, or undefined if it is not a valid plate. */
export function matchTemplate(plate: string): Template | undefined {
  const chars = [...plate];
  return TEMPLATES.find(
    (t) =>
      t.slots.length === chars.length &&
      t.slots.every((slot, i) => slot.includes(chars[i] as string)) &&
      (!t.maxLetters || chars.slice(t.maxLetters.from).filter((c) => /[A-Z]/.test(c)).length <= t.maxLetters.max),
  );
}

export function isValidPlate(plate: string): boolean {
  return matchTemplate(plate) !== undefined;
}

/** The province character of a plate (first character), or '' for embassy plates. */
export function provinceOf(plate: string): string {
  const first = [...plate][0] ?? '';
  return PROVINCES.includes(first) ? first : '';
}

/** 8-character plates are new-energy plates (green, or yellow-green for large vehicles). */
export function isNewEnergy(plate: string): boolean {
  const t = matchTemplate(plate);
  return t?.name === 'new-energy-small' || t?.name === 'new-energy-large';
}
