import { describe, expect, it } from 'vitest';
import { FailSafePolicy } from './failsafe.js';

describe('FailSafePolicy', () => {
  it('closes a gate that comes back online', () => {
    expect(new FailSafePolicy().onGateOnline('g1')).toMatchObject({ command: 'close' });
  });

  it('a fire alarm holds its egress gates open until every source clears', () => {
    const p = new FailSafePolicy();
    expect(p.onFireAlarm('post/fire', true, ['g1', 'g2']).map((c) => `${c.gateId}:${c.command}`)).toEqual(['g1:hold-open', 'g2:hold-open']);
    expect(p.onFireAlarm('board/in4', true, ['g1'])).toEqual([]);
    expect(p.heldGates()).toEqual(['g1', 'g2']);
    expect(p.onGateOnline('g1').command).toBe('hold-open');
    expect(p.onFireAlarm('post/fire', false, ['g1', 'g2']).map((c) => `${c.gateId}:${c.command}`)).toEqual(['g2:close']);
    expect(p.onFireAlarm('board/in4', false, ['g1']).map((c) => c.command)).toEqual(['close']);
    expect(p.heldGates()).toEqual([]);
  });

  it('while held, no command may leave the gate closed: close and release refused, open and pulse not sent', () => {
    const p = new FailSafePolicy();
    p.onFireAlarm('board/in4', true, ['g1']);
    expect(p.verdict('g1', 'close')).toMatchObject({ send: false, ok: false, refused: expect.stringMatching(/held open by a fire alarm/) });
    expect(p.verdict('g1', 'release')).toMatchObject({ send: false, ok: false });
    // An open or a pulse would start the controller's (or a timer's) auto-close: answered, not sent.
    expect(p.verdict('g1', 'open')).toMatchObject({ send: false, ok: true, note: expect.stringMatching(/already open/) });
    expect(p.verdict('g1', 'pulse')).toMatchObject({ send: false, ok: true });
    expect(p.verdict('g1', 'hold-open')).toEqual({ send: true });
    // Commands that do not move the gate (siren, strobe, status) go through; a profile command
    // that moves it is guarded like open.
    expect(p.verdict('g1', 'light-on')).toEqual({ send: true });
    expect(p.verdict('g1', 'status', true)).toMatchObject({ send: false, ok: false });
    // Another gate is not held.
    expect(p.verdict('g2', 'close')).toEqual({ send: true });
  });

  it('a position other than open while held is a mismatch to correct', () => {
    const p = new FailSafePolicy();
    expect(p.onGateState('g1', 'closed')).toBeUndefined();
    p.onFireAlarm('f', true, ['g1']);
    expect(p.onGateState('g1', 'open')).toBeUndefined();
    expect(p.onGateState('g1', 'opening')).toBeUndefined();
    expect(p.onGateState('g1', 'closing')).toMatchObject({ command: 'hold-open', reason: expect.stringMatching(/"closing"/) });
    expect(p.onGateState('g1', 'fault')).toMatchObject({ command: 'hold-open' });
  });

  it('a repeated clear does nothing', () => {
    expect(new FailSafePolicy().onFireAlarm('x', false, ['g1'])).toEqual([]);
  });
});
