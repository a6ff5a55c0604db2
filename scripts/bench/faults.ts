/**
 * `npm run -s bench -- faults`: does the box keep its promises under faults?
 *  - kills: SIGKILL of the real daemon during a flood, restarted each time; nothing recorded is lost;
 *  - fuzz: hostile inputs of every kind into the real parsers and servers; no crash, no hang;
 *  - egress: random command/pulse/reconnect/fire sequences against the simulators; a fire exit
 *    is never left closed;
 *  - disk: the store's folder on a full file system; the box still opens the exits and alarms;
 *  - fire-disk: fire → hold-open with the data folder on a full ext4 loop device (degraded store,
 *    real fsyncs); counts only when the store refused writes (disk_full_store_refused_writes);
 *  - restarts: the real daemon stopped, crashed, killed -9 and failed to start during a fire, the
 *    IO board absent at boot in some; no close ever reaches an egress gate (restart_closes 0).
 * `fire_to_hold_open_*` (from the contact change) covers every counted case of fire-disk and
 * restarts (with the database locked among them).
 * Knobs: FAULTS_ONLY=kills,fuzz,egress,disk,fire-disk,restarts  FAULTS_DISK_FIRES  FAULTS_RESTARTS (sequences, >= 50)
 * FAULTS_RESTART_LOCKS (fires while BEGIN EXCLUSIVE is held on the database)  FAULTS_SEED  FAULTS_KILLS  FAULTS_FUZZ (cases per
 * kind; FAULTS_FUZZ_<KIND> per kind: MQTT, HTTP, SERIAL, ONVIF, IMAGE, CONFIG)  FAULTS_SEQUENCES
 * (per egress profile)  FAULTS_LANES (lanes per egress profile, sharing them)  FAULTS_EGRESS_GRACE_MS
 * FAULTS_EGRESS_SHOW (violations printed with their steps and timeline). Last line: one JSON object.
 */
import { knob, load1, log } from './faults/common.ts';
import { runKills } from './faults/kills.ts';
import { runEgress } from './faults/egress.ts';
import { fuzzConfig, fuzzImages, fuzzOnvif, fuzzSerial, type KindResult } from './faults/fuzz.ts';
import { fuzzDaemon } from './faults/fuzz-daemon.ts';
import { runDiskFull } from './faults/disk.ts';
import { runRestarts } from './faults/restarts.ts';
import { runFireDiskFull } from './faults/fire-disk.ts';
import { percentile } from '../../gateway/core/percentile.ts';

const only = new Set((process.env.FAULTS_ONLY ?? 'kills,fuzz,egress,disk,fire-disk,restarts').split(',').map((s) => s.trim()));
const seed = knob('FAULTS_SEED', 20261129);
const t0 = performance.now();
const out: Record<string, unknown> = { bench: 'faults', seed, loadavg_1m_at_start: load1() };
/** Why this run does not count (its figures tested nothing, or a promise did not hold). */
const failed: string[] = [];
/** Contact → hold-open cases (ms) of every part that times them. */
const toHold: number[] = [];

if (only.has('fuzz')) {
  const all = knob('FAULTS_FUZZ', 10_000);
  const n = (kind: string) => knob(`FAULTS_FUZZ_${kind}`, all);
  log('fuzz: hostile inputs of every kind');
  const t = performance.now();
  const kinds: Record<string, KindResult> = {
    ...(await fuzzSerial(n('SERIAL'), seed)),
    config: await fuzzConfig(n('CONFIG'), seed),
    image: await fuzzImages(n('IMAGE'), seed),
    onvif: await fuzzOnvif(n('ONVIF'), seed),
  };
  const d = await fuzzDaemon({ mqtt: n('MQTT'), http: n('HTTP'), seed });
  kinds.mqtt = d.mqtt;
  kinds.http = d.http;
  const sum = (f: (r: KindResult) => number) => Object.values(kinds).reduce((a, r) => a + f(r), 0);
  Object.assign(out, {
    fuzz_cases: Object.fromEntries(Object.entries(kinds).map(([k, r]) => [k, r.cases])),
    crashes: sum((r) => r.crashes) + d.uncaught_log_lines + (d.daemon_alive ? 0 : 1),
    hangs: sum((r) => r.hangs),
    fuzz_refused: Object.fromEntries(Object.entries(kinds).map(([k, r]) => [k, r.refused])),
    fuzz_slowest_ms: Object.fromEntries(Object.entries(kinds).map(([k, r]) => [k, r.slowest_ms])),
    fuzz_first_crashes: Object.values(kinds)
      .flatMap((r) => r.first_crashes)
      .slice(0, 5),
    fuzz_daemon_internal_log_lines: d.internal_log_lines,
    fuzz_seconds: Math.round((performance.now() - t) / 100) / 10,
  });
}

