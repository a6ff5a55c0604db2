/**
 * Access decisions as one plain line each, for the people watching the terminal, in the language
 * of the CLI's output (core/locale.ts: Chinese unless the locale is English). Pure.
 */
import type { GatewayEvents } from '../../events.js';
import type { Lang } from '../../core/locale.js';
import { dottedPlate } from './cast.js';

/** The access.decision event: the narration knows the decision as the wire says it, not the access room's types. */
type Decision = GatewayEvents['access.decision'];
type Via = Decision['via'];
type Reason = Decision['reason'];

/** What the line reports of a decision (the access.decision event fits). */
export interface DecisionFacts {
  via: Via;
  gateId: string;
  allow: boolean;
  reason: Reason;
  subjectKind: 'resident' | 'visitor' | 'unknown';
  /** A resident's name (faces) or the plate read (plates). */
  label: string;
}

/** What became of the gate: opened, did not open (the controller's error), or not asked (refused). */
export type GateOutcome = { opened: true } | { opened: false; error: string } | null;

const WHO: Record<Lang, Record<Via, (f: DecisionFacts) => string>> = {
  en: {
    face: (f) => (f.subjectKind === 'unknown' ? 'stranger' : `${f.subjectKind} ${f.label}`),
    plate: (f) => (f.subjectKind === 'unknown' ? 'unregistered car' : `${f.subjectKind}'s car`),
  },
  zh: {
    face: (f) => (f.subjectKind === 'unknown' ? '陌生人' : `${f.subjectKind === 'resident' ? '居民' : '访客'} ${f.label}`),
    plate: (f) => (f.subjectKind === 'unknown' ? '未登记车辆' : f.subjectKind === 'resident' ? '居民车辆' : '访客车辆'),
  },
};

const WHY: Record<Lang, Partial<Record<Reason, string>>> = {
  en: {
    visitor_expired: "visitor's pass expired",
    visitor_not_yet_valid: "visitor's pass not yet valid",
    denied: 'on the watchlist',
    gate_fault: 'gate in fault',
  },
  zh: { visitor_expired: '通行证已过期', visitor_not_yet_valid: '通行证未生效', denied: '在黑名单上', gate_fault: '闸机故障' },
};

function result(lang: Lang, f: DecisionFacts, gate: GateOutcome): string {
  const why = WHY[lang][f.reason];
  if (lang === 'en') {
    if (!f.allow) return why ? `${why}, refused` : 'refused';
    return gate?.opened ? 'opened' : `gate did not open (${gate ? gate.error : 'no answer'})`;
  }
  if (!f.allow) return why ? `${why}, 拒绝通行` : '拒绝通行';
  const opened = f.via === 'plate' ? '已抬杆' : '已开门';
  return gate?.opened ? opened : `未能开闸 (${gate ? gate.error : '无应答'})`;
}

/** "face → door-1: resident Jesper, opened" / "人脸 → 闸机 door-1: 居民 Jesper 已开门". */
export function narrate(lang: Lang, f: DecisionFacts, gate: GateOutcome): string {
  const who = WHO[lang][f.via](f);
  const what = result(lang, f, gate);
  if (lang === 'en') {
    const source = f.via === 'face' ? 'face' : `plate ${dottedPlate(f.label)}`;
    return `${source} → ${f.gateId}: ${who}, ${what}`;
  }
  const source = f.via === 'face' ? '人脸' : `车牌 ${dottedPlate(f.label)}`;
  const gateKind = f.via === 'face' ? '闸机' : '道闸';
  return `${source} → ${gateKind} ${f.gateId}: ${who} ${what}`;
}
