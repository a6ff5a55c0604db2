import { describe, expect, it } from 'vitest';
import { FailSafePolicy, parseFireState } from './failsafe.js';

describe('FailSafePolicy', () => {
  it('closes a gate that comes back online', () => {
    expect(new FailSafePolicy().onGateOnline('g1')).toMatchObject({ command: 'close' });
  });

  it('a fire alarm holds its egress gates open until every source clears', () => {
    const p = new FailSafePolicy();
    expect(p.onFireAlarm('post/fire', true, ['g1', 'g2']).map((c) => `${c.gateId}:${c.command}`)).toEqual(['g1:hold_open', 'g2:hold_open']);
    expect(p.onFireAlarm('board/in4', true, ['g1'])).toEqual([]);
    expect(p.heldGates()).toEqual(['g1', 'g2']);
    expect(p.onGateOnline('g1').command).toBe('hold_open');
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
    expect(p.verdict('g1', 'hold_open')).toEqual({ send: true });
    // Commands that do not move the gate (siren, strobe, status) go through; a profile command
    // that moves it is guarded like open.
    expect(p.verdict('g1', 'light_on')).toEqual({ send: true });
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
    expect(p.onGateState('g1', 'closing')).toMatchObject({ command: 'hold_open', reason: expect.stringMatching(/"closing"/) });
    expect(p.onGateState('g1', 'fault')).toMatchObject({ command: 'hold_open' });
  });

  it('a repeated clear does nothing', () => {
    expect(new FailSafePolicy().onFireAlarm('x', false, ['g1'])).toEqual([]);
  });
});

describe('FailSafePolicy: fire inputs not read, offline, and restored', () => {
  const sources = [
    { source: 'board/fire', egress: ['g1', 'g2'], unknownHolds: true },
    { source: 'turn/fire', egress: ['t1'], unknownHolds: false },
  ];

  it('an unread fire input holds its gates (when its device says so): a gate that connects first is held open, never closed', () => {
    const p = new FailSafePolicy(sources);
    expect(p.heldGates().sort()).toEqual(['g1', 'g2']);
    expect(p.onGateOnline('g1')).toMatchObject({ command: 'hold_open', reason: expect.stringMatching(/board\/fire: unread/) });
    expect(p.verdict('g1', 'close')).toMatchObject({ send: false, ok: false });
    expect(p.mayRun('g1', 'close')).toBe(false);
    // fireUnknown: ignore — the turnstile is not held while its input is unread.
    expect(p.onGateOnline('t1').command).toBe('close');
    expect(p.faults().map((f) => [f.source, f.reason, f.holds])).toEqual([
      ['board/fire', 'unread', true],
      ['turn/fire', 'unread', false],
    ]);
  });

  it('only the input reading clear ends the hold; an offline input is unknown again and holds again', () => {
    const p = new FailSafePolicy(sources);
    expect(p.onFireAlarm('board/fire', false).map((c) => `${c.gateId}:${c.command}`)).toEqual(['g1:close', 'g2:close']);
    expect(p.faults().map((f) => f.source)).toEqual(['turn/fire']);
    expect(p.onFireOffline('board/fire').map((c) => `${c.gateId}:${c.command}`)).toEqual(['g1:hold_open', 'g2:hold_open']);
    expect(p.faults()[0]).toMatchObject({ source: 'board/fire', reason: 'offline' });
    expect(p.onFireAlarm('board/fire', false).map((c) => c.command)).toEqual(['close', 'close']);
  });

  it('an active input that goes offline stays active; a restored one is active until read clear, whatever unknownHolds says', () => {
    const p = new FailSafePolicy(sources, ['turn/fire', 'gone/fire']);
    expect(p.isHeldOpen('t1')).toBe(true);
    expect(p.persisted().sort()).toEqual(['turn/fire']);
    expect(p.onFireOffline('turn/fire')).toEqual([]);
    expect(p.isHeldOpen('t1')).toBe(true);
    expect(p.onFireAlarm('turn/fire', false).map((c) => `${c.gateId}:${c.command}`)).toEqual(['t1:close']);
    expect(p.persisted()).toEqual([]);
  });

  it('a gate held by two inputs is released only when both read clear', () => {
    const p = new FailSafePolicy([
      { source: 'a/fire', egress: ['g1'], unknownHolds: true },
      { source: 'b/fire', egress: ['g1'], unknownHolds: true },
    ]);
    expect(p.onFireAlarm('a/fire', false)).toEqual([]);
    expect(p.isHeldOpen('g1')).toBe(true);
    expect(p.holdersOf('g1')).toEqual(['b/fire: unread']);
    expect(p.onFireAlarm('b/fire', false).map((c) => c.command)).toEqual(['close']);
  });
});

describe('parseFireState', () => {
  it('reads what FireStateFile writes and refuses anything else', () => {
    expect(parseFireState('{"active":["board/fire"],"savedAt":"2026-12-07T00:00:00Z"}')).toEqual({ active: ['board/fire'] });
    expect(parseFireState('{"active":[1]}')).toBeUndefined();
    expect(parseFireState('{"act')).toBeUndefined();
    expect(parseFireState('null')).toBeUndefined();
  });
});
