import { describe, expect, it } from 'vitest';
import { allowedAt, isOpen, localTime, mayPass, scheduleProblems, type AccessGroup, type GroupData } from './group-policy.js';
import { decide, type AccessPoint, type PolicyOptions } from './policy.js';

const group = (g: Partial<AccessGroup> & { id: string; gates: string[] }): AccessGroup => ({
  name: g.id,
  schedule: null,
  everyone: false,
  ...g,
});

// Building 3's unit door; the car park for vehicle owners; cleaners on weekday mornings (Shanghai time).
const data: GroupData = {
  groups: new Map(
    [
      group({ id: 'b3', gates: ['door-b3'] }),
      group({ id: 'owners', gates: ['carpark'] }),
      group({
        id: 'cleaners',
        gates: ['door-b3', 'carpark'],
        schedule: { timeZone: 'Asia/Shanghai', windows: [{ days: [1, 2, 3, 4, 5], from: '07:00', to: '09:00' }] },
      }),
    ].map((g) => [g.id, g]),
  ),
  memberOf: new Map([
    ['li', new Set(['b3', 'owners'])],
    ['wang', new Set(['owners'])],
    ['zhao', new Set(['cleaners'])],
    ['guest-b3', new Set(['b3'])],
  ]),
  passGates: new Map([['guest', ['gate-main', 'door-b3']]]),
};
// Monday 2026-11-23 08:00 in Shanghai is 00:00 UTC.
const mondayMorning = new Date('2026-11-23T00:00:00Z');
const mondayNoon = new Date('2026-11-23T04:00:00Z');
const saturdayMorning = new Date('2026-11-28T00:00:00Z');
const resident = (id: string) => ({ id, kind: 'resident' as const });

describe('access groups: who may pass which gate', () => {
  it('a gate no group names admits everyone (the community gate)', () => {
    expect(mayPass(data, resident('wang'), 'gate-main', mondayNoon)).toBeNull();
    expect(mayPass(data, resident('nobody'), 'gate-main', mondayNoon)).toBeNull();
  });
  it('a unit door admits its building only', () => {
    expect(mayPass(data, resident('li'), 'door-b3', mondayNoon)).toBeNull();
    expect(mayPass(data, resident('wang'), 'door-b3', mondayNoon)).toBe('not_in_group');
  });
  it('a car park admits the vehicle owners', () => {
    expect(mayPass(data, resident('wang'), 'carpark', mondayNoon)).toBeNull();
    expect(mayPass(data, resident('guest-b3'), 'carpark', mondayNoon)).toBe('not_in_group');
  });
  it('a scheduled group passes within its hours only, and says so outside them', () => {
    expect(mayPass(data, resident('zhao'), 'door-b3', mondayMorning)).toBeNull();
    expect(mayPass(data, resident('zhao'), 'door-b3', mondayNoon)).toBe('outside_schedule');
    expect(mayPass(data, resident('zhao'), 'carpark', saturdayMorning)).toBe('outside_schedule');
  });
  it("a visitor passes their pass's gates and no other; without pass gates, their groups decide", () => {
    const guest = { id: 'guest', kind: 'visitor' as const };
    expect(mayPass(data, guest, 'gate-main', mondayNoon)).toBeNull();
    expect(mayPass(data, guest, 'door-b3', mondayNoon)).toBeNull();
    expect(mayPass(data, guest, 'carpark', mondayNoon)).toBe('not_in_group');
    expect(mayPass(data, { id: 'guest-b3', kind: 'visitor' }, 'door-b3', mondayNoon)).toBeNull();
  });
  it('an "everyone" group puts every resident on its schedule, but not visitors', () => {
    const night: GroupData = {
      ...data,
      groups: new Map([
        [
          'all',
          group({
            id: 'all',
            gates: ['gate-main'],
            everyone: true,
            schedule: { timeZone: 'UTC', windows: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '06:00', to: '23:00' }] },
          }),
        ],
      ]),
    };
    expect(mayPass(night, resident('anyone'), 'gate-main', new Date('2026-11-23T12:00:00Z'))).toBeNull();
    expect(mayPass(night, resident('anyone'), 'gate-main', new Date('2026-11-23T23:30:00Z'))).toBe('outside_schedule');
    expect(mayPass(night, { id: 'v', kind: 'visitor' }, 'gate-main', new Date('2026-11-23T12:00:00Z'))).toBe('not_in_group');
  });
});

