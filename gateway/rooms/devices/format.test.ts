import { describe, expect, it } from 'vitest';
import { formatDeviceTable, gateRequest } from './format.js';

describe('CLI formatting', () => {
  it('lists devices with state, gate, active inputs and counters', () => {
    const text = formatDeviceTable([
      {
        id: 'gate-1',
        model: 'barrier-bg300-framed',
        simulated: true,
        online: true,
        gate: 'closed',
        inputs: { loopA: true, loopB: false },
        faults: { checksum: 2, noise: 1 },
        commands: { sent: 4, failed: 1 },
      },
      { id: 'alarm-1', model: 'alarm-post-sos200', online: false, lastReason: 'disconnected' },
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^DEVICE\s+MODEL\s+STATE/);
    expect(lines[1]).toMatch(/^gate-1\s+barrier-bg300-framed \(sim\)\s+online\s+closed\s+loopA\s+3\s+4\/1$/);
    expect(lines[2]).toMatch(/^alarm-1\s+alarm-post-sos200\s+offline \(disconnected\)\s+-\s+-\s+0\s+-$/);
  });
  it('maps gate verbs to actions', () => {
    expect(gateRequest(['open', 'north'])).toEqual({ action: 'gate/open', input: { gateId: 'north' } });
    expect(gateRequest(['pulse', 'north', '1500'])).toEqual({
      action: 'gate/command',
      input: { gateId: 'north', command: 'pulse', arg: 1500 },
    });
    expect(gateRequest(['hold_open', 'north'])).toEqual({ action: 'gate/command', input: { gateId: 'north', command: 'hold_open' } });
    // The spelling before envelope version 2 is still understood, and sent in the new one.
    expect(gateRequest(['hold-open', 'north'])).toEqual({ action: 'gate/command', input: { gateId: 'north', command: 'hold_open' } });
    expect(() => gateRequest(['lift', 'north'])).toThrow(/expected one of/);
    expect(() => gateRequest(['open'])).toThrow(/gate id/);
    expect(() => gateRequest(['close', 'north', '5'])).toThrow(/too many/);
  });
});
