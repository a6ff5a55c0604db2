/**
 * Look-alike plate glyphs and the canonical key that makes them equal. Pure, no I/O.
 *
 * A group is a set of glyphs PP-OCRv4 really confuses on plates, measured on the dev set with
 * `npx tsx scripts/plates/confusions.ts` (models/README.md, "Look-alike glyphs"): a pair counts
 * when misreads plus readings that gave the other glyph at least 10% add up to 3 or more. Pairs
 * of two digits (6/8, 6/9, 1/7, 0/3...) are blur, not look-alike shapes, and two digits are the
 * commonest plate characters: tolerating them would let plates that are both common collide, so
 * they never count. I and O are never read in a serial (the grammar has no I, and O only as the
 * authority letter of 粤O); they stay with 1 and 0 for plates people type (a watchlist entry).
 *
 * The province glyph is never folded: a look-alike never turns a 粤 plate into a 鄂 one.
 */

export const LOOKALIKE_GROUPS: readonly string[] = ['0OD', '1IL', '8B', '6G', '5S', '4A'];

const CANON = new Map<string, string>();
for (const g of LOOKALIKE_GROUPS) for (const c of g) CANON.set(c, g[0] as string);

/** True when two different glyphs are in one look-alike group. */
export function isLookalike(a: string, b: string): boolean {
  if (a === b) return false;
  const ca = CANON.get(a);
  return ca !== undefined && ca === CANON.get(b);
}

/**
 * The plate with every glyph after the province replaced by its group's first glyph: two plates
 * have the same key exactly when they differ only by look-alike glyphs (same province, same length).
 */
export function lookalikeKey(plate: string): string {
  const chars = [...plate];
  for (let i = 1; i < chars.length; i++) chars[i] = CANON.get(chars[i] as string) ?? (chars[i] as string);
  return chars.join('');
}

/** How many positions differ between two plates of one key (all of them look-alike substitutions). */
export function lookalikeSubstitutions(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let n = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) n++;
  return n;
}
