/**
 * The access decision: pure data in, data out, no I/O, so that every rule is unit-tested with
 * literal inputs and the gate opens offline. The access room feeds it recognitions and carries
 * out what it returns.
 */
import { mayPass, type GroupData, type GroupRefusal } from './group-policy.js';

export type Via = 'face' | 'plate';

/** Which camera watches which gate, and what it recognises there. */
export interface AccessPoint {
  cameraId: string;
  gateId: string;
  via: Via;
}

export type Subject =
  | { kind: 'resident'; id: string; name: string }
  | { kind: 'visitor'; id: string; name: string; validFrom?: string | null; validUntil?: string | null }
  | { kind: 'unknown' };

export interface Recognition {
  via: Via;
  cameraId: string;
  subject: Subject;
  /** Face similarity or plate read confidence, 0..1. */
  confidence: number;
  /** What was recognised: a plate text, or the resident's name; for the log and the event. */
  label: string;
  /** Plates: the text read and the known plate it matched; each is checked against the watchlist. */
  plates?: readonly string[];
  /** Faces: how many frames of the passage the recognition combined. */
  frames?: number;
  ts: Date;
}

export interface PolicyOptions {
  /** The same subject at the same gate within this many seconds is one passage, not two. */
  cooldownS: number;
  /** Subjects (resident/visitor ids, or plates) the platform put on the deny list. */
  denied: ReadonlySet<string>;
  /** Whether a plate is on the deny list, look-alike glyphs included (Watchlist.deniesPlate). */
  deniedPlate?: (plate: string) => boolean;
  /** Gates that are in fault (their controller offline): never commanded, decision says why. */
  gatesInFault: ReadonlySet<string>;
  /** Access groups and schedules (group-policy.ts): who may pass which gate, and when. Absent: everyone everywhere. */
  groups?: GroupData;
}

export type Reason =
  'resident' | 'visitor_valid' | 'visitor_not_yet_valid' | 'visitor_expired' | 'unknown' | 'denied' | 'gate_fault' | GroupRefusal;

export interface Decision {
  gateId: string;
  cameraId: string;
  via: Via;
  allow: boolean;
  reason: Reason;
  subjectKind: Subject['kind'];
  subjectId: string | null;
  label: string;
  confidence: number;
  /** Faces: how many frames of the passage the decision rests on. */
  frames?: number;
  ts: string;
}

/** Last time a subject was let through a gate: the policy's only memory, owned by the caller. */
export type PassageMemory = Map<string, number>;

function subjectKey(s: Subject, label: string): string {
  return s.kind === 'unknown' ? `unknown:${label}` : `${s.kind}:${s.id}`;
}

function reasonFor(rec: Recognition, opts: PolicyOptions): { allow: boolean; reason: Reason } {
  const s = rec.subject;
  if (s.kind !== 'unknown' && opts.denied.has(s.id)) return { allow: false, reason: 'denied' };
  if (opts.denied.has(rec.label)) return { allow: false, reason: 'denied' };
  // A plate is refused when what was read, or the known plate it matched, is on the list as
  // written or with look-alike glyphs (粤B8O123 listed: 粤BB0123 and 粤B80123 are refused too).
  if (rec.plates?.some((p) => opts.denied.has(p) || opts.deniedPlate?.(p))) return { allow: false, reason: 'denied' };
  if (s.kind === 'resident') return { allow: true, reason: 'resident' };
  if (s.kind === 'visitor') {
    // The pass is the half-open window [validFrom, validUntil): at validUntil it has ended.
    const t = rec.ts.getTime();
    if (s.validFrom && t < Date.parse(s.validFrom)) return { allow: false, reason: 'visitor_not_yet_valid' };
    if (s.validUntil && t >= Date.parse(s.validUntil)) return { allow: false, reason: 'visitor_expired' };
    return { allow: true, reason: 'visitor_valid' };
  }
  return { allow: false, reason: 'unknown' };
}

/**
 * Decides for every access point the recognising camera watches with this modality. Returns no
 * decision for a repeat of the same subject at the same gate within the cooldown (one passage,
 * one event); `memory` is updated for the decisions returned.
 */
export function decide(rec: Recognition, points: readonly AccessPoint[], opts: PolicyOptions, memory: PassageMemory): Decision[] {
  const out: Decision[] = [];
  const now = rec.ts.getTime();
  for (const point of points) {
    if (point.cameraId !== rec.cameraId || point.via !== rec.via) continue;
    const key = `${point.gateId}|${subjectKey(rec.subject, rec.label)}`;
    const last = memory.get(key);
    if (last !== undefined && now - last >= 0 && now - last < opts.cooldownS * 1000) continue;
    let { allow, reason } = reasonFor(rec, opts);
    const s = rec.subject;
    if (allow && opts.groups && s.kind !== 'unknown') {
      // Allowed as a person: now whether this person may pass this gate, and now.
      const refusal = mayPass(opts.groups, { id: s.id, kind: s.kind }, point.gateId, rec.ts);
      if (refusal) {
        allow = false;
        reason = refusal;
      }
    }
    if (allow && opts.gatesInFault.has(point.gateId)) {
      allow = false;
      reason = 'gate_fault';
    }
    memory.set(key, now);
    out.push({
      gateId: point.gateId,
      cameraId: rec.cameraId,
      via: rec.via,
      allow,
      reason,
      subjectKind: rec.subject.kind,
      subjectId: rec.subject.kind === 'unknown' ? null : rec.subject.id,
      label: rec.label,
      confidence: rec.confidence,
      ...(rec.frames === undefined ? {} : { frames: rec.frames }),
      ts: rec.ts.toISOString(),
    });
  }
  return out;
}

/** Forgets passages older than the cooldown, so memory stays small on a busy gate. */
export function prunePassages(memory: PassageMemory, now: number, cooldownS: number): void {
  for (const [key, t] of memory) if (now - t >= cooldownS * 1000) memory.delete(key);
}
