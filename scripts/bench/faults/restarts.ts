import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Daemon } from '../../../cloud-bridge/testing/daemon.ts';
import { loadProfileFile, PROFILES_DIR } from '../../../gateway/lib/device-profiles/profiles.ts';
import { openSimLine, type SimLine } from '../../../gateway/rooms/devices/testing/sim-line.ts';
import { Database } from '../../../gateway/store/database.ts';
import { percentile } from '../../../gateway/core/percentile.ts';
import { caseRng, log, Pick, sleep, waitFor } from './common.ts';

/**
 * Restarts during a fire, against the real daemon (`sharpeyes start`) and the project's
 * simulators on socat ptys that outlive it (a relay board whose fire contact holds itself and a
 * barrier open). Each sequence turns the fire contact on, waits for the hold-open, then ends
 * the daemon one way or another and starts it again, as systemd would:
 *  - stop: SIGTERM (the devices room's own stop);
 *  - crash: SIGABRT (what systemd's watchdog sends; no cleanup runs);
 *  - kill9: SIGKILL (the OOM killer, a power-cut-like end);
 *  - failed-start: killed, then a start that fails (the console's port is taken) and stops every
 *    room it had started, then a start that works.
 * In some sequences the IO board (the fire input) is unplugged before the restart and plugged in
 * a few seconds after it, with the fire still on. Every request the simulators receive is
 * recorded: `restart_closes` counts close/release requests to an egress gate while the fire
 * contact is on (must be 0). `fire_to_hold_open_*` is timed from the contact change at the
 * simulator to the hold-open request reaching the barrier, including cases where this process
 * holds `BEGIN EXCLUSIVE` on the daemon's database while the contact changes.
 */
export interface RestartResult {
  restart_sequences: number;
  restart_sequences_by_kind: Record<string, number>;
  restart_board_absent_at_boot: number;
  restart_closes: number;
  restart_closes_detail: string[];
  restart_daemon_starts: number;
  restart_failed_starts_exit_nonzero: number;
  restart_gate_held_after_restart: number;
  restart_gate_not_held_after_restart: number;
  fire_to_hold_open_cases: number;
  fire_to_hold_open_p50_ms: number;
  fire_to_hold_open_p99_ms: number;
  fire_to_hold_open_max_ms: number;
  fire_to_hold_open_db_locked_cases: number;
  fire_to_hold_open_db_locked_p50_ms: number;
  fire_to_hold_open_db_locked_p99_ms: number;
  fire_to_hold_open_db_locked_max_ms: number;
  fire_end_to_close_p50_ms: number;
  restart_seconds: number;
}

const KINDS = ['stop', 'crash', 'kill9', 'failed-start'] as const;
type Kind = (typeof KINDS)[number];

function yaml(dataDir: string, lines: { board: SimLine; gate: SimLine }, consolePort?: number): string {
  return `node: { id: gw-restarts, dataDir: ${dataDir}, logLevel: info }
cloud: { embeddedPort: 0 }
cameras: { demo: false, liveView: { enabled: false } }
faces: { enabled: false }
plates: { enabled: false }
access: { points: [] }
console: { enabled: ${consolePort === undefined ? 'false' : `true, port: ${consolePort}`} }
devices:
  - { id: board-1, profile: relay-board-4ch-modbus, port: ${lines.board.gatewaySide}, egress: [gate-1, board-1] }
  - { id: gate-1, profile: barrier-bg300-framed, port: ${lines.gate.gatewaySide} }
`;
}

function busyPort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({ server, port: typeof a === 'object' && a ? a.port : 0 });
    });
  });
}