if (only.has('kills')) {
  log('kills: SIGKILL of the daemon during a flood');
  Object.assign(out, await runKills({ kills: knob('FAULTS_KILLS', 20), seed, floodEveryMs: knob('FAULTS_FLOOD_MS', 25) }));
}

if (only.has('egress')) {
  log('egress: random sequences against the simulators through the devices room');
  Object.assign(
    out,
    await runEgress({
      // FAULTS_SEQUENCES per egress profile, shared by its lanes (run at the same time).
      sequences: Math.ceil(knob('FAULTS_SEQUENCES', 1000) / Math.max(1, knob('FAULTS_LANES', 4))),
      lanes: Math.max(1, knob('FAULTS_LANES', 4)),
      seed,
      graceMs: knob('FAULTS_EGRESS_GRACE_MS', 3000),
      show: knob('FAULTS_EGRESS_SHOW', 3),
    }),
  );
}

if (only.has('disk')) {
  log('disk: the store on a full ext4 loop device');
  const d = await runDiskFull({ reactMs: knob('FAULTS_DISK_REACT_MS', 5000) });
  Object.assign(out, d);
  if (d.disk_full_invalid) failed.push(`disk: ${d.disk_full_invalid}`);
}

if (only.has('fire-disk')) {
  log('fire-disk: fire → hold-open with the data folder on a full ext4 loop device');
  const { samples, ...d } = await runFireDiskFull({ fires: knob('FAULTS_DISK_FIRES', 20) });
  // Both disk parts report whether the store refused writes: true only when it did in each.
  const refusedBefore = out.disk_full_store_refused_writes as boolean | undefined;
  Object.assign(out, d, { disk_full_store_refused_writes: (refusedBefore ?? true) && d.disk_full_store_refused_writes });
  toHold.push(...samples);
  if (d.fire_disk_invalid) failed.push(`fire-disk: ${d.fire_disk_invalid}`);
  if (d.fire_disk_full_not_held > 0)
    failed.push(`fire-disk: ${d.fire_disk_full_not_held} fires on the full disk never held the barrier open`);
}

if (only.has('restarts')) {
  log('restarts: the daemon stopped, crashed, killed and failed to start during a fire');
  const { samples, ...r } = await runRestarts({
    sequences: knob('FAULTS_RESTARTS', 52),
    lockCases: knob('FAULTS_RESTART_LOCKS', 10),
    seed,
  });
  Object.assign(out, r);
  toHold.push(...samples);
  if (r.restart_closes > 0) failed.push(`restarts: ${r.restart_closes} close requests reached an egress gate during a fire`);
}

if (toHold.length) {
  // Over every counted case: restarts, the database locked, the disk full.
  Object.assign(out, {
    fire_to_hold_open_cases: toHold.length,
    fire_to_hold_open_p50_ms: Math.round(percentile(toHold, 50)),
    fire_to_hold_open_p99_ms: Math.round(percentile(toHold, 99)),
    fire_to_hold_open_max_ms: Math.round(Math.max(...toHold)),
  });
}

if (failed.length) out.failed = failed;
out.seconds = Math.round((performance.now() - t0) / 100) / 10;
out.loadavg_1m_at_end = load1();
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(failed.length ? 1 : 0);
