/**
 * Scoring the stream evaluation: each decision the stream took is attributed to the passage
 * whose face started its track (the passage shown at the track's first frame), then counted per
 * passage. Pure.
 */
import { percentile } from '../../../../core/percentile.js';
import type { TrackDecision } from '../../stream/votes.js';
import { explainMiss, type Explanation, type MissReason, type SeenFace } from './explain.js';
import type { Passage } from './plan.js';
import { splitFigures, type SplitFigures } from './split.js';

export interface StreamDecision {
  firstTs: number;
  ts: number;
  decision: TrackDecision;
}

/** What the pipeline saw in one analysed frame (main faces, usable or not). */
export interface SeenFrame {
  ts: number;
  faces: SeenFace[];
}

export interface StreamFigures {
  passages: number;
  resident_passages: number;
  stranger_passages: number;
  queues: number;
  /** Resident passages not let in (as themselves). */
  frr: number;
  /** Stranger passages let in as anyone. */
  far: number;
  /** Resident passages let in as somebody else. */
  wrong_person: number;
  /** Second persons of a queue never decided. */
  queue_missed: number;
  /** Stream time from the first analysed frame with the face to the decision. */
  decision_ms_p50: number;
  decision_ms_p95: number;
  /** Decisions taken on one frame. */
  single_frame_decisions: number;
  /** Decisions no passage explains (a face found in the background). */
  spurious_decisions: number;
  /** The queue split (face-stream.ts), measured on the passages' faces. */
  split: SplitFigures;
  /** How many misses (resident not let in or let in as somebody else, queue second never decided, stranger let in) had each reason. */
  miss_reasons: Partial<Record<MissReason, number>>;
  misses: Array<{ passage: number; kind: Passage['kind']; truth: string | null; outcome: string; explain: Explanation }>;
}

const SLACK_MS = 150;

const r3 = (x: number) => Math.round(x * 1000) / 1000;

export function scoreStream(
  passages: readonly Passage[],
  decisions: readonly StreamDecision[],
  frames: readonly SeenFrame[],
  splitThreshold: number,
  inARow: number,
): StreamFigures {
  const sorted = [...passages].sort((a, b) => a.startMs - b.startMs);
  // The decoder's frame times are the plan's to within a camera frame or two (encoder delay,
  // the fps filter's rounding): a frame belongs to a passage up to SLACK_MS outside it.
  const owner = (ts: number): Passage | undefined => sorted.find((p) => ts >= p.startMs - SLACK_MS && ts < p.endMs + SLACK_MS);
  const byPassage = new Map<number, StreamDecision[]>();
  let spurious = 0;
  for (const d of decisions) {
    const p = owner(d.firstTs);
    if (!p) {
      spurious++;
      continue;
    }
    byPassage.set(p.id, [...(byPassage.get(p.id) ?? []), d]);
  }

  const framesIn = (p: Passage) => frames.filter((f) => f.ts >= p.startMs - SLACK_MS && f.ts < p.endMs + SLACK_MS);
  const described = (p: Passage) =>
    framesIn(p).flatMap((f) => f.faces.filter((x) => x.usable || x.weak).map((x) => ({ embedding: x.embedding, usable: x.usable })));
  /** The second person of a queue whose faces the stream did not tell from the first person's. */
  const absorbed = (p: Passage): boolean => {
    if (p.kind !== 'queue-second' || p.partner === undefined) return false;
    const partner = passages[p.partner]!;
    const during = (byPassage.get(partner.id) ?? []).some((d) => d.ts >= p.startMs - SLACK_MS && d.ts < p.endMs + SLACK_MS);
    const f = splitFigures([{ faces: described(p), after: described(partner) }], splitThreshold, inARow);
    return during || (f.other_person_in_a_row_max !== null && f.other_person_in_a_row_max >= splitThreshold);
  };
  const miss = (p: Passage, ds: readonly StreamDecision[], outcome: string) =>
    misses.push({
      passage: p.id,
      kind: p.kind,
      truth: p.truth,
      outcome,
      explain: explainMiss({
        truth: p.truth,
        kind: p.kind,
        frames: framesIn(p).map((f) => f.faces),
        decisions: ds.map((d) => d.decision),
        absorbed: absorbed(p),
      }),
    });

  let residents = 0;
  let rejected = 0;
  let strangers = 0;
  let accepted = 0;
  let wrong = 0;
  let queueMissed = 0;
  let single = 0;
  const times: number[] = [];
  const misses: StreamFigures['misses'] = [];
  for (const p of sorted) {
    const ds = byPassage.get(p.id) ?? [];
    const first = frames.find((f) => f.faces.length > 0 && f.ts >= p.startMs - SLACK_MS && f.ts < p.endMs + SLACK_MS)?.ts ?? p.startMs;
    if (ds[0]) times.push(ds[0].ts - first);
    single += ds.filter((d) => d.decision.kind === 'recognized' && d.decision.frames === 1).length;
    const recognised = ds.filter((d) => d.decision.kind === 'recognized');
    const outcome =
      ds
        .map((d) =>
          d.decision.kind === 'recognized'
            ? `recognized ${d.decision.residentId} ${d.decision.similarity}`
            : `unknown ${d.decision.reason} ${d.decision.similarity}`,
        )
        .join(', ') || 'no decision';
    if (p.kind === 'queue-second' && ds.length === 0) {
      queueMissed++;
      miss(p, ds, outcome);
    }
    if (p.truth) {
      residents++;
      const self = recognised.some((d) => d.decision.kind === 'recognized' && d.decision.residentId === p.truth);
      const other = recognised.some((d) => d.decision.kind === 'recognized' && d.decision.residentId !== p.truth);
      if (!self) rejected++;
      if (other) wrong++;
      if ((!self || other) && !(p.kind === 'queue-second' && ds.length === 0)) miss(p, ds, outcome);
    } else {
      strangers++;
      if (recognised.length > 0) {
        accepted++;
        miss(p, ds, outcome);
      }
    }
  }

  // The queue split: how far apart the same person's faces and two people's faces are.
  const split = splitFigures(
    sorted.map((p) => ({
      faces: described(p),
      ...(p.kind === 'queue-second' && p.partner !== undefined ? { after: described(passages[p.partner]!) } : {}),
    })),
    splitThreshold,
    inARow,
  );
  const queues = passages.filter((p) => p.kind === 'queue-second').length;
  return {
    passages: passages.length,
    resident_passages: residents,
    stranger_passages: strangers,
    queues,
    frr: residents ? r3(rejected / residents) : 0,
    far: strangers ? r3(accepted / strangers) : 0,
    wrong_person: wrong,
    queue_missed: queueMissed,
    decision_ms_p50: times.length ? Math.round(percentile(times, 50)) : 0,
    decision_ms_p95: times.length ? Math.round(percentile(times, 95)) : 0,
    single_frame_decisions: single,
    spurious_decisions: spurious,
    split,
    miss_reasons: misses.reduce<Partial<Record<MissReason, number>>>(
      (m, x) => ({ ...m, [x.explain.reason]: (m[x.explain.reason] ?? 0) + 1 }),
      {},
    ),
    misses,
  };
}
