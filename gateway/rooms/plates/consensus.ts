/**
 * Per-vehicle consensus across frames. Pure, no I/O, time passed in.
 *
 * Reads are attached to a track by box overlap (or an equal plate) on the same camera. A track's
 * plate is the cluster (reads within edit distance 1 of each other) with the largest summed
 * confidence, and within that cluster, per position, the character with the largest summed
 * confidence among reads of the winning length (Frigate: the largest consensus wins).
 * A track reports once, when it has `minReads` reads or when it closes, or earlier for a known
 * vehicle (the caller says which plates are known, exactly or by look-alike glyphs only): at
 * once on a single read that is very confident (`early`) of a known plate exactly, or on two
 * decisive agreeing reads of a known plate. A later consensus on another plate reports again
 * (the correction). After `maxReads` reads,
 * or once reported, it asks for no more reads while the vehicle stands still (the caller says
 * whether the picture at its box is unchanged) until `stationaryRecheckMs` passed. A read of
 * another plate where a settled vehicle stood is the next vehicle (cars queue at a barrier): it
 * starts its own track and the old one is closed.
 */
import { plateDistance, type Evidence } from './match.js';
import type { PlatesConfig } from '../../config/sections/plates.js';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface TrackRead {
  plate: string;
  colour: string;
  confidence: number;
  /** The least sure character's probability (1 when not known). */
  minCharProb?: number;
  /** The reader's per-position evidence (ctc-decode.ts); none: the read is taken as text alone. */
  evidence?: Evidence;
  box: Box;
  ts: number;
}

export interface EarlyOptions {
  /** Report a known vehicle's exact plate on one read at least this confident overall and per character. */
  minConfidence: number;
  minCharConfidence: number;
  /** Two agreeing reads at least this confident (overall, per character) of a known plate report at once. */
  decisive: number;
  decisiveChar: number;
}

export interface ConsensusOptions {
  minReads: number;
  maxReads: number;
  trackTimeoutMs: number;
  stationaryRecheckMs: number;
  /** Early reports for known vehicles; undefined disables them. */
  early?: EarlyOptions;
}

/** How a plate matches the known vehicles: only exact and look-alike matches allow an early report. */
export type KnownMatch = 'exact' | 'lookalike' | undefined;

export interface Track {
  id: number;
  cameraId: string;
  reads: TrackRead[];
  lastBox: Box;
  /** Time of the first frame the vehicle's plate was read in. */
  firstSeen: number;
  lastSeen: number;
  /** When the plate was last reported (0 = never). */
  reportedAt: number;
  reportedPlate: string;
  lastReadAt: number;
}

export interface Consensus {
  plate: string;
  colour: string;
  confidence: number;
  reads: number;
  best: TrackRead;
  /**
   * Per position, each glyph's best probability over the reads of the consensus's length (what
   * the reader saw of this vehicle): a look-alike of the consensus glyph counts only if some read
   * gave it weight (match.ts).
   */
  evidence: Evidence;
}

