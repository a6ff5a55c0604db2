import { describe, expect, it } from 'vitest';
import { EventBus } from '../../core/bus.js';
import { createLogger } from '../../core/logger.js';
import type { Decision } from '../access/policy.js';
import { Narrator } from './narrator.js';

const decision = (over: Partial<Decision> = {}) => ({
  gateId: 'door-1',
  cameraId: 'demo-door',
  via: 'face' as const,
  allow: true,
  reason: 'resident' as const,
  subjectKind: 'resident' as const,
  subjectId: 'r1',
  label: 'Jesper',
  confidence: 0.6,
  ts: new Date().toISOString(),
  snapshotId: null,
  ...over,
});

describe('narrator', () => {
  it('says a refusal at once and an opening when the gate acknowledged it, holding lines until the banner is out', async () => {
    const bus = new EventBus({ log: createLogger({ level: 'silent' }) });
    const lines: string[] = [];
    const n = new Narrator({ bus, lang: 'en', write: (l) => lines.push(l), gateWaitMs: 50 });
    bus.deliver('access.decision', decision({}), { id: 'd1', ts: new Date().toISOString() });
    bus.deliver(
      'access.decision',
      decision({ allow: false, reason: 'unknown', subjectKind: 'unknown', subjectId: null, label: 'stranger#2' }),
      { id: 'd2', ts: new Date().toISOString() },
    );
    expect(lines).toEqual([]);
    n.open();
    expect(lines).toEqual(['face → door-1: stranger, refused']);
    bus.deliver(
      'gate.command',
      {
        ...{ deviceId: 'door-1', command: 'open', origin: 'platform', ok: true, attempts: 1, ms: 3, requestId: 'd1' },
        ts: new Date().toISOString(),
      },
      { id: 'g', ts: new Date().toISOString() },
    );
    expect(lines).toHaveLength(1); // another origin: not this decision's answer
    bus.deliver(
      'gate.command',
      {
        ...{ deviceId: 'door-1', command: 'open', origin: 'access', ok: true, attempts: 1, ms: 3, requestId: 'd1' },
        ts: new Date().toISOString(),
      },
      { id: 'g', ts: new Date().toISOString() },
    );
    expect(lines.at(-1)).toBe('face → door-1: resident Jesper, opened');
    bus.deliver('access.decision', decision({}), { id: 'd3', ts: new Date().toISOString() });
    await new Promise((r) => setTimeout(r, 120));
    expect(lines.at(-1)).toBe('face → door-1: resident Jesper, gate did not open (no answer)');
    n.close();
    bus.deliver('access.decision', decision({ allow: false, reason: 'unknown', subjectKind: 'unknown' }), {
      id: 'd4',
      ts: new Date().toISOString(),
    });
    expect(lines).toHaveLength(3);
  });
});
