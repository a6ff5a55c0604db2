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
    expect(p.refuse('g1', 'close')).toMatch(/held open by a fire alarm/);
    expect(p.refuse('g1', 'open')).toBeUndefined();
    expect(p.onGateOnline('g1').command).toBe('hold-open');
    expect(p.onFireAlarm('post/fire', false, ['g1', 'g2']).map((c) => `${c.gateId}:${c.command}`)).toEqual(['g2:close']);
    expect(p.onFireAlarm('board/in4', false, ['g1']).map((c) => c.command)).toEqual(['close']);
    expect(p.refuse('g1', 'close')).toBeUndefined();
  });
  it('a repeated clear does nothing', () => {
    expect(new FailSafePolicy().onFireAlarm('x', false, ['g1'])).toEqual([]);
  });
});
