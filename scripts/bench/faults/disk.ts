import { join } from 'node:path';
import { loopFs, loopFsAvailable } from '../../../gateway/testing/loop-fs.ts';
import { loadProfileFile, PROFILES_DIR } from '../../../gateway/lib/device-profiles/profiles.ts';
import { valueToRaw } from '../../../gateway/rooms/devices/resources.ts';
import { log, sleep, waitFor } from './common.ts';
import { startRig, type Rig } from './rig.ts';

/**
 * The real daemon with its data folder on a real file system (ext4 on a loop device,
 * gateway/testing/loop-fs.ts: fsync costs what it costs on a disk, unlike a tmpfs) that is then
 * filled to the last block: the store refuses writes (degraded mode). Checked, each a safety failure when it does not hold:
 *  - fire contacts (relay board, turnstile) → every egress gate open, on the simulators' side;
 *  - an alarm post press → its strobe on at once;
 *  - once space returns, alarm.raised reaches the platform (and the store says it recovered).
 * Needs root to mount the image; elsewhere the result says it was skipped. The checks count only
 * when the store did refuse writes (`disk_full_store_refused_writes`): otherwise they tested a
 * working store, `disk_full_safety_failures` is null, and the run fails (faults.ts).
 */
export interface DiskResult {
  disk_full_safety_failures: number | null;
  disk_full_checks: Record<string, boolean>;
  disk_full_store_refused_writes: boolean;
  disk_full_alarm_delivered_after_s: number | null;
  disk_full_skipped?: string;
  /** Why the figures do not count (the store never refused a write). */
  disk_full_invalid?: string;
}

async function simState(rig: Rig, deviceId: string): Promise<Record<string, unknown>> {
  const r = await rig.request('devices/simulate', { deviceId, control: 'state' }, { ms: 5000 });
  const reply = (r?.data as { reply?: string } | undefined)?.reply;
  return reply ? ((JSON.parse(reply) as { state: Record<string, unknown> }).state ?? {}) : {};
}

/** Polls a simulator's state until `ok` holds (true) or `ms` pass (false). */
async function until(rig: Rig, deviceId: string, ok: (s: Record<string, unknown>) => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (ok(await simState(rig, deviceId))) return true;
    await sleep(200);
  }
  return false;
}

export async function runDiskFull(opts: { reactMs: number }): Promise<DiskResult> {
  const fs = loopFsAvailable() ? loopFs({ sizeMb: 64 }) : undefined;
  if (!fs)
    return {
      disk_full_safety_failures: null,
      disk_full_checks: {},
      disk_full_store_refused_writes: false,
      disk_full_alarm_delivered_after_s: null,
      disk_full_skipped: 'cannot mount an ext4 image on a loop device here (needs root, loop devices, mkfs.ext4)',
    };
  const rig = await startRig({ dataDir: join(fs.dir, 'var') });
  const checks: Record<string, boolean> = {};
  let refused = false;
  let deliveredAfter: number | null = null;
  try {
    rig.daemon.start();
    await rig.daemon.waitForLog((l) => l.msg === 'gateway running', 120_000);
    await waitFor(() => rig.daemon.logs.filter((l) => l.msg === 'simulated device running').length >= 4, 60_000);
    await sleep(2000); // the devices answer their first polls
    fs.fill();
    // SQLite first uses the free pages it has: events until it refuses one.
    const from = rig.daemon.logs.length;
    const refusedLine = (l: Record<string, unknown>) => String(l.msg).startsWith('the store refuses writes');
    for (let i = 0; i < 600 && !rig.daemon.logs.slice(from).some(refusedLine); i++) {
      rig.fire('devices/simulate', { deviceId: 'gate-1', control: `${i % 2 ? 'release' : 'hold'} loopA` });
      await sleep(100);
    }
    refused = rig.daemon.logs.slice(from).some(refusedLine);
    log(`disk full: the store ${refused ? 'refuses writes' : 'still took every write after 60 s'}`);

    // Fire: both contacts; every egress gate must open while the store is full.
    const board = loadProfileFile(join(PROFILES_DIR, 'relay-board-4ch-modbus.yaml'));
    const barrier = loadProfileFile(join(PROFILES_DIR, 'barrier-bg300-framed.yaml'));
    const turnstile = loadProfileFile(join(PROFILES_DIR, 'turnstile-ts100-framed.yaml'));
    const openRaw = (p: typeof board) => valueToRaw(p.resources[p.gate!.resource]!, p.gate!.open);
    await rig.request('devices/simulate', { deviceId: 'board-1', control: 'hold fireAlarm' });
    await rig.request('devices/simulate', { deviceId: 'turn-1', control: 'hold fireInput' });
    const [b, g, t] = await Promise.all([
      until(rig, 'board-1', (s) => s[board.gate!.resource] === openRaw(board), opts.reactMs),
      until(rig, 'gate-1', (s) => s[barrier.gate!.resource] === openRaw(barrier), opts.reactMs),
      until(rig, 'turn-1', (s) => s[turnstile.gate!.resource] === openRaw(turnstile), opts.reactMs),
    ]);
    Object.assign(checks, { egress_board_open: b, egress_barrier_open: g, egress_turnstile_open: t });
    // A command to close must not win over the fire while the store is full either.
    await rig.request('gate/command', { gateId: 'gate-1', command: 'close' }, { gate: true, ms: 5000 });
    await sleep(1500);
    checks.egress_barrier_still_open_after_close = (await simState(rig, 'gate-1'))[barrier.gate!.resource] === openRaw(barrier);

    // The alarm post: a press lights the strobe at once.
    await rig.request('devices/simulate', { deviceId: 'post-1', control: 'press button' });
    checks.strobe_on = await until(rig, 'post-1', (s) => s.strobeOn === 1 || s.strobeOn === true, opts.reactMs);
    const raisedAtPlatform = () =>
      rig.sub.envelopes().some((e) => e.kind === 'alarm.raised' && (e.data as { deviceId?: string }).deviceId === 'post-1');

    // Space returns: the held alarm.raised reaches the platform.
    fs.free();
    const t0 = Date.now();
    const delivered = await waitFor(raisedAtPlatform, 90_000);
    deliveredAfter = delivered ? Math.round((Date.now() - t0) / 100) / 10 : null;
    checks.alarm_not_lost_while_full = delivered;
    checks.store_recovered = await waitFor(() => rig.sub.envelopes().some((e) => e.kind === 'store.recovered'), 30_000);
    checks.daemon_alive = rig.daemon.running;
    await rig.request('devices/simulate', { deviceId: 'board-1', control: 'release fireAlarm' });
    await rig.request('devices/simulate', { deviceId: 'turn-1', control: 'release fireInput' });
  } finally {
    await rig.dispose();
    fs.dispose();
  }
  const failures = Object.values(checks).filter((v) => !v).length;
  if (failures)
    log(
      `disk full: failed checks: ${Object.keys(checks)
        .filter((k) => !checks[k])
        .join(', ')}`,
    );
  if (!refused)
    return {
      disk_full_safety_failures: null,
      disk_full_checks: checks,
      disk_full_store_refused_writes: false,
      disk_full_alarm_delivered_after_s: null,
      disk_full_invalid: 'the store never refused a write: the disk-full checks tested a working store and do not count',
    };
  return {
    disk_full_safety_failures: failures,
    disk_full_checks: checks,
    disk_full_store_refused_writes: refused,
    disk_full_alarm_delivered_after_s: deliveredAfter,
  };
}
