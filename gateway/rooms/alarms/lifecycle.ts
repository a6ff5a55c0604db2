/**
 * The alarm life cycle, pure: raised -> acknowledged -> resolved, escalation when nobody
 * acknowledges, and which input changes raise an alarm at all. The room does the I/O.
 */
export type AlarmKind = 'panic' | 'tamper' | 'fire' | 'fire_fault';
export type AlarmState = 'raised' | 'acknowledged' | 'resolved';
export type Severity = 'normal' | 'high';

export interface Alarm {
  alarmId: string;
  deviceId: string;
  input: string;
  kind: AlarmKind;
  severity: Severity;
  state: AlarmState;
  raisedAt: string;
  /** Presses of the same button while the alarm waited for a responder (a held or bouncing button is one alarm). */
  presses: number;
  escalatedAt?: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  resolvedAt?: string;
  resolvedBy?: string;
  note?: string;
  cameraId?: string;
  snapshotId?: string;
}

/** The kind of alarm an input raises when it becomes active, if any. */
export function alarmKindOf(deviceKind: string, inputKind: string): AlarmKind | undefined {
  if (inputKind === 'button' && deviceKind === 'alarm_post') return 'panic';
  if (inputKind === 'tamper') return 'tamper';
  if (inputKind === 'fire_alarm') return 'fire';
  return undefined;
}

export function severityOf(kind: AlarmKind): Severity {
  return kind === 'fire' || kind === 'fire_fault' ? 'high' : 'normal';
}

/**
 * An input became active: a new alarm, or a repeat of the alarm of the same input still waiting
 * for a responder. Once an alarm is acknowledged, the next press is a new alarm.
 */
export function onTrigger(
  open: Iterable<Alarm>,
  t: { deviceId: string; input: string; kind: AlarmKind },
): { raise: true } | { raise: false; repeatOf: Alarm } {
  for (const a of open)
    if (a.state === 'raised' && a.deviceId === t.deviceId && a.input === t.input && a.kind === t.kind) return { raise: false, repeatOf: a };
  return { raise: true };
}

/** Whether an alarm nobody acknowledged is due to escalate now. */
export function dueForEscalation(a: Alarm, nowMs: number, escalateAfterS: number): boolean {
  return a.state === 'raised' && a.escalatedAt === undefined && nowMs - Date.parse(a.raisedAt) >= escalateAfterS * 1000;
}

/**
 * Why an alarm cannot move to `to`, or undefined when it can (resolving also acknowledges). A
 * fire input fault (an unread or offline fire input) is acknowledged by a responder but resolved
 * only by the input reading again (`by: 'input'`): the list shows it as long as it stands.
 */
export function refuseTransition(a: Alarm, to: 'acknowledged' | 'resolved', by: 'responder' | 'input' = 'responder'): string | undefined {
  if (a.state === 'resolved') return `alarm ${a.alarmId} is already resolved`;
  if (a.kind === 'fire_fault' && to === 'resolved' && by === 'responder')
    return `alarm ${a.alarmId} is a fire input fault: it resolves itself when ${a.deviceId}/${a.input} reads again (acknowledge it meanwhile)`;
  if (to === 'acknowledged' && a.state === 'acknowledged')
    return `alarm ${a.alarmId} was already acknowledged by ${a.acknowledgedBy ?? 'someone'}`;
  return undefined;
}
