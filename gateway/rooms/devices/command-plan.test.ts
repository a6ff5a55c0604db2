import { describe, expect, it } from 'vitest';
import { planCommand, CommandError } from './command-plan.js';
import { loadProfileFile, PROFILES_DIR } from '../../lib/device-profiles/profiles.js';

const barrier = loadProfileFile(`${PROFILES_DIR}/barrier-bg300-framed.yaml`);
const board = loadProfileFile(`${PROFILES_DIR}/relay-board-4ch-modbus.yaml`);

describe('planCommand (shared layer: mappings, scaling, bounds)', () => {
  it('maps labels to raw values for a framed command and its ack', () => {
    expect(planCommand(barrier, 'open')).toMatchObject({
      send: { message: 'control', raw: { action: 1 } },
      expect: { message: 'ack', raw: { result: 0 } },
      timeoutMs: 300,
      retries: 2,
    });
  });
  it('scales a param into wire units (openTime: 100 ms per count)', () => {
    expect(planCommand(barrier, 'pulse', 7000).send).toEqual({ message: 'timed-open', raw: { openTime: 70 } });
    expect(planCommand(barrier, 'pulse').send?.raw.openTime).toBe(50);
  });
  it('refuses a param out of bounds and an unknown command', () => {
    expect(() => planCommand(barrier, 'pulse', 100)).toThrow(/outside 1000..60000 ms/);
    expect(() => planCommand(barrier, 'siren_on')).toThrow(CommandError);
    expect(() => planCommand(barrier, 'open', 5)).toThrow(/takes no argument/);
  });
  it('plans a relay pulse as a write with a hold time', () => {
    expect(planCommand(board, 'pulse', 1500).writes).toEqual([{ resource: 'relay1', raw: 1, holdMs: 1500, releaseRaw: 0 }]);
    expect(planCommand(board, 'hold_open').writes).toEqual([{ resource: 'relay1', raw: 1 }]);
  });
});
