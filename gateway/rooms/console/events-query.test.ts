import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testContext, type TestContext } from '../../testing/context.js';
import { parseFilter } from './events-query.js';
import { searchOutbox } from '../../store/outbox-search.js';

describe('events page search (over the outbox, in SQLite)', () => {
  let ctx: TestContext;
  const q = (params: Record<string, string>) => searchOutbox(ctx.db, parseFilter(new URLSearchParams(params))).map((e) => e.kind);
  beforeAll(() => {
    ctx = testContext();
    const rows: Array<[string, unknown, string]> = [
      ['face.recognized', { cameraId: 'door', residentId: 'r-7', name: '王芳', snapshotId: 's1' }, '2026-11-24T08:00:00.000Z'],
      ['plate.recognized', { cameraId: 'lane', plate: '粤B·D12345', vehicle: { plate: '粤BD12345' } }, '2026-11-24T09:00:00.000Z'],
      [
        'access.decision',
        { gateId: 'gate-1', via: 'plate', label: '粤BD12345', subjectId: 'r-7', allow: true },
        '2026-11-24T09:00:01.000Z',
      ],
      ['gate.command', { deviceId: 'gate-1', command: 'open', ok: true }, '2026-11-24T09:00:02.000Z'],
      ['alarm.raised', { deviceId: 'alarm-1', input: 'button' }, '2026-11-24T10:00:00.000Z'],
      ['alarm.snapshot', { deviceId: 'alarm-1', cameraId: 'door', snapshotId: 's2' }, '2026-11-24T10:00:01.000Z'],
    ];
    ctx.db.transaction(() => {
      for (const [kind, data, ts] of rows) ctx.outbox.append(kind, data, { ts: new Date(ts) });
    });
  });
  afterAll(() => ctx?.dispose());

  it('filters by kind (exact, or a family such as "alarm"), newest first', () => {
    expect(q({ kind: 'face.recognized' })).toEqual(['face.recognized']);
    expect(q({ kind: 'alarm' })).toEqual(['alarm.snapshot', 'alarm.raised']);
    expect(q({})).toHaveLength(6);
  });
  it('filters by gate, person (id or name, in part) and plate (with or without the dot, in part)', () => {
    expect(q({ gate: 'gate-1' })).toEqual(['gate.command', 'access.decision']);
    expect(q({ person: '王' })).toEqual(['face.recognized']);
    expect(q({ person: 'r-7' })).toEqual(['access.decision', 'face.recognized']);
    expect(q({ plate: 'bd123' })).toEqual(['access.decision', 'plate.recognized']);
    expect(q({ plate: '粤B·D12345' })).toEqual(['access.decision', 'plate.recognized']);
  });
  it('filters by time and pages with before', () => {
    expect(q({ from: '2026-11-24T09:00:00Z', to: '2026-11-24T09:30:00Z' })).toEqual([
      'gate.command',
      'access.decision',
      'plate.recognized',
    ]);
    const all = searchOutbox(ctx.db, parseFilter(new URLSearchParams({ limit: '2' })));
    expect(all.map((e) => e.kind)).toEqual(['alarm.snapshot', 'alarm.raised']);
    const next = searchOutbox(ctx.db, parseFilter(new URLSearchParams({ limit: '2', before: String(all[1]!.rowid) })));
    expect(next.map((e) => e.kind)).toEqual(['gate.command', 'access.decision']);
  });
  it('ignores malformed filters instead of failing, and caps the page size', () => {
    expect(parseFilter(new URLSearchParams({ from: 'yesterday', limit: '99999', before: '-3' }))).toEqual({ limit: 500 });
    expect(q({ person: "'; DROP TABLE outbox; --" })).toEqual([]);
    expect(q({})).toHaveLength(6);
  });
});
