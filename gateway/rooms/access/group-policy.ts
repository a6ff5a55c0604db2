/**
 * Access groups and schedules: who may pass which gate, and when. Pure (data in, data out), so
 * every rule is unit-tested with literal inputs; the store (group-store.ts) loads the data, the
 * access policy asks `mayPass`, and the faces room asks `allowedAt` which residents a camera's
 * 1:N search must cover.
 *
 * The rules:
 * - A gate that no group names is open to every resident and every visitor with a valid pass
 *   (the community gate; also what a box without groups does).
 * - A gate that groups name admits only the members of those groups (a unit door: its
 *   building's residents; a car park: the vehicle owners), and only while one of those groups'
 *   schedules is open. A group marked `everyone` has every resident as a member (to put the
 *   community gate on a schedule). Visitors are members only where listed.
 * - A visitor whose pass names gates may pass those gates only (and no other), within the pass's
 *   window (checked by the access policy itself).
 */

/** A weekly time window in the group's time zone: days 1 (Monday) .. 7 (Sunday), "HH:MM" from (inclusive) to (exclusive). */
export interface TimeWindow {
  days: readonly number[];
  from: string;
  to: string;
}

/** When a group's members may pass; null: always. */
export interface Schedule {
  /** IANA time zone the windows are in (e.g. Asia/Shanghai); absent: the box's own zone. */
  timeZone?: string | undefined;
  windows: readonly TimeWindow[];
}

export interface AccessGroup {
  id: string;
  name: string;
  /** Gates this group's members may pass. */
  gates: readonly string[];
  schedule: Schedule | null;
  /** Every resident is a member (visitors are not). */
  everyone: boolean;
}

/** Who is trying to pass. */
export interface Passer {
  id: string;
  kind: 'resident' | 'visitor';
}

/** Everything the rules need, as loaded by the store. */
export interface GroupData {
  groups: ReadonlyMap<string, AccessGroup>;
  /** Resident (or visitor) id → the ids of the groups they are a member of. */
  memberOf: ReadonlyMap<string, ReadonlySet<string>>;
  /** Visitor id → the gates their pass is for (absent: whatever their groups allow). */
  passGates: ReadonlyMap<string, readonly string[]>;
}

export type GroupRefusal = 'not_in_group' | 'outside_schedule';

export const NO_GROUPS: GroupData = { groups: new Map(), memberOf: new Map(), passGates: new Map() };

function passGatesOf(data: GroupData, p: Passer): readonly string[] | undefined {
  const g = p.kind === 'visitor' ? data.passGates.get(p.id) : undefined;
  return g && g.length > 0 ? g : undefined;
}

const HHMM = /^([01]\d|2[0-4]):([0-5]\d)$/;

/** Minutes since midnight of "HH:MM" (24:00 is the end of the day), or NaN. */
export function minutesOf(hhmm: string): number {
  const m = HHMM.exec(hhmm);
  if (!m) return Number.NaN;
  const v = Number(m[1]) * 60 + Number(m[2]);
  return v > 24 * 60 ? Number.NaN : v;
}

/** What is wrong with a schedule (empty when it is valid). */
export function scheduleProblems(s: Schedule): string[] {
  const out: string[] = [];
  if (s.timeZone !== undefined && !validZone(s.timeZone)) out.push(`unknown time zone ${JSON.stringify(s.timeZone)}`);
  if (s.windows.length === 0) out.push('a schedule needs at least one window (no schedule: always open)');
  s.windows.forEach((w, i) => {
    if (w.days.length === 0 || w.days.some((d) => !Number.isInteger(d) || d < 1 || d > 7))
      out.push(`window ${i + 1}: days are 1 (Monday) .. 7 (Sunday)`);
    const from = minutesOf(w.from);
    const to = minutesOf(w.to);
    if (Number.isNaN(from) || Number.isNaN(to)) out.push(`window ${i + 1}: times are "HH:MM" (00:00 .. 24:00)`);
    else if (from === to) out.push(`window ${i + 1}: from and to are the same time`);
  });
  return out;
}

function validZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const WEEKDAY: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formats = new Map<string, Intl.DateTimeFormat>();

/** Day of the week (1 = Monday) and minute of the day of `t` in `timeZone` (absent: the process's zone). */
export function localTime(t: Date, timeZone?: string): { day: number; minute: number } {
  const key = timeZone ?? '';
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone });
    formats.set(key, f);
  }
  let day = 0;
  let hour = 0;
  let minute = 0;
  for (const p of f.formatToParts(t)) {
    if (p.type === 'weekday') day = WEEKDAY[p.value] ?? 0;
    else if (p.type === 'hour') hour = Number(p.value);
    else if (p.type === 'minute') minute = Number(p.value);
  }
  return { day, minute: hour * 60 + minute };
}

/**
 * Whether the schedule is open at `t`. A window whose `to` is earlier than its `from` runs past
 * midnight: "22:00"–"06:00" on day 5 covers Friday 22:00 to Saturday 06:00.
 */
export function isOpen(schedule: Schedule | null, t: Date): boolean {
  if (!schedule) return true;
  const { day, minute } = localTime(t, schedule.timeZone);
  const yesterday = day === 1 ? 7 : day - 1;
  for (const w of schedule.windows) {
    const from = minutesOf(w.from);
    const to = minutesOf(w.to);
    if (from < to) {
      if (w.days.includes(day) && minute >= from && minute < to) return true;
    } else {
      if (w.days.includes(day) && minute >= from) return true;
      if (w.days.includes(yesterday) && minute < to) return true;
    }
  }
  return false;
}

/** The groups that name this gate. */
export function groupsAt(data: GroupData, gateId: string): AccessGroup[] {
  const out: AccessGroup[] = [];
  for (const g of data.groups.values()) if (g.gates.includes(gateId)) out.push(g);
  return out;
}

function isMember(data: GroupData, g: AccessGroup, p: Passer): boolean {
  return (g.everyone && p.kind === 'resident') || (data.memberOf.get(p.id)?.has(g.id) ?? false);
}

/**
 * Whether `p` may pass `gateId` at `t` as far as groups and schedules go (null: yes), else why
 * not: `not_in_group` (no group of theirs names this gate, or the visitor's pass does not), or
 * `outside_schedule` (their groups name it, but none is open now).
 */
export function mayPass(data: GroupData, p: Passer, gateId: string, t: Date): GroupRefusal | null {
  const passGates = passGatesOf(data, p);
  if (passGates) return passGates.includes(gateId) ? null : 'not_in_group';
  const at = groupsAt(data, gateId);
  if (at.length === 0) return null;
  const mine = at.filter((g) => isMember(data, g, p));
  if (mine.length === 0) return 'not_in_group';
  return mine.some((g) => isOpen(g.schedule, t)) ? null : 'outside_schedule';
}

/**
 * Who may pass at least one of `gateIds` at some time (schedules aside): the residents a camera
 * watching these gates must tell apart. Null means everyone enrolled (a gate no group names, or
 * a group of everyone). `people`: every enrolled person.
 */
export function allowedAt(data: GroupData, gateIds: readonly string[], people: Iterable<Passer>): Set<string> | null {
  const groups: AccessGroup[] = [];
  for (const gate of gateIds) {
    const at = groupsAt(data, gate);
    if (at.length === 0) return null;
    groups.push(...at);
  }
  const ids = new Set(groups.map((g) => g.id));
  const everyone = groups.some((g) => g.everyone);
  const out = new Set<string>();
  for (const p of people) {
    const passGates = passGatesOf(data, p);
    if (passGates) {
      if (passGates.some((g) => gateIds.includes(g))) out.add(p.id);
      continue;
    }
    if (everyone && p.kind === 'resident') {
      out.add(p.id);
      continue;
    }
    const of = data.memberOf.get(p.id);
    if (of) for (const g of of) if (ids.has(g)) out.add(p.id);
  }
  return out;
}
