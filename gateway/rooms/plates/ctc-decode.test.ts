import { describe, expect, it } from 'vitest';
import { buildPlateAlphabet, colourPrior, decodePlate, segmentCtc } from './ctc-decode.js';
import { PLATE_ALPHABET } from '../../lib/plate-text/grammar.js';

// A tiny dictionary: every plate character plus a few distractors (I, ·, 鄂 is a province already).
const keys = [...PLATE_ALPHABET, 'I', '·', '市'];
const alpha = buildPlateAlphabet(keys);
const C = alpha.numClasses;
const cls = (ch: string) => keys.indexOf(ch) + 1;

/** Frames as lists of [char, p] ('' = blank); the rest of each frame's mass goes to blank. */
function matrix(frames: [string, number][][]): Float32Array {
  const m = new Float32Array(frames.length * C);
  frames.forEach((f, t) => {
    let rest = 1;
    for (const [ch, p] of f) {
      if (ch === '') continue;
      m[t * C + cls(ch)] = p;
      rest -= p;
    }
    m[t * C] = Math.max(0, rest);
  });
  return m;
}
const blank: [string, number][] = [['', 1]];
/** One confident frame per character with blanks between. */
function plateFrames(text: string, p = 0.95): [string, number][][] {
  const out: [string, number][][] = [blank];
  for (const ch of text) out.push([[ch, p]], blank);
  return out;
}