describe('schedules', () => {
  it('reads the day and minute in the schedule zone', () => {
    expect(localTime(new Date('2026-11-22T23:30:00Z'), 'Asia/Shanghai')).toEqual({ day: 1, minute: 7 * 60 + 30 });
    expect(localTime(new Date('2026-11-22T23:30:00Z'), 'UTC')).toEqual({ day: 7, minute: 23 * 60 + 30 });
  });
  it('a window past midnight belongs to the day it starts on', () => {
    const s = { timeZone: 'UTC', windows: [{ days: [5], from: '22:00', to: '06:00' }] };
    expect(isOpen(s, new Date('2026-11-27T22:00:00Z'))).toBe(true); // Friday 22:00
    expect(isOpen(s, new Date('2026-11-28T05:59:00Z'))).toBe(true); // Saturday 05:59
    expect(isOpen(s, new Date('2026-11-28T06:00:00Z'))).toBe(false);
    expect(isOpen(s, new Date('2026-11-27T05:00:00Z'))).toBe(false); // Friday early: Thursday has no window
    expect(isOpen(s, new Date('2026-11-27T21:59:00Z'))).toBe(false);
  });
  it('the end of a window is exclusive; 24:00 is the end of the day', () => {
    const s = { timeZone: 'UTC', windows: [{ days: [1], from: '08:00', to: '24:00' }] };
    expect(isOpen(s, new Date('2026-11-23T08:00:00Z'))).toBe(true);
    expect(isOpen(s, new Date('2026-11-23T23:59:00Z'))).toBe(true);
    expect(isOpen(s, new Date('2026-11-24T00:00:00Z'))).toBe(false);
    expect(isOpen(null, new Date())).toBe(true);
  });
  it('names what is wrong with a schedule', () => {
    expect(scheduleProblems({ windows: [{ days: [1], from: '08:00', to: '09:00' }] })).toEqual([]);
    expect(scheduleProblems({ timeZone: 'Mars/Base', windows: [{ days: [0, 8], from: '8:00', to: '25:00' }] })).toEqual([
      'unknown time zone "Mars/Base"',
      'window 1: days are 1 (Monday) .. 7 (Sunday)',
      'window 1: times are "HH:MM" (00:00 .. 24:00)',
    ]);
    expect(scheduleProblems({ windows: [] })).toHaveLength(1);
  });
});

describe("the residents a gate's 1:N search covers", () => {
  const people = [resident('li'), resident('wang'), resident('zhao'), { id: 'guest', kind: 'visitor' as const }, resident('x')];
  it('everyone at a gate no group names (null), the members at a unit door', () => {
    expect(allowedAt(data, ['gate-main'], people)).toBeNull();
    expect([...allowedAt(data, ['door-b3'], people)!].sort()).toEqual(['guest', 'li', 'zhao']);
    expect([...allowedAt(data, ['carpark'], people)!].sort()).toEqual(['li', 'wang', 'zhao']);
  });
  it('a camera watching two gates covers both gates people; one open gate opens it to everyone', () => {
    expect([...allowedAt(data, ['door-b3', 'carpark'], people)!].sort()).toEqual(['guest', 'li', 'wang', 'zhao']);
    expect(allowedAt(data, ['door-b3', 'gate-main'], people)).toBeNull();
  });
});

describe('the access decision carries the group reasons', () => {
  const points: AccessPoint[] = [{ cameraId: 'cam-b3', gateId: 'door-b3', via: 'face' }];
  const opts: PolicyOptions = { cooldownS: 10, denied: new Set(), gatesInFault: new Set(), groups: data };
  const rec = (id: string, ts: Date) => ({
    via: 'face' as const,
    cameraId: 'cam-b3',
    subject: { kind: 'resident' as const, id, name: id },
    confidence: 0.8,
    label: id,
    ts,
  });
  it('not_in_group, outside_schedule, or resident', () => {
    expect(decide(rec('wang', mondayNoon), points, opts, new Map())[0]).toMatchObject({ allow: false, reason: 'not_in_group' });
    expect(decide(rec('zhao', mondayNoon), points, opts, new Map())[0]).toMatchObject({ allow: false, reason: 'outside_schedule' });
    expect(decide(rec('li', mondayNoon), points, opts, new Map())[0]).toMatchObject({ allow: true, reason: 'resident' });
  });
  it('the watchlist still wins over a group', () => {
    const d = decide(rec('li', mondayNoon), points, { ...opts, denied: new Set(['li']) }, new Map());
    expect(d[0]).toMatchObject({ allow: false, reason: 'denied' });
  });
});
