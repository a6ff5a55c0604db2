import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { catalogue } from '../events.js';
import {
  currentEventName,
  currentValue,
  currentValueOf,
  PROFILE_FIELDS,
  RENAMED_EVENTS,
  RENAMED_PREFIXES,
  RENAMED_VALUES,
} from './wire-spelling.js';
import { COMMAND_NAMES, DEVICE_KINDS, INPUT_KINDS } from '../lib/device-profiles/profile-schema.js';
import { Database, readMigrations } from '../store/database.js';
import { Outbox } from '../store/outbox.js';
import { searchOutbox } from '../store/outbox-search.js';
import { parseFilter } from '../rooms/console/events-query.js';
import { createLogger } from './logger.js';
import { kindMatches } from '../../cloud-bridge/mqtt/event-format.js';
import { DeadLetters, type DeadReason } from '../../cloud-bridge/gat1400/dead-letters.js';

const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const EVENT_NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)*(\.[a-z][a-z0-9]*(_[a-z0-9]+)*)+$/;

/** Every string an event's payload may hold as an enum or constant, by event name. */
function enumValues(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, spec] of Object.entries(catalogue)) {
    const found: string[] = [];
    JSON.stringify(z.toJSONSchema(spec.schema, { io: 'output', unrepresentable: 'any' }), (key, value: unknown) => {
      if (key === 'enum' && Array.isArray(value)) found.push(...value.filter((v): v is string => typeof v === 'string'));
      if (key === 'const' && typeof value === 'string') found.push(value);
      return value;
    });
    out.set(name, found);
  }
  return out;
}

describe('one spelling on the wire', () => {
  it('names every event dotted lowercase with snake_case segments, and every enum value in snake_case', () => {
    expect(Object.keys(catalogue).filter((n) => !EVENT_NAME.test(n))).toEqual([]);
    const bad = [...enumValues()].flatMap(([name, values]) => values.filter((v) => !SNAKE.test(v)).map((v) => `${name}: ${v}`));
    expect(bad).toEqual([]);
  });

  it('renames each old spelling to a name or value the catalogue has today, and no current one', () => {
    const names = new Set(Object.keys(catalogue));
    for (const [old, now] of Object.entries(RENAMED_EVENTS)) {
      expect(names.has(now), now).toBe(true);
      expect(names.has(old), old).toBe(false);
    }
    // Each value in the JSON Schema of the event its field names: the new one (an enum value, or
    // in the description of a free-text field), the old one nowhere.
    const schemaText = (field: string) => {
      const kind = field.split(' ')[0]!;
      expect(names.has(kind), field).toBe(true);
      return JSON.stringify(z.toJSONSchema(catalogue[kind as keyof typeof catalogue].schema, { io: 'output', unrepresentable: 'any' }));
    };
    const inEvents = [...Object.entries(RENAMED_VALUES), ...Object.entries(RENAMED_PREFIXES)].filter(
      ([, { field }]) => !field.includes('/'),
    );
    expect(inEvents.length).toBeGreaterThan(10);
    for (const [old, { now, field }] of inEvents) {
      expect(schemaText(field), `${field}: ${now}`).toMatch(new RegExp(`\\b${now}`));
      expect(schemaText(field), `${field}: ${old}`).not.toMatch(new RegExp(`\\b${old}`));
    }
    expect(currentEventName('camera.clock-skew')).toBe('camera.clock_skew');
    expect(currentEventName('camera.offline')).toBe('camera.offline');
    expect(currentValue('unauthorised')).toBe('unauthorized');
    expect(currentValue('toString')).toBe('toString');
    expect(currentValue('exception-2')).toBe('exception_2');
    expect(currentValue('exception-x')).toBe('exception-x');
  });

  it("renames a device profile's names in their own field only, each to a name the profile format has today", () => {
    const today: Record<string, readonly string[]> = {
      [PROFILE_FIELDS.deviceKind]: DEVICE_KINDS,
      [PROFILE_FIELDS.inputKind]: INPUT_KINDS,
      [PROFILE_FIELDS.command]: COMMAND_NAMES,
    };
    const renamed = Object.entries(RENAMED_VALUES).filter(([, { field }]) => field in today);
    expect(renamed.map(([old]) => old).sort()).toEqual(
      [
        'alarm-post',
        'door-contact',
        'fire-alarm',
        'hold-open',
        'io-board',
        'light-off',
        'light-on',
        'pedestrian-gate',
        'siren-off',
        'siren-on',
        'vehicle-loop',
      ].sort(),
    );
    for (const [old, { now, field }] of renamed) {
      expect(today[field], now).toContain(now);
      expect(today[field], old).not.toContain(old);
      expect(currentValueOf(field, old)).toBe(now);
    }
    // Only in its own field: a device kind is not renamed where a command is read, nor a camera's reason.
    expect(currentValueOf(PROFILE_FIELDS.command, 'alarm-post')).toBe('alarm-post');
    expect(currentValueOf(PROFILE_FIELDS.deviceKind, 'not-found')).toBe('not-found');
    expect(currentValueOf(PROFILE_FIELDS.command, 'hold-open')).toBe('hold_open');
    expect(currentValueOf(PROFILE_FIELDS.command, 'siren-on')).toBe('siren_on');
    expect(currentValueOf(PROFILE_FIELDS.command, 'open')).toBe('open');
  });

  it('accepts an old event name in the console filter and `sharpeyes events --kind`', () => {
    expect(parseFilter(new URLSearchParams('kind=alarm.fire-fault')).kind).toBe('alarm.fire_fault');
    expect(kindMatches('alarm.fire_fault', 'alarm.fire-fault')).toBe(true);
    expect(kindMatches('alarm.fire_fault', 'alarm')).toBe(true);
    expect(kindMatches('alarm.raised', 'alarm.fire-fault')).toBe(false);
  });
});

