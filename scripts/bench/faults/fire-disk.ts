import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Daemon } from '../../../cloud-bridge/testing/daemon.ts';
import { loadProfileFile, PROFILES_DIR } from '../../../gateway/lib/device-profiles/profiles.ts';
import { openSimLine, type SimLine } from '../../../gateway/rooms/devices/testing/sim-line.ts';
import { percentile } from '../../../gateway/core/percentile.ts';
import { loopFs, loopFsAvailable } from '../../../gateway/testing/loop-fs.ts';
import { log, sleep, waitFor } from './common.ts';

/**
 * Fire → hold-open with the data folder on a real file system that is full: an ext4 image on a
 * loop device (gateway/testing/loop-fs.ts; a tmpfs would make fsync free). The real daemon
 * (`sharpeyes start`) drives a relay board whose fire contact holds itself and a barrier open,
 * both the project's simulators on socat ptys. The file system is filled to the last block, the
 * barrier's loops are toggled until the store refuses a write (the daemon logs it: degraded mode,
 * events in memory and the preallocated journal, fsynced for real), then the fire contact goes on
 * and off `fires` times; each case is timed from the contact change at the simulator to the
 * hold-open request reaching the barrier. The figures count only when the store did refuse writes
 * (`disk_full_store_refused_writes`); otherwise they tested a working store and the run fails.
 */
export interface FireDiskResult {
  disk_full_store_refused_writes: boolean;
  fire_to_hold_open_disk_full_cases: number;
  fire_to_hold_open_disk_full_p50_ms: number | null;
  fire_to_hold_open_disk_full_p99_ms: number | null;
  fire_to_hold_open_disk_full_max_ms: number | null;
  /** Fire cases whose hold-open never reached the barrier (within 15 s). */
  fire_disk_full_not_held: number;
  /** Fire ends whose close did not reach the barrier within 15 s (the gate stuck open). */
  fire_disk_full_not_closed: number;
  /** Once space returned, the daemon said every held event was recorded. */
  fire_disk_full_store_recovered: boolean;
  fire_disk_skipped?: string;
  fire_disk_invalid?: string;
  fire_disk_seconds: number;
}

function yaml(dataDir: string, lines: { board: SimLine; gate: SimLine }): string {
  return `node: { id: gw-fire-disk, dataDir: ${dataDir}, logLevel: info }
cloud: { embeddedPort: 0 }
cameras: { demo: false, liveView: { enabled: false } }
faces: { enabled: false }
plates: { enabled: false }
access: { points: [] }
console: { enabled: false }
devices:
  - { id: board-1, profile: relay-board-4ch-modbus, port: ${lines.board.gatewaySide}, egress: [gate-1, board-1] }
  - { id: gate-1, profile: barrier-bg300-framed, port: ${lines.gate.gatewaySide} }
`;
}