describe('constrained CTC decoding', () => {
  it('reads a clean plate', () => {
    const f = plateFrames('粤B12345');
    const d = decodePlate(matrix(f), f.length, alpha);
    expect(d.plate).toBe('粤B12345');
    expect(d.template).toBe('standard');
    expect(d.confidence).toBeCloseTo(0.95, 2);
  });

  it('keeps per position what the reader saw: the read glyph and its allowed runners-up', () => {
    const f: [string, number][][] = [blank, [['粤', 0.95]], blank, [['B', 0.95]], blank, [['1', 0.95]], blank, [['2', 0.95]], blank];
    f.push(
      [
        ['A', 0.55],
        ['4', 0.4],
      ],
      blank,
      [['4', 0.95]],
      blank,
      [
        ['5', 0.9],
        ['S', 0.05],
        ['I', 0.04],
      ],
      blank,
    );
    const d = decodePlate(matrix(f), f.length, alpha);
    expect(d.plate).toBe('粤B12A45');
    expect(d.evidence).toHaveLength(7);
    expect(d.evidence[4]!['A']).toBeCloseTo(0.55, 5);
    expect(d.evidence[4]!['4']).toBeCloseTo(0.4, 5);
    expect(Object.keys(d.evidence[6]!)).toEqual(['5', 'S']); // I is not a serial glyph
    expect(Object.keys(d.evidence[0]!)).toEqual(['粤']);
  });

  it('collapses repeats on the raw argmax before constraining (a province over 3 frames stays one character)', () => {
    const f: [string, number][][] = [[['粤', 0.9]], [['粤', 0.8]], [['粤', 0.7]], blank, ...plateFrames('B12345')];
    expect(decodePlate(matrix(f), f.length, alpha).plate).toBe('粤B12345');
  });

  it('keeps doubled characters separated by a blank', () => {
    const f = plateFrames('皖A88888');
    expect(decodePlate(matrix(f), f.length, alpha).plate).toBe('皖A88888');
  });

  it('drops the stray separator dot of a green plate', () => {
    const f = plateFrames('皖A·D11166');
    const d = decodePlate(matrix(f), f.length, alpha);
    expect(d.raw).toBe('皖A·D11166');
    expect(d.plate).toBe('皖AD11166');
    expect(d.template).toBe('new-energy-small');
  });

  it('takes the best allowed character when the argmax is not allowed (川 read as I, 0 read as O)', () => {
    const f: [string, number][][] = [
      blank,
      [
        ['I', 0.6],
        ['川', 0.3],
      ],
      blank,
      ...plateFrames('A').slice(1),
      [
        ['O', 0.7],
        ['0', 0.25],
      ],
      blank,
      ...plateFrames('1986').slice(1),
    ];
    const d = decodePlate(matrix(f), f.length, alpha);
    expect(d.plate).toBe('川A01986');
  });

  it('fills a half-emitted character from a blank run', () => {
    // The province never wins a frame, but it is the best province in the leading blanks.
    const f: [string, number][][] = [
      [
        ['', 0.7],
        ['湘', 0.3],
      ],
      ...plateFrames('A12345'),
    ];
    expect(decodePlate(matrix(f), f.length, alpha).plate).toBe('湘A12345');
  });

  it('allows at most two letters in a 5-character serial (the likeliest digit replaces the weakest letter)', () => {
    const f: [string, number][][] = [
      ...plateFrames('皖AMZ21'),
      [
        ['D', 0.6],
        ['0', 0.35],
      ],
      blank,
    ];
    expect(decodePlate(matrix(f), f.length, alpha).plate).toBe('皖AMZ210');
    const g = plateFrames('皖AM2D10');
    expect(decodePlate(matrix(g), g.length, alpha).plate).toBe('皖AM2D10');
  });

  it('returns no plate when the text cannot be one', () => {
    const f = plateFrames('12');
    const d = decodePlate(matrix(f), f.length, alpha);
    expect(d.plate).toBe('');
    expect(d.confidence).toBe(0);
  });

  it('uses the colour prior to choose between 7 and 8 characters', () => {
    // An 8th character seen at p=0.55 could be noise on a blue plate, but is real on a green one.
    const f: [string, number][][] = [...plateFrames('皖AD1234'), [['5', 0.55]], blank];
    expect(decodePlate(matrix(f), f.length, alpha, { prior: colourPrior('blue') }).plate).toBe('皖AD1234');
    expect(decodePlate(matrix(f), f.length, alpha, { prior: colourPrior('green') }).plate).toBe('皖AD12345');
  });

  it('needs a clearly seen 使 for an embassy plate', () => {
    const f: [string, number][][] = [[['使', 0.3]], blank, ...plateFrames('014578').slice(1)];
    expect(decodePlate(matrix(f), f.length, alpha).template).not.toBe('embassy');
    const g = plateFrames('使014578');
    expect(decodePlate(matrix(g), g.length, alpha).plate).toBe('使014578');
  });

  it('segments the greedy path into character runs and gaps', () => {
    const f: [string, number][][] = [blank, [['A', 0.9]], [['A', 0.9]], blank, [['B', 0.9]]];
    const segs = segmentCtc(matrix(f), f.length, alpha);
    expect(segs.map((s) => s.kind)).toEqual(['gap', 'char', 'gap', 'char']);
    expect(segs[1]).toMatchObject({ start: 1, end: 3 });
  });

  it('refuses a dictionary without the plate characters', () =>
    expect(() => buildPlateAlphabet(['A', 'B'])).toThrow(/lacks plate characters/));
});

describe('the local province prior (plates.provincePrior)', () => {
  const hesitant: [string, number][][] = [
    blank,
    [
      ['皖', 0.55],
      ['桂', 0.08],
    ],
    blank,
    ...plateFrames('ATK071').slice(1),
  ];
  it('reads the local province when the model hesitates, within its weight, and reports the model’s own probability', () => {
    expect(decodePlate(matrix(hesitant), hesitant.length, alpha).plate).toBe('皖ATK071');
    const d = decodePlate(matrix(hesitant), hesitant.length, alpha, { provincePrior: { province: '桂', weight: 10 } });
    expect(d.plate).toBe('桂ATK071');
    expect(d.charProbs[0]).toBeCloseTo(0.08, 5);
    // Not when the other province is more than `weight` times as probable.
    expect(decodePlate(matrix(hesitant), hesitant.length, alpha, { provincePrior: { province: '桂', weight: 5 } }).plate).toBe('皖ATK071');
  });
  it('never puts a province the model did not see at all, and leaves the other positions alone', () => {
    const f = plateFrames('湘A12345');
    expect(decodePlate(matrix(f), f.length, alpha, { provincePrior: { province: '粤', weight: 100 } }).plate).toBe('湘A12345');
  });
});
