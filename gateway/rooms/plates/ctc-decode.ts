/**
 * Decoding the recogniser's CTC output under the plate grammar. Pure, no I/O.
 *
 * 1. Greedy pass: argmax per frame, repeats collapsed ON THE RAW ARGMAX (before any constraint),
 *    so a character emitted over several frames stays one character.
 * 2. The collapsed path becomes segments: runs of one non-blank class ("char") and runs of blanks
 *    ("gap"). Each segment scores every plate character by its best frame probability.
 * 3. A Viterbi pass per template (grammar.ts) assigns segments to the template's slots in order:
 *    a char segment may be skipped at the cost of log(1 - its best plate-character probability)
 *    (a stray "·" costs nothing, a confident letter a lot); a gap may fill a slot (a character the
 *    model only half emitted) at the cost of its low probability. The best template wins.
 */
import { PLATE_ALPHABET, PROVINCES, TEMPLATES, type Template } from '../../lib/plate-text/grammar.js';

/** Which output classes are plate characters. Class 0 is the CTC blank, class i is keys[i - 1]. */
export interface PlateAlphabet {
  chars: string[];
  classes: Int32Array;
  /** Output classes of the model (blank + keys + space). */
  numClasses: number;
  /** All key characters by class (for the unconstrained text). */
  keys: string[];
}

export function buildPlateAlphabet(keys: readonly string[], numClasses = keys.length + 2): PlateAlphabet {
  const chars: string[] = [];
  const classes: number[] = [];
  keys.forEach((k, i) => {
    if (PLATE_ALPHABET.has(k) && !chars.includes(k)) {
      chars.push(k);
      classes.push(i + 1);
    }
  });
  const missing = [...PLATE_ALPHABET].filter((c) => !chars.includes(c));
  if (missing.length) throw new Error(`recogniser dictionary lacks plate characters: ${missing.join('')}`);
  return { chars, classes: Int32Array.from(classes), numClasses, keys: [...keys] };
}

export interface Segment {
  kind: 'char' | 'gap';
  start: number;
  end: number;
  /** Argmax class of the run (0 for gaps). */
  cls: number;
  /** Best probability of each alphabet character over the run's frames (alphabet order). */
  scores: Float32Array;
}

export interface PlateDecode {
  /** The plate under the grammar, '' when no template fits. */
  plate: string;
  template: Template['name'] | '';
  /** Geometric mean of the chosen characters' probabilities (one guessed character pulls it down hard). */
  confidence: number;
  minCharProb: number;
  charProbs: number[];
  /**
   * Per position of the plate, what the reader saw there: the probability of each glyph the
   * position allows that the model gave at least 1% (best frame of the segment it read the
   * position from; the read glyph included). The matcher tolerates a look-alike glyph only when
   * it was the reader's close second here (match.ts).
   */
  evidence: Evidence;
  /** Plain greedy CTC text, for diagnostics. */
  raw: string;
}

/** Per position, glyph → probability (see PlateDecode.evidence). */
export type Evidence = readonly Readonly<Record<string, number>>[];

/** Alternatives below this probability are not kept as evidence. */
const EVIDENCE_FLOOR = 0.01;
/** At most this many glyphs per position are kept. */
const EVIDENCE_TOP = 4;

/** Segments of the collapsed greedy path of a [T, C] probability matrix (row-major). */
export function segmentCtc(probs: Float32Array, frames: number, alpha: PlateAlphabet): Segment[] {
  const C = alpha.numClasses;
  if (probs.length < frames * C) throw new Error(`probability matrix too short: ${probs.length} < ${frames} x ${C}`);
  const argmax = new Int32Array(frames);
  for (let t = 0; t < frames; t++) {
    let best = 0;
    let bp = -1;
    const row = t * C;
    for (let c = 0; c < C; c++) {
      const p = probs[row + c] as number;
      if (p > bp) {
        bp = p;
        best = c;
      }
    }
    argmax[t] = best;
  }
  const segs: Segment[] = [];
  let t = 0;
  while (t < frames) {
    const cls = argmax[t] as number;
    let end = t + 1;
    while (end < frames && argmax[end] === cls) end++;
    const scores = new Float32Array(alpha.chars.length);
    for (let f = t; f < end; f++) {
      const row = f * C;
      for (let a = 0; a < scores.length; a++) {
        const p = probs[row + (alpha.classes[a] as number)] as number;
        if (p > (scores[a] as number)) scores[a] = p;
      }
    }
    segs.push({ kind: cls === 0 ? 'gap' : 'char', start: t, end, cls, scores });
    t = end;
  }
  return segs;
}