describe('rows stored before envelope version 2', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'wire-spelling-'));
    dirs.push(d);
    return d;
  };

  it('are rewritten by store migrations 014 and 016: outbox kinds and values, gate commands, device inputs, access decisions, camera status', () => {
    const path = join(tmp(), 'gateway.db');
    const before = new Database(path, { migrations: readMigrations().filter((m) => m.version <= 13) });
    const put = before.prepare('INSERT INTO outbox(id, kind, ts, priority, data, bytes) VALUES (?, ?, ?, 1, ?, ?)');
    const rows: Array<[string, string, unknown]> = [
      ['01A', 'camera.clock-skew', { cameraId: 'c1', skewS: 120 }],
      ['01B', 'camera.offline', { cameraId: 'c1', reason: 'unauthorised', message: 'the camera refused the credentials (401)' }],
      ['01C', 'access.decision', { gateId: 'g1', allow: false, reason: 'visitor-expired', confidence: 0.25 }],
      ['01D', 'alarm.fire-fault', { deviceId: 'post-1', fault: 'unread' }],
      ['01E', 'device.offline', { deviceId: 'gate-fault', model: 'x', reason: 'not-found' }],
      ['01G', 'gate.command', { deviceId: 'g1', command: 'hold-open', origin: 'fail-safe', ok: false, error: 'exception-4', attempts: 1 }],
      ['01H', 'gate.command', { deviceId: 'g1', command: 'close', origin: 'console', ok: false, error: 'write-failed', attempts: 3 }],
      ['01J', 'device.online', { deviceId: 'post-1', model: 'alarm-post-sos200', kind: 'alarm-post', simulated: false }],
      ['01K', 'device.input', { deviceId: 'board-1', input: 'fire-alarm', kind: 'fire-alarm', active: true, ts: 'x' }],
      ['01M', 'gate.command', { deviceId: 'post-1', command: 'siren-off', origin: 'alarms', ok: true, attempts: 1 }],
      ['01L', 'gate.mismatch', { deviceId: 'g1', expected: 'open', actual: 'closed', action: 'hold-open', ts: 'x' }],
    ];
    const bytesOf = new Map<string, number>();
    for (const [id, kind, data] of rows) {
      const json = JSON.stringify(data);
      bytesOf.set(id, json.length + kind.length + 64);
      put.run(id, kind, '2026-12-01T00:00:00.000Z', json, json.length + kind.length + 64);
    }
    before
      .prepare(
        `INSERT INTO access_decisions(id, ts, gate_id, camera_id, via, allow, reason, subject_kind, subject_id, label, confidence)
         VALUES ('01C', '2026-12-01T00:00:00.000Z', 'g1', 'c1', 'face', 0, 'visitor-expired', 'visitor', 'v1', 'v1', 0.25)`,
      )
      .run();
    before
      .prepare(`INSERT INTO camera_status(camera_id, state, reason, message, since) VALUES ('c1', 'offline', 'not-found', '404', 'x')`)
      .run();
    before
      .prepare(
        `INSERT INTO gate_commands(ts, device_id, command, origin, ok, error, attempts, ms)
         VALUES ('2026-12-01T00:00:00.000Z', 'g1', 'hold-open', 'fail-safe', 0, 'exception-4', 1, 5)`,
      )
      .run();
    before
      .prepare(`INSERT INTO device_inputs(ts, device_id, input, kind, active) VALUES ('x', 'board-1', 'loop-a', 'vehicle-loop', 1)`)
      .run();
    before.close();

    const db = new Database(path);
    try {
      expect(db.schemaVersion).toBe(Math.max(...readMigrations().map((m) => m.version)));
      const outbox = new Outbox({ db, log: createLogger({ level: 'silent' }), quotaBytes: 1e9 });
      const byId = new Map(outbox.recent(20).map((r) => [r.id, r]));
      expect(byId.get('01A')).toMatchObject({ kind: 'camera.clock_skew', data: { cameraId: 'c1', skewS: 120 } });
      expect(byId.get('01B')).toMatchObject({ kind: 'camera.offline', data: { reason: 'unauthorized' } });
      expect(byId.get('01C')?.data).toEqual({ gateId: 'g1', allow: false, reason: 'visitor_expired', confidence: 0.25 });
      expect(byId.get('01D')?.kind).toBe('alarm.fire_fault');
      // Only the renamed enum fields change: a device id or a free-text reason stays as written.
      expect(byId.get('01E')?.data).toEqual({ deviceId: 'gate-fault', model: 'x', reason: 'not-found' });
      expect(byId.get('01G')?.data).toEqual({
        deviceId: 'g1',
        command: 'hold_open',
        origin: 'fail_safe',
        ok: false,
        error: 'exception_4',
        attempts: 1,
      });
      expect(byId.get('01H')?.data).toMatchObject({ origin: 'console', error: 'write_failed' });
      // A profile's names in their fields only: a model or an input named like an old kind stays.
      expect(byId.get('01J')?.data).toEqual({ deviceId: 'post-1', model: 'alarm-post-sos200', kind: 'alarm_post', simulated: false });
      expect(byId.get('01K')?.data).toEqual({ deviceId: 'board-1', input: 'fire-alarm', kind: 'fire_alarm', active: true, ts: 'x' });
      expect(byId.get('01M')?.data).toMatchObject({ command: 'siren_off', origin: 'alarms' });
      expect(byId.get('01L')?.data).toEqual({ deviceId: 'g1', expected: 'open', actual: 'closed', action: 'hold_open', ts: 'x' });
      expect(db.prepare<{ kind: string }>('SELECT kind FROM device_inputs').get()?.kind).toBe('vehicle_loop');
      expect(
        db.prepare<{ command: string; origin: string; error: string }>('SELECT command, origin, error FROM gate_commands').get(),
      ).toEqual({
        command: 'hold_open',
        origin: 'fail_safe',
        error: 'exception_4',
      });
      const sizes = db
        .prepare<{ id: string; bytes: number; n: number }>('SELECT id, bytes, length(data) + length(kind) + 64 AS n FROM outbox')
        .all();
      for (const s of sizes) expect([s.id, s.n]).toEqual([s.id, bytesOf.get(s.id)]);
      // Found by the console's filter in either spelling.
      expect(searchOutbox(db, parseFilter(new URLSearchParams('kind=camera.clock-skew'))).map((r) => r.id)).toEqual(['01A']);
      expect(searchOutbox(db, parseFilter(new URLSearchParams('kind=camera.clock_skew'))).map((r) => r.id)).toEqual(['01A']);
      expect(db.prepare<{ reason: string }>("SELECT reason FROM access_decisions WHERE id = '01C'").get()?.reason).toBe('visitor_expired');
      expect(db.prepare<{ reason: string }>("SELECT reason FROM camera_status WHERE camera_id = 'c1'").get()?.reason).toBe('not_found');
    } finally {
      db.close();
    }
  });

  it('GA/T 1400 dead letters set aside as invalid-event read as invalid_event', () => {
    const letters = new DeadLetters(join(tmp(), 'dead.db'), { keepDays: 7, maxLetters: 100 });
    try {
      const row = { rowid: 1, id: '01F', kind: 'face.unknown', ts: '2026-12-01T00:00:00.000Z', json: '{}' };
      // What a gateway before envelope version 2 wrote.
      letters.add(row, {
        recordId: null,
        reason: 'invalid-event' as DeadReason,
        httpStatus: null,
        statusCode: null,
        message: 'no face',
        attempts: 0,
      });
      expect(letters.list(10)).toMatchObject([{ eventId: '01F', reason: 'invalid_event' }]);
    } finally {
      letters.close();
    }
  });
});