/** Fire → hold-open on a full ext4 loop device; `samples` are the counted cases (ms). */
export async function runFireDiskFull(opts: { fires: number }): Promise<FireDiskResult & { samples: number[] }> {
  const t0 = performance.now();
  const secs = () => Math.round((performance.now() - t0) / 100) / 10;
  const empty = (why: Partial<FireDiskResult>): FireDiskResult & { samples: number[] } => ({
    disk_full_store_refused_writes: false,
    fire_to_hold_open_disk_full_cases: 0,
    fire_to_hold_open_disk_full_p50_ms: null,
    fire_to_hold_open_disk_full_p99_ms: null,
    fire_to_hold_open_disk_full_max_ms: null,
    fire_disk_full_not_held: 0,
    fire_disk_full_not_closed: 0,
    fire_disk_full_store_recovered: false,
    fire_disk_seconds: secs(),
    ...why,
    samples: [],
  });
  if (!loopFsAvailable()) return empty({ fire_disk_skipped: 'no loop devices or mkfs.ext4 here, or not root' });
  const fs = loopFs({ sizeMb: 64 });
  if (!fs) return empty({ fire_disk_skipped: 'mounting an ext4 image on a loop device failed' });
  // Only the data folder is on the loop device: the config, the ptys' links and the logs are not.
  const dir = mkdtempSync(join(tmpdir(), 'se-faults-fire-disk-'));
  const lines = {
    board: await openSimLine({ id: 'board-1', profile: loadProfileFile(join(PROFILES_DIR, 'relay-board-4ch-modbus.yaml')), dir }),
    gate: await openSimLine({ id: 'gate-1', profile: loadProfileFile(join(PROFILES_DIR, 'barrier-bg300-framed.yaml')), dir }),
  };
  const daemon = new Daemon(dir, yaml(join(fs.dir, 'var'), lines));
  const samples: number[] = [];
  let notHeld = 0;
  let notClosed = 0;
  let refused = false;
  let recovered = false;
  try {
    const first = performance.now();
    daemon.start();
    await daemon.waitForLog((l) => l.msg === 'room started' && l.room === 'devices', 120_000);
    // Settled: the board read clear and the barrier's fail-safe close arrived.
    await waitFor(() => lines.gate.requests.some((r) => r.at >= first && r.command === 'close'), 60_000);
    await sleep(1000);
    fs.fill();
    // SQLite first uses the free pages it has: loop events until it refuses one.
    const from = daemon.logs.length;
    const refusedLine = (l: Record<string, unknown>) => String(l.msg).startsWith('the store refuses writes');
    for (let i = 0; i < 1200 && !daemon.logs.slice(from).some(refusedLine); i++) {
      lines.gate.sim.setInput('loopA', i % 2 === 0);
      await sleep(150);
    }
    lines.gate.sim.setInput('loopA', false);
    refused = daemon.logs.slice(from).some(refusedLine);
    log(`fire-disk: the store ${refused ? 'refuses writes (degraded, full ext4)' : 'still took every write'}`);
    for (let k = 0; k < opts.fires; k++) {
      await sleep(300 + (k % 5) * 100);
      const on = performance.now();
      lines.board.sim.setInput('fireAlarm', true);
      const hold = () => lines.gate.requests.find((r) => r.at >= on && (r.command === 'hold_open' || r.command === 'open'))?.at;
      await waitFor(() => hold() !== undefined, 15_000);
      const h = hold();
      if (h === undefined) notHeld++;
      else samples.push(h - on);
      await waitFor(() => lines.gate.gateIs('open'), 5000);
      await sleep(500);
      lines.board.sim.setInput('fireAlarm', false);
      if (!(await waitFor(() => lines.gate.gateIs('closed'), 15_000))) notClosed++;
      if ((k + 1) % 5 === 0) log(`fire-disk: ${k + 1}/${opts.fires} fires on the full disk`);
    }
    fs.free();
    recovered = await waitFor(() => daemon.logs.some((l) => String(l.msg).startsWith('the store takes writes again')), 30_000);
  } finally {
    await daemon.kill('SIGKILL').catch(() => undefined);
    await lines.board.stop();
    await lines.gate.stop();
    fs.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  const r0 = (x: number) => Math.round(x);
  const figures: FireDiskResult = {
    disk_full_store_refused_writes: refused,
    fire_to_hold_open_disk_full_cases: samples.length,
    fire_to_hold_open_disk_full_p50_ms: samples.length ? r0(percentile(samples, 50)) : null,
    fire_to_hold_open_disk_full_p99_ms: samples.length ? r0(percentile(samples, 99)) : null,
    fire_to_hold_open_disk_full_max_ms: samples.length ? r0(Math.max(...samples)) : null,
    fire_disk_full_not_held: notHeld,
    fire_disk_full_not_closed: notClosed,
    fire_disk_full_store_recovered: recovered,
    fire_disk_seconds: secs(),
  };
  if (!refused)
    return {
      ...figures,
      fire_to_hold_open_disk_full_p50_ms: null,
      fire_to_hold_open_disk_full_p99_ms: null,
      fire_to_hold_open_disk_full_max_ms: null,
      fire_disk_invalid: 'the store never refused a write: the fires tested a working store and do not count',
      samples: [],
    };
  return { ...figures, samples };
}