export function greedyText(segs: readonly Segment[], alpha: PlateAlphabet): string {
  return segs
    .filter((s) => s.kind === 'char')
    .map((s) => (s.cls >= 1 && s.cls <= alpha.keys.length ? alpha.keys[s.cls - 1] : ' '))
    .join('');
}

const EPS = 1e-6;

interface SlotChoice {
  score: number;
  char: string;
  prob: number;
  prevLetters: number;
  /** The segment the slot was read from. */
  seg: number;
}

const LETTER = /^[A-Z]$/;

/**
 * Viterbi over segments for one template. The state is (segments consumed, slots filled,
 * letters used in the serial) so a template's letter limit (at most 2 letters among the 5
 * serial characters) is exact. Returns undefined when the template cannot be filled.
 */
function decodeTemplate(
  segs: readonly Segment[],
  tpl: Template,
  alpha: PlateAlphabet,
  provinceWeight?: (alphaIndex: number) => number,
): { score: number; chars: string[]; probs: number[]; evidence: Record<string, number>[] } | undefined {
  const S = segs.length;
  const K = tpl.slots.length;
  const limit = tpl.maxLetters;
  const L = limit ? limit.max + 1 : 1;
  // Per slot, the candidate characters split into letters counted by the limit and the rest.
  const slotIdx = tpl.slots.map((slot, k) => {
    const idx = alpha.chars.map((c, i) => (slot.includes(c) ? i : -1)).filter((i) => i >= 0);
    const counted = limit !== undefined && k >= limit.from;
    return {
      letters: counted ? idx.filter((i) => LETTER.test(alpha.chars[i] as string)) : [],
      other: counted ? idx.filter((i) => !LETTER.test(alpha.chars[i] as string)) : idx,
    };
  });
  const at = (s: number, k: number, l: number) => (s * (K + 1) + k) * L + l;
  const size = (S + 1) * (K + 1) * L;
  const best = new Float64Array(size).fill(-Infinity);
  const back = new Int8Array(size); // 0 none, 1 skip, 2 use
  const pick: (SlotChoice | undefined)[] = new Array(size);
  best[0] = 0;
  // The province prior only chooses among the provinces a segment shows; the path is scored on
  // the model's own probabilities.
  const weigh = tpl.slots[0] === PROVINCES ? provinceWeight : undefined;
  const bestOf = (seg: Segment, idx: number[], k: number): [number, number] => {
    let bi = -1;
    let bp = 0;
    let bw = 0;
    const w = k === 0 ? weigh : undefined;
    for (const i of idx) {
      const p = seg.scores[i] as number;
      const pw = w ? p * w(i) : p;
      if (pw > bw) {
        bw = pw;
        bp = p;
        bi = i;
      }
    }
    return [bi, bp];
  };
  for (let s = 0; s < S; s++) {
    const seg = segs[s] as Segment;
    let maxAlpha = 0;
    for (const p of seg.scores) if (p > maxAlpha) maxAlpha = p;
    const skipCost = seg.kind === 'gap' ? 0 : Math.log(Math.max(EPS, 1 - maxAlpha));
    for (let k = 0; k <= K; k++) {
      for (let l = 0; l < L; l++) {
        const cur = best[at(s, k, l)] as number;
        if (cur === -Infinity) continue;
        const skipTo = at(s + 1, k, l);
        if (cur + skipCost > (best[skipTo] as number)) {
          best[skipTo] = cur + skipCost;
          back[skipTo] = 1;
        }
        if (k === K) continue;
        const slot = slotIdx[k] as { letters: number[]; other: number[] };
        const options: [number[], number][] = [[slot.other, l]];
        if (slot.letters.length && l + 1 < L) options.push([slot.letters, l + 1]);
        for (const [idx, nl] of options) {
          const [bi, bp] = bestOf(seg, idx, k);
          if (bi < 0) continue;
          const score = cur + Math.log(Math.max(EPS, bp));
          const useTo = at(s + 1, k + 1, nl);
          if (score > (best[useTo] as number)) {
            best[useTo] = score;
            back[useTo] = 2;
            pick[useTo] = { score, char: alpha.chars[bi] as string, prob: bp, prevLetters: l, seg: s };
          }
        }
      }
    }
  }
  let final = -Infinity;
  let fl = 0;
  for (let l = 0; l < L; l++) {
    const v = best[at(S, K, l)] as number;
    if (v > final) {
      final = v;
      fl = l;
    }
  }
  if (final === -Infinity) return undefined;
  const chars: string[] = [];
  const probs: number[] = [];
  const evidence: Record<string, number>[] = [];
  let k = K;
  let l = fl;
  for (let s = S; s > 0; s--) {
    const i = at(s, k, l);
    if (back[i] === 2) {
      const p = pick[i] as SlotChoice;
      chars.unshift(p.char);
      probs.unshift(p.prob);
      k--;
      const slot = slotIdx[k] as { letters: number[]; other: number[] };
      evidence.unshift(slotEvidence(segs[p.seg] as Segment, [...slot.other, ...slot.letters], alpha, p.char, p.prob));
      l = p.prevLetters;
    }
  }
  return { score: final, chars, probs, evidence };
}