/** The figures, and `samples`: every contact → hold-open case (ms), for the bench's overall percentiles. */
export async function runRestarts(opts: {
  sequences: number;
  lockCases: number;
  seed: number;
}): Promise<RestartResult & { samples: number[] }> {
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'se-faults-restarts-'));
  const dataDir = join(dir, 'var');
  const lines = {
    board: await openSimLine({ id: 'board-1', profile: loadProfileFile(join(PROFILES_DIR, 'relay-board-4ch-modbus.yaml')), dir }),
    gate: await openSimLine({ id: 'gate-1', profile: loadProfileFile(join(PROFILES_DIR, 'barrier-bg300-framed.yaml')), dir }),
  };
  const daemon = new Daemon(dir, yaml(dataDir, lines));
  /** Fire contact intervals at the simulator: [on, off). */
  const fires: { on: number; off: number }[] = [];
  const fireOn = () => fires.length > 0 && fires[fires.length - 1]!.off === Infinity;
  const setFire = (on: boolean) => {
    if (on === fireOn()) return;
    lines.board.sim.setInput('fireAlarm', on);
    if (on) fires.push({ on: performance.now(), off: Infinity });
    else fires[fires.length - 1]!.off = performance.now();
  };
  const byKind: Record<string, number> = {};
  const toHold: number[] = [];
  const toHoldLocked: number[] = [];
  const toClose: number[] = [];
  let starts = 0;
  let failedNonzero = 0;
  let absent = 0;
  let held = 0;
  let notHeld = 0;
  let logFrom = 0;

  const start = async () => {
    logFrom = daemon.logs.length;
    daemon.start();
    starts++;
    await daemon.waitForLog((l) => l.msg === 'room started' && l.room === 'devices', 120_000, logFrom);
  };
  /** Waits for a hold-open (or open) request at the barrier after `since`; its time, or undefined. */
  const holdOpenAfter = async (since: number, ms: number): Promise<number | undefined> => {
    const find = () => lines.gate.requests.find((r) => r.at >= since && (r.command === 'hold_open' || r.command === 'open'))?.at;
    await waitFor(() => find() !== undefined, ms);
    return find();
  };
  const endFire = async () => {
    setFire(false);
    const off = performance.now();
    if (await waitFor(() => lines.gate.gateIs('closed') && lines.board.gateIs('closed'), 15_000)) {
      const c = lines.gate.requests.find((r) => r.at >= off && r.command === 'close');
      if (c) toClose.push(c.at - off);
    }
  };

  try {
    const first = performance.now();
    await start();
    // Settled before the first fire: the board read clear and the gate's fail-safe close arrived
    // (the simulated gate starts closed, so its position alone says nothing).
    await waitFor(() => lines.gate.requests.some((r) => r.at >= first && r.command === 'close'), 60_000);
    await sleep(1000);
    for (let i = 0; i < opts.sequences; i++) {
      const p = new Pick(caseRng(opts.seed, 'restarts', i));
      if (!fireOn()) {
        await sleep(p.range(200, 800));
        setFire(true);
        const at = fires[fires.length - 1]!.on;
        const h = await holdOpenAfter(at, 15_000);
        if (h !== undefined) toHold.push(h - at);
      }
      await waitFor(() => lines.gate.gateIs('open'), 10_000);
      const kind: Kind = KINDS[i % KINDS.length]!;
      byKind[kind] = (byKind[kind] ?? 0) + 1;
      const boardAbsent = p.chance(0.35);
      await sleep(p.range(0, 1500));
      await daemon.kill(kind === 'stop' ? 'SIGTERM' : kind === 'crash' ? 'SIGABRT' : 'SIGKILL');
      if (boardAbsent) {
        absent++;
        await lines.board.unplug();
      }
      if (kind === 'failed-start') {
        const { server, port } = await busyPort();
        writeFileSync(daemon.configFile, yaml(dataDir, lines, port));
        logFrom = daemon.logs.length;
        daemon.start();
        starts++;
        await waitFor(() => !daemon.running, 120_000);
        const code = await daemon.kill('SIGKILL');
        if (code !== 0 && code !== null) failedNonzero++;
        server.close();
        writeFileSync(daemon.configFile, yaml(dataDir, lines));
      }
      const restartAt = performance.now();
      await start();
      // Held open at the first connect, whether or not the board is there.
      const h = await holdOpenAfter(restartAt, 20_000);
      if (h !== undefined && lines.gate.gateIs('open')) held++;
      else notHeld++;
      await sleep(p.range(500, 2500));
      if (boardAbsent) {
        await lines.board.plug();
        await sleep(p.range(1500, 3000)); // the board is read again, the fire still on
      }
      // Some sequences end the fire: the gates close only then.
      if (p.chance(0.3)) await endFire();
      if (i % 10 === 9) log(`restarts: ${i + 1}/${opts.sequences} sequences`);
    }
    // Fire on while another process holds BEGIN EXCLUSIVE on the daemon's database.
    for (let k = 0; k < opts.lockCases; k++) {
      if (fireOn()) await endFire();
      await sleep(500);
      const locker = new Database(join(dataDir, 'gateway.db'));
      try {
        locker.exec('BEGIN EXCLUSIVE');
        await sleep(300);
        setFire(true);
        const at = fires[fires.length - 1]!.on;
        const h = await holdOpenAfter(at, 30_000);
        if (h !== undefined) toHoldLocked.push(h - at);
        await sleep(1000);
      } finally {
        locker.exec('ROLLBACK');
        locker.close();
      }
    }
    if (fireOn()) await endFire();
  } finally {
    await daemon.kill('SIGKILL').catch(() => undefined);
    await lines.board.stop();
    await lines.gate.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  // Close/release requests to an egress gate (the barrier, the board's own relay) during a fire.
  const during = (at: number) => fires.some((f) => at >= f.on && at < f.off);
  const closes = [
    ...lines.gate.requests
      .filter((r) => (r.command === 'close' || r.command === 'release') && during(r.at))
      .map((r) => ({ ...r, dev: 'gate-1' })),
    ...lines.board.requests
      .filter((r) => (r.command === 'close' || r.command === 'release') && during(r.at))
      .map((r) => ({ ...r, dev: 'board-1' })),
  ];
  const r0 = (x: number) => Math.round(x);
  const all = [...toHold, ...toHoldLocked];
  return {
    restart_sequences: opts.sequences,
    restart_sequences_by_kind: byKind,
    restart_board_absent_at_boot: absent,
    restart_closes: closes.length,
    restart_closes_detail: closes.slice(0, 5).map((c) => {
      const f = fires.find((x) => c.at >= x.on && c.at < x.off)!;
      return `${c.dev} ${c.command} ${r0(c.at - f.on)} ms after the contact (${r0(c.at - t0)} ms into the run)`;
    }),
    restart_daemon_starts: starts,
    restart_failed_starts_exit_nonzero: failedNonzero,
    restart_gate_held_after_restart: held,
    restart_gate_not_held_after_restart: notHeld,
    fire_to_hold_open_cases: all.length,
    fire_to_hold_open_p50_ms: r0(percentile(all, 50)),
    fire_to_hold_open_p99_ms: r0(percentile(all, 99)),
    fire_to_hold_open_max_ms: r0(Math.max(0, ...all)),
    fire_to_hold_open_db_locked_cases: toHoldLocked.length,
    fire_to_hold_open_db_locked_p50_ms: r0(percentile(toHoldLocked, 50)),
    fire_to_hold_open_db_locked_p99_ms: r0(percentile(toHoldLocked, 99)),
    fire_to_hold_open_db_locked_max_ms: r0(Math.max(0, ...toHoldLocked)),
    fire_end_to_close_p50_ms: r0(percentile(toClose, 50)),
    restart_seconds: Math.round((performance.now() - t0) / 100) / 10,
    samples: all,
  };
}
