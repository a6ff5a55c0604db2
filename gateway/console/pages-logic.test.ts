import { describe, expect, it } from 'vitest';
// The pages' pure helpers (plain browser modules; importing them runs no DOM code).
// @ts-expect-error: a plain JS module without types
import { gateState } from './public/js/pages/dashboard.js';
// @ts-expect-error: a plain JS module without types
import { passState } from './public/js/pages/visitors.js';

describe('what the pages show', () => {
  it('a gate: not answering, held open by a fire alarm, fault, open, closed', () => {
    expect(gateState({ online: false, gate: 'open' })).toBe('offline');
    expect(gateState({ online: true, heldOpen: true, gate: 'open' })).toBe('heldOpen');
    expect(gateState({ online: true, gate: 'fault' })).toBe('fault');
    expect(gateState({ online: true, gate: 'opening' })).toBe('open');
    expect(gateState({ online: true, gate: 'closed' })).toBe('closed');
    expect(gateState({ online: true, gate: null })).toBe('unknown');
  });
  it('a visitor pass: not valid yet, valid, expired', () => {
    const now = '2026-11-24T12:00:00.000Z';
    expect(passState('2026-11-24T13:00:00.000Z', '2026-11-24T18:00:00.000Z', now)).toBe('pending');
    expect(passState(null, '2026-11-24T18:00:00.000Z', now)).toBe('valid');
    expect(passState(null, '2026-11-24T12:00:00.000Z', now)).toBe('expired');
  });
});