export function iou(a: Box, b: Box): number {
  const x = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const y = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = x * y;
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

export function intersects(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** The consensus plate of a set of reads (see the file comment). */
export function consensusOf(reads: readonly TrackRead[]): Consensus | undefined {
  if (reads.length === 0) return undefined;
  let bestCluster: TrackRead[] = [];
  let bestWeight = -1;
  for (const seed of reads) {
    const cluster = reads.filter((r) => plateDistance(r.plate, seed.plate, 1) <= 1);
    const weight = cluster.reduce((s, r) => s + r.confidence, 0);
    if (weight > bestWeight) {
      bestWeight = weight;
      bestCluster = cluster;
    }
  }
  const byLength = new Map<number, number>();
  for (const r of bestCluster) byLength.set([...r.plate].length, (byLength.get([...r.plate].length) ?? 0) + r.confidence);
  const length = [...byLength].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 7;
  const sameLength = bestCluster.filter((r) => [...r.plate].length === length);
  const chars: string[] = [];
  for (let i = 0; i < length; i++) {
    const votes = new Map<string, number>();
    for (const r of sameLength) {
      const c = [...r.plate][i] as string;
      votes.set(c, (votes.get(c) ?? 0) + r.confidence);
    }
    chars.push([...votes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '');
  }
  const plate = chars.join('');
  const colours = new Map<string, number>();
  for (const r of bestCluster) colours.set(r.colour, (colours.get(r.colour) ?? 0) + r.confidence);
  const colour = [...colours].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'blue';
  const agreeing = sameLength.filter((r) => r.plate === plate);
  const best = [...(agreeing.length ? agreeing : sameLength)].sort((a, b) => b.confidence - a.confidence)[0] as TrackRead;
  const confidence =
    (agreeing.length ? agreeing : sameLength).reduce((s, r) => s + r.confidence, 0) /
    Math.max(1, (agreeing.length ? agreeing : sameLength).length);
  const evidence = chars.map((_, i) => {
    const at: Record<string, number> = {};
    for (const r of sameLength) {
      const seen = r.evidence?.[i] ?? { [[...r.plate][i] as string]: r.confidence };
      for (const [g, p] of Object.entries(seen)) if (p > (at[g] ?? 0)) at[g] = p;
    }
    return at;
  });
  return { plate, colour, confidence, reads: bestCluster.length, best, evidence };
}

export const EARLY_DEFAULTS: EarlyOptions = { minConfidence: 0.97, minCharConfidence: 0.9, decisive: 0.93, decisiveChar: 0.75 };

export const CONSENSUS_DEFAULTS: ConsensusOptions = {
  minReads: 2,
  maxReads: 5,
  trackTimeoutMs: 5000,
  stationaryRecheckMs: 60_000,
  early: EARLY_DEFAULTS,
};

/** The tracker's options from the `plates.consensus` config (the decisive levels are the reader's). */
export function consensusOptions(cfg: PlatesConfig['consensus']): ConsensusOptions {
  const { early, ...rest } = cfg;
  return {
    ...rest,
    ...(early.enabled
      ? { early: { ...EARLY_DEFAULTS, minConfidence: early.minConfidence, minCharConfidence: early.minCharConfidence } }
      : { early: undefined }),
  };
}

/**
 * Whether a consensus may be reported before `minReads`: a known vehicle read once very
 * confidently (its exact plate), or twice decisively (exact or look-alike).
 */
export function earlyReport(c: Consensus, reads: readonly TrackRead[], o: EarlyOptions | undefined, known: KnownMatch): boolean {
  if (!o || known === undefined) return false;
  const sure = (r: TrackRead, mean: number, char: number) => r.plate === c.plate && r.confidence >= mean && (r.minCharProb ?? 1) >= char;
  if (known === 'exact' && reads.some((r) => sure(r, o.minConfidence, o.minCharConfidence))) return true;
  return reads.filter((r) => sure(r, o.decisive, o.decisiveChar)).length >= 2;
}

/** Tracks vehicles per camera and decides when a plate is settled. */
export class PlateTracker {
  private readonly tracks: Track[] = [];
  private nextId = 1;
  readonly options: ConsensusOptions;

  constructor(options: Partial<ConsensusOptions> = {}) {
    this.options = { ...CONSENSUS_DEFAULTS, ...options };
  }

  /**
   * Whether a frame of this camera is worth reading now: false while the motion (the camera's
   * motion box, or anywhere when not given) is explained by a settled vehicle standing there
   * (its plate reported, `standsStill` says the picture at it is unchanged, the recheck time not
   * yet passed). Motion away from every settled vehicle (a second car) is read.
   */
  wantsRead(cameraId: string, now: number, motion?: Box | null, standsStill: (t: Track) => boolean = () => true): boolean {
    for (const t of this.tracks) {
      if (t.cameraId !== cameraId || now - t.lastSeen > this.options.trackTimeoutMs) continue;
      if (!this.settled(t)) return true;
      if (motion && !intersects(motion, t.lastBox)) continue;
      if (now - t.lastReadAt < this.options.stationaryRecheckMs && standsStill(t)) return false;
    }
    return true;
  }

  /**
   * Keeps the tracks of settled vehicles that stand still alive without reading them (the frame
   * was not read). Only those: a vehicle that drove off (the picture at its box changed) is not
   * kept alive by another one waiting at the barrier, so its track closes `trackTimeoutMs` after
   * its last read and the same car coming back is a new vehicle, reported (and decided) again.
   */
  touch(cameraId: string, now: number, standsStill: (t: Track) => boolean = () => true): void {
    for (const t of this.tracks) {
      if (t.cameraId !== cameraId || now - t.lastSeen > this.options.trackTimeoutMs) continue;
      if (this.settled(t) && standsStill(t)) t.lastSeen = now;
    }
  }

  /** Reported, or read enough: no more reads wanted while it stands still. */
  private settled(t: Track): boolean {
    // An early report (one read) goes on being read until minReads, so a misread is corrected.
    return t.reads.length >= this.options.maxReads || (t.reportedAt > 0 && t.reads.length >= this.options.minReads);
  }

  /**
   * Adds one frame's reads of a camera. Returns the consensus of tracks that became reportable.
   * `known` says whether a plate is a known vehicle's (for early reports).
   */
  add(
    cameraId: string,
    reads: readonly Omit<TrackRead, 'ts'>[],
    now: number,
    known: (plate: string, evidence: Evidence) => KnownMatch = () => undefined,
  ): { track: Track; consensus: Consensus }[] {
    const out: { track: Track; consensus: Consensus }[] = [];
    for (const r of reads) {
      const read: TrackRead = { ...r, ts: now };
      const alive = this.tracks.filter((t) => t.cameraId === cameraId && now - t.lastSeen <= this.options.trackTimeoutMs);
      // Another plate where a settled vehicle stood is the next vehicle, not a misread of it.
      const otherVehicle = (t: Track) => t.reportedPlate !== '' && plateDistance(r.plate, t.reportedPlate, 1) > 1;
      let track =
        alive.find((t) => t.reads.some((x) => x.plate === r.plate)) ?? alive.find((t) => iou(t.lastBox, r.box) > 0.3 && !otherVehicle(t));
      if (!track) {
        // The vehicle it replaces has left: its track closes at the next expire().
        for (const t of alive) if (iou(t.lastBox, r.box) > 0.3 && otherVehicle(t)) t.lastSeen = -Infinity;
        track = {
          id: this.nextId++,
          cameraId,
          reads: [],
          lastBox: r.box,
          firstSeen: now,
          lastSeen: now,
          reportedAt: 0,
          reportedPlate: '',
          lastReadAt: now,
        };
        this.tracks.push(track);
      }
      track.reads.push(read);
      if (track.reads.length > this.options.maxReads * 2) track.reads.shift();
      track.lastBox = r.box;
      track.lastSeen = now;
      track.lastReadAt = now;
      const c = consensusOf(track.reads);
      if (
        c &&
        c.plate !== track.reportedPlate &&
        (c.reads >= this.options.minReads || earlyReport(c, track.reads, this.options.early, known(c.plate, c.evidence)))
      ) {
        track.reportedAt = now;
        track.reportedPlate = c.plate;
        out.push({ track, consensus: c });
      }
    }
    return out;
  }

  /** Closes tracks not seen for `trackTimeoutMs`; returns those that never reported (single reads). */
  expire(now: number): { track: Track; consensus: Consensus }[] {
    const out: { track: Track; consensus: Consensus }[] = [];
    for (let i = this.tracks.length - 1; i >= 0; i--) {
      const t = this.tracks[i] as Track;
      if (now - t.lastSeen <= this.options.trackTimeoutMs) continue;
      this.tracks.splice(i, 1);
      const c = consensusOf(t.reads);
      if (c && t.reportedAt === 0) out.push({ track: t, consensus: c });
    }
    return out;
  }

  /** The live track a read belongs to (after `add`). */
  trackFor(cameraId: string, plate: string, box: Box, now: number): Track | undefined {
    return this.tracks.find(
      (t) =>
        t.cameraId === cameraId &&
        now - t.lastSeen <= this.options.trackTimeoutMs &&
        (t.reads.some((x) => x.plate === plate && x.ts === now) || iou(t.lastBox, box) > 0.9),
    );
  }

  has(id: number): boolean {
    return this.tracks.some((t) => t.id === id);
  }

  get size(): number {
    return this.tracks.length;
  }
}