/** The glyphs a slot allows that a segment gave at least EVIDENCE_FLOOR, best first (the read glyph always). */
function slotEvidence(seg: Segment, idx: readonly number[], alpha: PlateAlphabet, char: string, prob: number): Record<string, number> {
  const top = idx
    .map((i) => [alpha.chars[i] as string, seg.scores[i] as number] as const)
    .filter(([c, p]) => p >= EVIDENCE_FLOOR && c !== char)
    .sort((a, b) => b[1] - a[1])
    .slice(0, EVIDENCE_TOP - 1);
  return Object.fromEntries([[char, prob], ...top]);
}

export interface DecodeOptions {
  templates?: readonly Template[];
  /** Log prior added to each template's score (e.g. from the plate colour). */
  prior?: (template: Template['name']) => number;
  /**
   * The installer's local province (plates.provincePrior): at the province position it wins
   * over another province unless that one is more than `weight` times as probable.
   */
  provincePrior?: ProvincePrior;
}

export interface ProvincePrior {
  province: string;
  weight: number;
}

/** Log priors from the plate colour: 8-character plates are green (or yellow-green), not blue. */
export function colourPrior(colour: string | undefined): (template: Template['name']) => number {
  const eight = (t: Template['name']) => t === 'new-energy-small' || t === 'new-energy-large';
  return (t) => {
    let p = t === 'embassy' || t === 'civil-aviation' ? -2 : 0;
    if ((colour === 'blue' || colour === 'black') && eight(t)) p -= 3;
    if (colour === 'green' && !eight(t)) p -= 3;
    return p;
  };
}

/** Decodes a [frames, numClasses] CTC probability matrix under the plate grammar. */
export function decodePlate(probs: Float32Array, frames: number, alpha: PlateAlphabet, opts: DecodeOptions = {}): PlateDecode {
  const segs = segmentCtc(probs, frames, alpha);
  const raw = greedyText(segs, alpha);
  let winner: { score: number; chars: string[]; probs: number[]; evidence: Record<string, number>[]; name: Template['name'] } | undefined;
  const local = opts.provincePrior ? alpha.chars.indexOf(opts.provincePrior.province) : -1;
  const weight = local >= 0 ? (i: number) => (i === local ? (opts.provincePrior as ProvincePrior).weight : 1) : undefined;
  for (const tpl of opts.templates ?? TEMPLATES) {
    const r = decodeTemplate(segs, tpl, alpha, weight);
    if (!r) continue;
    // A marker character (使, or a suffix) the model barely saw does not make a special plate.
    if ((tpl.name === 'embassy' || tpl.name === 'civil-aviation') && (r.probs[0] ?? 0) < 0.5) continue;
    if (tpl.name === 'special' && (r.probs[r.probs.length - 1] ?? 0) < 0.3) continue;
    const score = r.score + (opts.prior?.(tpl.name) ?? 0);
    if (!winner || score > winner.score) winner = { ...r, score, name: tpl.name };
  }
  if (!winner) return { plate: '', template: '', confidence: 0, minCharProb: 0, charProbs: [], evidence: [], raw };
  const geo = Math.exp(winner.probs.reduce((a, b) => a + Math.log(Math.max(EPS, b)), 0) / winner.probs.length);
  return {
    plate: winner.chars.join(''),
    template: winner.name,
    confidence: geo,
    minCharProb: Math.min(...winner.probs),
    charProbs: winner.probs,
    evidence: winner.evidence,
    raw,
  };
}
