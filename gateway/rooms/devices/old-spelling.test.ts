import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevicesRoom } from './room.js';
import { act as runAction, startRoom, testContext } from '../../testing/context.js';
import { until } from './testing/helpers.js';
import { PROFILES_DIR, readProfile } from '../../lib/device-profiles/profiles.js';
import type { GatewayEvents } from '../../events.js';

/**
 * A user's own profiles written before envelope version 2 (kebab-case kinds and commands) still
 * load: read in today's spelling with a warning naming the file, and they work end to end on
 * simulated devices (socat ptys): the fire input holds the gate open with `hold_open`, and a
 * `gate/command` request saying `hold-open` runs as `hold_open`.
 */
const shipped = (name: string) => readFileSync(join(PROFILES_DIR, `${name}.yaml`), 'utf8');
/** A shipped profile as a user would have copied it before the rename. */
const oldSpelling = (text: string) =>
  text
    .replace(/^kind: (io|pedestrian|alarm)_(board|gate|post)$/m, 'kind: $1-$2')
    .replace(/^ {2}hold_open:$/m, '  hold-open:')
    .replace(/kind: (door|vehicle|fire)_(contact|loop|alarm),/g, 'kind: $1-$2,');

describe('a device profile in the spelling before envelope version 2', () => {
  it('is read in the new one, with one warning naming the file, each place and the new spelling', () => {
    const board = oldSpelling(shipped('relay-board-4ch-modbus'));
    expect(board).toMatch(/kind: io-board/);
    const { profile, warnings } = readProfile(board, '/etc/sharpeyes/profiles/board.yaml');
    expect(profile.kind).toBe('io_board');
    expect(profile.inputs.fireAlarm?.kind).toBe('fire_alarm');
    expect(profile.inputs.doorContact?.kind).toBe('door_contact');
    expect(Object.keys(profile.commands)).toContain('hold_open');
    expect(Object.keys(profile.commands)).not.toContain('hold-open');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^\/etc\/sharpeyes\/profiles\/board\.yaml: /);
    for (const part of [
      'kind: "io-board" is now "io_board"',
      'inputs.fireAlarm.kind: "fire-alarm" is now "fire_alarm"',
      'commands.hold-open: "hold-open" is now "hold_open"',
    ])
      expect(warnings[0]).toContain(part);
    // The shipped files are in today's spelling: no warning, and the same profile.
    const today = readProfile(shipped('relay-board-4ch-modbus'), 'relay-board-4ch-modbus.yaml');
    expect(today.warnings).toEqual([]);
    expect(today.profile).toEqual(profile);
  });

  it('keeps both spellings of a command apart when a file has both (the old one is refused)', () => {
    const both = shipped('relay-board-4ch-modbus').replace(
      /^ {2}hold_open:$/m,
      '  hold-open:\n    writes: [{ resource: relay1, value: true }]\n  hold_open:',
    );
    expect(() => readProfile(both, 'both.yaml')).toThrow(/both\.yaml: invalid device profile[\s\S]*hold-open/);
  });

  describe('on simulated devices', () => {
    const dir = mkdtempSync(join(tmpdir(), 'se-old-spelling-'));
    writeFileSync(join(dir, 'board.yaml'), oldSpelling(shipped('relay-board-4ch-modbus')));
    writeFileSync(join(dir, 'barrier.yaml'), oldSpelling(shipped('barrier-bg300-framed')));
    const ctx = testContext(
      `
devices:
  - { id: gate-1, profile: ./barrier.yaml, simulate: true }
  - { id: board-1, profile: ./board.yaml, simulate: true, egress: [gate-1] }
`,
      { dir },
    );
    const seen: { [K in keyof GatewayEvents]?: GatewayEvents[K][] } = {};
    for (const k of ['device.online', 'gate.command', 'device.input'] as const)
      ctx.bus.on(k, (p) => {
        ((seen[k] ??= []) as unknown[]).push(p);
      });
    let stopRoom: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      stopRoom = await startRoom(ctx, new DevicesRoom(ctx));
      await until(() => (seen['device.online']?.length ?? 0) >= 2, 'both devices online', 45_000);
    });
    afterAll(async () => {
      await stopRoom?.();
      ctx.dispose();
    });

    it('warns once per file at start, naming it, and reports the kinds in the new spelling', () => {
      const warned = ctx.logs.filter((l) => typeof l.msg === 'string' && l.msg.includes('spelling before envelope version 2'));
      expect(warned.map((l) => l.device).sort()).toEqual(['board-1', 'gate-1']);
      expect(warned.find((l) => l.device === 'board-1')?.msg).toContain(join(dir, 'board.yaml'));
      expect(warned.find((l) => l.device === 'gate-1')?.msg).toContain('inputs.loopA.kind: "vehicle-loop" is now "vehicle_loop"');
      expect(Object.fromEntries((seen['device.online'] ?? []).map((o) => [o.deviceId, o.kind]))).toEqual({
        'gate-1': 'barrier',
        'board-1': 'io_board',
      });
    });

    it('a fire input holds its egress gate open with hold_open, and the input is a fire_alarm', async () => {
      const from = seen['gate.command']?.length ?? 0;
      const inputsFrom = seen['device.input']?.length ?? 0;
      await runAction(ctx, 'devices/simulate', { deviceId: 'board-1', control: 'press fireAlarm' });
      await until(
        () =>
          (seen['device.input'] ?? []).slice(inputsFrom).some((i) => i.input === 'fireAlarm' && i.kind === 'fire_alarm' && i.active) &&
          (seen['gate.command'] ?? []).slice(from).some((c) => c.deviceId === 'gate-1' && c.command === 'hold_open' && c.ok),
        'fire_alarm input active and egress hold_open',
      );
      const held = seen['gate.command']?.length ?? 0;
      await runAction(ctx, 'devices/simulate', { deviceId: 'board-1', control: 'release fireAlarm' });
      await until(
        () =>
          (seen['gate.command'] ?? [])
            .slice(held)
            .some((c) => c.deviceId === 'gate-1' && c.command === 'close' && c.origin === 'fail_safe' && c.ok),
        'close after clear',
      );
    });

    it('a gate/command request saying hold-open is accepted and run as hold_open', async () => {
      const r = await runAction(ctx, 'gate/command', { gateId: 'gate-1', command: 'hold-open' });
      expect(r).toMatchObject({ gateId: 'gate-1', command: 'hold_open', ok: true, gateState: 'open' });
      const row = ctx.db
        .prepare<{ command: string }>("SELECT command FROM gate_commands WHERE device_id = 'gate-1' ORDER BY id DESC LIMIT 1")
        .get();
      expect(row?.command).toBe('hold_open');
      await expect(runAction(ctx, 'gate/command', { gateId: 'gate-1', command: 'hold-opn' })).rejects.toThrow(/command/);
      expect(await runAction(ctx, 'gate/command', { gateId: 'gate-1', command: 'release' })).toMatchObject({ ok: true });
    });
  });
});
