import { describe, expect, it } from 'vitest';
import { passOf, passState, RESIDENT_PASS } from './pass.js';

const now = new Date('2026-11-24T08:00:00Z');

describe('a person enrolled by face: resident or visitor with a pass', () => {
  it('is a resident by default, and a resident has no window or host', () => {
    expect(passOf({}, { isNew: true, now })).toEqual(RESIDENT_PASS);
    expect(() => passOf({ validUntil: '2026-11-24T18:00:00+08:00' }, { isNew: true, now })).toThrow(
      /validUntil: only visitors have a pass window/,
    );
  });

  it('stores a visitor window in UTC, whatever zone it was given in', () => {
    expect(
      passOf(
        { kind: 'visitor', validFrom: '2026-11-24T15:00:00+08:00', validUntil: '2026-11-24T18:00:00+08:00', hostId: 'r-203' },
        { isNew: true, now },
      ),
    ).toEqual({ kind: 'visitor', validFrom: '2026-11-24T07:00:00.000Z', validUntil: '2026-11-24T10:00:00.000Z', hostId: 'r-203' });
  });

  it('refuses a visitor without an end, without a host, with the window backwards, or already over when new', () => {
    expect(() => passOf({ kind: 'visitor', hostId: 'h' }, { isNew: true, now })).toThrow(/needs validUntil/);
    expect(() => passOf({ kind: 'visitor', validUntil: '2026-11-25T00:00:00Z' }, { isNew: true, now })).toThrow(/needs hostId/);
    expect(() =>
      passOf({ kind: 'visitor', validFrom: '2026-11-25T00:00:00Z', validUntil: '2026-11-24T09:00:00Z', hostId: 'h' }, { isNew: true, now }),
    ).toThrow(/validFrom must be before validUntil/);
    expect(() => passOf({ kind: 'visitor', validUntil: '2026-11-24T07:00:00Z', hostId: 'h' }, { isNew: true, now })).toThrow(
      /pass already ended/,
    );
    // An existing visitor's pass may be ended early (the host revokes it).
    expect(passOf({ kind: 'visitor', validUntil: '2026-11-24T07:00:00Z', hostId: 'h' }, { isNew: false, now }).validUntil).toBe(
      '2026-11-24T07:00:00.000Z',
    );
  });

  it('is valid in the half-open window [validFrom, validUntil)', () => {
    const p = passOf(
      { kind: 'visitor', validFrom: '2026-11-24T09:00:00Z', validUntil: '2026-11-24T10:00:00Z', hostId: 'h' },
      { isNew: true, now },
    );
    expect(passState(p, new Date('2026-11-24T08:59:59.999Z'))).toBe('not_yet_valid');
    expect(passState(p, new Date('2026-11-24T09:00:00Z'))).toBe('valid');
    expect(passState(p, new Date('2026-11-24T09:59:59.999Z'))).toBe('valid');
    expect(passState(p, new Date('2026-11-24T10:00:00Z'))).toBe('expired');
    expect(passState(RESIDENT_PASS, now)).toBe('resident');
  });
});
