import { describe, expect, it } from 'vitest';
// The pages' pure helpers (plain browser modules; importing them runs no DOM code).
// @ts-expect-error: a plain JS module without types
import { gateState } from './public/js/pages/dashboard.js';
// @ts-expect-error: a plain JS module without types
import { passState } from './public/js/pages/visitors.js';
// @ts-expect-error: a plain JS module without types
import { formatDateTime } from './public/js/format.js';
// @ts-expect-error: a plain JS module without types
import { deviceLabel } from './public/js/device-names.js';

describe('what the pages show', () => {
  it('a gate: not answering, held open by a fire alarm, fault, open, closed', () => {
    expect(gateState({ online: false, gate: 'open' })).toBe('offline');
    expect(gateState({ online: true, heldOpen: true, gate: 'open' })).toBe('heldOpen');
    expect(gateState({ online: true, gate: 'fault' })).toBe('fault');
    expect(gateState({ online: true, gate: 'opening' })).toBe('open');
    expect(gateState({ online: true, gate: 'closed' })).toBe('closed');
    expect(gateState({ online: true, gate: null })).toBe('unknown');
    // A turnstile letting one person through shows open; a relay the gateway only switches cannot tell.
    expect(gateState({ online: true, gate: 'open-entry', position: 'open' })).toBe('open');
    expect(gateState({ online: true, gate: 'open', position: 'not_reported' })).toBe('not_reported');
  });
  it('a visitor pass: not valid yet, valid, expired', () => {
    const now = '2026-11-24T12:00:00.000Z';
    expect(passState('2026-11-24T13:00:00.000Z', '2026-11-24T18:00:00.000Z', now)).toBe('pending');
    expect(passState(null, '2026-11-24T18:00:00.000Z', now)).toBe('valid');
    expect(passState(null, '2026-11-24T12:00:00.000Z', now)).toBe('expired');
  });
  it('a time in the account locale: zh 2026-12-07 14:36:46, en 7 Dec 2026, 14:36:46, both 24-hour', () => {
    const at = '2026-12-07T06:36:46.120Z';
    expect(formatDateTime(at, 'zh', 'Asia/Shanghai')).toBe('2026-12-07 14:36:46');
    expect(formatDateTime(at, 'en', 'Asia/Shanghai')).toBe('7 Dec 2026, 14:36:46');
    expect(formatDateTime('2026-01-02T16:05:09Z', 'zh', 'UTC')).toBe('2026-01-02 16:05:09');
    expect(formatDateTime(Date.parse('2026-01-02T00:00:00Z'), 'zh', 'UTC')).toBe('2026-01-02 00:00:00');
    expect(formatDateTime(null, 'zh')).toBe('');
    expect(formatDateTime('not a time', 'en')).toBe('not a time');
  });
  it("a device's name: the config's, else the profile's display name in the locale (simulated marked), else the id", () => {
    const tr = (key: string, vars: { name: string }) => (key === 'device.simulated' ? `${vars.name}（模拟）` : key);
    const turnstile = { id: 'door-1', displayName: { zh: '三辊闸 TS100', en: 'TS100 tripod turnstile' }, simulated: true };
    expect(deviceLabel(turnstile, 'zh', tr)).toBe('三辊闸 TS100（模拟）');
    expect(deviceLabel({ ...turnstile, simulated: false }, 'en', tr)).toBe('TS100 tripod turnstile');
    expect(deviceLabel({ ...turnstile, name: '东门闸机' }, 'en', tr)).toBe('东门闸机');
    expect(deviceLabel({ id: 'io-3' }, 'zh', tr)).toBe('io-3');
  });
});
