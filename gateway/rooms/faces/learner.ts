/**
 * Templates learned at the gate, in the daemon (faces.learning). A resident recognised very
 * surely (learning-policy.ts `shouldLearn`: score, margin to the second-best person, usable
 * frames that passed liveness when it runs) offers the embedding the decision was taken on. It
 * is held, not learned: only when the passage has closed — `holdS` after the decision and the
 * track out of view — without a person opening or commanding a gate of that camera
 * (`gate/open`, `gate/command` from the console, the platform or the CLI) is it written
 * (store/learned-store.ts, at most `maxLearned` per resident, the oldest replaced) and audited as
 * `faces/learn`. A held capture lives in memory only: a restart drops it (never learns more).
 * Visitors and strangers are never learned from: only a person enrolled as a resident, still
 * one when the capture is written.
 */
import { ulid } from 'ulid';
import type { AuditEntry } from '../../core/actions.js';
import type { Logger } from '../../core/logger.js';
import { shouldLearn, type LearnVerdict, type LearningRule } from './learning-policy.js';
import type { LearnedTemplates, LearnOutcome } from './store/learned-store.js';
import type { TrackOutcome } from './stream/face-stream.js';

export interface LearnerOptions extends LearningRule {
  /** Seconds a capture is held after its decision before it may be learned. */
  holdS: number;
}

interface Held {
  residentId: string;
  cameraId: string;
  trackId: number;
  embedding: Float32Array;
  similarity: number;
  second: number;
  threshold: number;
  frames: number;
  decidedAt: number;
}

/** What happened to a capture offered (tests and the log). */
export type Offer = LearnVerdict | { learn: false; why: 'not-resident' | 'not-learnable' };

export class Learner {
  private held: Held[] = [];
  /** When a person last acted on each gate (ms). */
  private readonly lastOverride = new Map<string, number>();
  /** Captures discarded because a person acted on a gate during the passage. */
  discarded = 0;

  constructor(
    private readonly ctx: {
      options: LearnerOptions;
      store: LearnedTemplates;
      /** Camera id → the gates it recognises faces for (access.points). */
      gatesOf: ReadonlyMap<string, readonly string[]>;
      audit: (entry: AuditEntry) => void;
      log: Logger;
    },
  ) {}

  /** How many captures wait for their passage to close. */
  get waiting(): number {
    return this.held.length;
  }

  /**
   * A decision of the stream: holds its capture when the rule allows learning it. `kind` is who
   * the recognised person is (only residents are learned from). Times are the frames' (wall
   * clock at the camera hub).
   */
  offer(o: TrackOutcome, kind: 'resident' | 'visitor'): Offer {
    const d = o.decision;
    if (!this.ctx.options.enabled) return { learn: false, why: 'off' };
    if (d.kind !== 'recognized' || !o.learnable) return { learn: false, why: 'not-learnable' };
    if (kind !== 'resident') return { learn: false, why: 'not-resident' };
    const l = o.learnable;
    // A person who acted on a gate of this camera since the track began overrode this passage.
    const gates = this.ctx.gatesOf.get(o.cameraId) ?? [];
    const overridden = gates.some((g) => (this.lastOverride.get(g) ?? -Infinity) >= o.firstTs);
    const verdict = shouldLearn(this.ctx.options, {
      similarity: l.similarity,
      second: l.second,
      threshold: d.threshold,
      usable: true,
      overridden,
    });
    if (verdict.learn)
      this.held.push({
        residentId: d.residentId,
        cameraId: o.cameraId,
        trackId: o.trackId,
        embedding: l.embedding,
        similarity: round3(l.similarity),
        second: round3(l.second),
        threshold: d.threshold,
        frames: d.frames,
        decidedAt: o.ts,
      });
    return verdict;
  }

  /** A person opened or commanded `gateId`: every held capture of a camera serving it is discarded. */
  overridden(gateId: string, now = Date.now()): number {
    this.lastOverride.set(gateId, now);
    const before = this.held.length;
    this.held = this.held.filter((h) => !(this.ctx.gatesOf.get(h.cameraId) ?? []).includes(gateId));
    const n = before - this.held.length;
    this.discarded += n;
    if (n) this.ctx.log.info({ gateId, discarded: n }, 'captures held for learning discarded: a person acted on the gate');
    return n;
  }

  /**
   * Learns every held capture whose passage has closed (`holdS` since the decision and its track
   * no longer in view). Returns what each one gave.
   */
  commitDue(now: number, inView: (cameraId: string, trackId: number) => boolean): Array<{ residentId: string; outcome: LearnOutcome }> {
    const holdMs = this.ctx.options.holdS * 1000;
    const due = this.held.filter((h) => now - h.decidedAt >= holdMs && !inView(h.cameraId, h.trackId));
    if (due.length === 0) return [];
    this.held = this.held.filter((h) => !due.includes(h));
    const out: Array<{ residentId: string; outcome: LearnOutcome }> = [];
    for (const h of due) {
      const evidence = { similarity: h.similarity, second: h.second, threshold: h.threshold, cameraId: h.cameraId, frames: h.frames };
      const outcome = this.ctx.store.add({ residentId: h.residentId, embedding: h.embedding, evidence }, this.ctx.options.maxLearned);
      out.push({ residentId: h.residentId, outcome });
      if (!outcome.added) continue;
      this.ctx.audit({
        action: 'faces/learn',
        actor: { channel: 'system', name: 'faces', role: 'admin' },
        transaction: ulid(),
        input: { residentId: h.residentId, trackId: h.trackId, ...evidence, replaced: outcome.replaced.length, learned: outcome.learned },
        ok: true,
      });
    }
    return out;
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
