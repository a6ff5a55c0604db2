/**
 * Walk-up scenes for the stream evaluation. Pure.
 *
 * Each passage is one photo of a person approaching the camera: the face grows from about 60 to
 * 200 px high (in the analysed frame) over 1.5 s, drifting towards the centre, with a small head
 * tilt and turn, a little motion blur on some frames and sensor noise. Passages are separated
 * by more than the tracking gap (the track ends). A queue puts a second person right after the
 * first, within the tracking gap and at about the same place, so the tracker hands them the
 * first person's track and the stream must split it.
 */

export interface PhotoRef {
  /** Index into the caller's photo list. */
  photo: number;
  /** Who this is (resident id), or null for a stranger. */
  truth: string | null;
}

export interface Passage extends PhotoRef {
  id: number;
  kind: 'resident' | 'stranger' | 'queue-first' | 'queue-second';
  /** Stream time (ms) the face appears and leaves. */
  startMs: number;
  endMs: number;
  /** Face height (analysed-frame pixels) at the start and at the end. */
  fromPx: number;
  toPx: number;
  /** Face centre at the start and end, as fractions of the frame. */
  from: { x: number; y: number };
  to: { x: number; y: number };
  /** Head tilt (degrees) at the start and end; horizontal squeeze for a slight turn. */
  tiltFrom: number;
  tiltTo: number;
  turn: number;
  gain: number;
  /** For a queue: the passage id of the other person. */
  partner?: number;
  lookAlike?: boolean;
}

export interface Placement {
  passage: Passage;
  /** Face height in analysed-frame pixels. */
  facePx: number;
  x: number;
  y: number;
  tilt: number;
  /** Motion blur length in analysed-frame pixels (0: none). */
  blurPx: number;
}

export const APPROACH_MS = 1500;
export const QUEUE_SECOND_MS = 1000;

/** A small deterministic PRNG (LCG), 0..1. */
export function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

export interface PlanInput {
  singles: PhotoRef[];
  queues: Array<{ first: PhotoRef; second: PhotoRef; lookAlike: boolean }>;
  /** Tracking gap of the stream (a track with no face for this long ends). */
  maxGapMs: number;
  seed?: number;
}

export function planPassages(input: PlanInput): Passage[] {
  const rnd = prng(input.seed ?? 7);
  const between = input.maxGapMs + 600;
  const out: Passage[] = [];
  let t = 1000;
  const base = (ref: PhotoRef, kind: Passage['kind'], startMs: number, durMs: number, fromPx: number): Passage => {
    const x0 = 0.5 + (rnd() - 0.5) * 0.3;
    const y0 = 0.45 + (rnd() - 0.5) * 0.1;
    const tilt = (rnd() - 0.5) * 8;
    return {
      id: out.length,
      ...ref,
      kind,
      startMs,
      endMs: startMs + durMs,
      fromPx,
      toPx: 190 + rnd() * 20,
      from: { x: x0, y: y0 },
      to: { x: 0.5 + (x0 - 0.5) * 0.3, y: 0.5 },
      tiltFrom: tilt,
      tiltTo: tilt + (rnd() - 0.5) * 6,
      turn: 0.9 + rnd() * 0.1,
      gain: 0.8 + rnd() * 0.3,
    };
  };
  const items: Array<{ single: PhotoRef } | { queue: PlanInput['queues'][number] }> = [
    ...input.singles.map((single) => ({ single })),
    ...input.queues.map((queue) => ({ queue })),
  ];
  // Interleave queues among single passages, deterministically.
  const order = items.map((_, i) => i).sort((a, b) => ((a * 7919) % 101) - ((b * 7919) % 101) || a - b);
  for (const i of order) {
    const it = items[i]!;
    if ('single' in it) {
      const p = base(it.single, it.single.truth ? 'resident' : 'stranger', t, APPROACH_MS, 58 + rnd() * 6);
      out.push(p);
      t = p.endMs + between;
    } else {
      const a = base(it.queue.first, 'queue-first', t, APPROACH_MS, 58 + rnd() * 6);
      out.push(a);
      // The second person shows up 0.4-0.7 s after the first leaves (well within the tracking
      // gap), where the first was.
      const b = base(it.queue.second, 'queue-second', a.endMs + 400 + Math.round(rnd() * 300), QUEUE_SECOND_MS, 160 + rnd() * 20);
      b.from = { ...a.to };
      b.to = { x: a.to.x + (rnd() - 0.5) * 0.02, y: a.to.y };
      b.partner = a.id;
      a.partner = b.id;
      b.lookAlike = it.queue.lookAlike;
      a.lookAlike = it.queue.lookAlike;
      out.push(b);
      t = b.endMs + between;
    }
  }
  return out;
}

/** Where each visible passage's face is at stream time `ms`. */
export function placementsAt(passages: readonly Passage[], ms: number, rnd: () => number): Placement[] {
  const out: Placement[] = [];
  for (const p of passages) {
    if (ms < p.startMs || ms >= p.endMs) continue;
    const u = (ms - p.startMs) / (p.endMs - p.startMs);
    const facePx = p.fromPx + (p.toPx - p.fromPx) * u;
    out.push({
      passage: p,
      facePx,
      x: p.from.x + (p.to.x - p.from.x) * u,
      y: p.from.y + (p.to.y - p.from.y) * u,
      tilt: p.tiltFrom + (p.tiltTo - p.tiltFrom) * u,
      blurPx: rnd() < 0.3 ? 1 + rnd() * 2 : 0,
    });
  }
  return out;
}

/** Stream time at which the whole plan is over (the last track has ended). */
export function planEndMs(passages: readonly Passage[], maxGapMs: number): number {
  return passages.reduce((m, p) => Math.max(m, p.endMs), 0) + maxGapMs + 600;
}
