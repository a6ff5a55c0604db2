/**
 * A simple IoU tracker for one camera: each new face box joins the live track it overlaps most
 * (greedy, best overlap first), or starts a new track. Tracks not seen for `maxGapMs` end. Pure.
 */
import { iou, type FaceBox } from '../geometry.js';

export interface Track {
  id: number;
  box: FaceBox;
  firstTs: number;
  lastTs: number;
  hits: number;
}

export interface TrackerOptions {
  /** Smallest IoU with a track's last box for a face to continue that track. */
  minIou: number;
  /** A track with no face for this long ends. */
  maxGapMs: number;
}

export class IouTracker {
  private readonly tracks = new Map<number, Track>();
  private nextId: number;

  constructor(
    private readonly opts: TrackerOptions,
    firstId = 1,
  ) {
    this.nextId = firstId;
  }

  get live(): Track[] {
    return [...this.tracks.values()];
  }

  /**
   * Assigns each box to a track (returned in the same order as `boxes`) after ending the tracks
   * that went stale by `ts`; returns the ended tracks too.
   */
  update(boxes: readonly FaceBox[], ts: number): { trackIds: number[]; ended: Track[] } {
    const ended = this.expire(ts);
    const pairs: Array<{ b: number; t: Track; o: number }> = [];
    boxes.forEach((box, b) => {
      for (const t of this.tracks.values()) {
        const o = iou(box, t.box);
        if (o >= this.opts.minIou) pairs.push({ b, t, o });
      }
    });
    pairs.sort((x, y) => y.o - x.o);
    const trackIds: number[] = new Array(boxes.length).fill(-1);
    const used = new Set<number>();
    for (const p of pairs) {
      if (trackIds[p.b] !== -1 || used.has(p.t.id)) continue;
      trackIds[p.b] = p.t.id;
      used.add(p.t.id);
      p.t.box = boxes[p.b]!;
      p.t.lastTs = ts;
      p.t.hits++;
    }
    boxes.forEach((box, b) => {
      if (trackIds[b] !== -1) return;
      const t: Track = { id: this.nextId++, box, firstTs: ts, lastTs: ts, hits: 1 };
      this.tracks.set(t.id, t);
      trackIds[b] = t.id;
    });
    return { trackIds, ended };
  }

  /**
   * The face on a track is somebody else now (the next person in a queue stepped into the same
   * place): ends that track and starts a new one at its box. Returns the new track.
   */
  restart(trackId: number, ts: number): Track | undefined {
    const old = this.tracks.get(trackId);
    if (!old) return undefined;
    this.tracks.delete(trackId);
    const t: Track = { id: this.nextId++, box: old.box, firstTs: ts, lastTs: ts, hits: 1 };
    this.tracks.set(t.id, t);
    return t;
  }

  /** Ends (and returns) the tracks last seen more than maxGapMs before `ts`. */
  expire(ts: number): Track[] {
    const ended: Track[] = [];
    for (const t of this.tracks.values()) {
      if (ts - t.lastTs > this.opts.maxGapMs) {
        ended.push(t);
        this.tracks.delete(t.id);
      }
    }
    return ended;
  }
}
