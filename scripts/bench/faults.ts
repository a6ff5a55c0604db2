/**
 * `npm run -s bench -- faults`: does the box keep its promises under faults?
 *  - kills: SIGKILL of the real daemon during a flood, restarted each time; nothing recorded is lost;
 *  - fuzz: hostile inputs of every kind into the real parsers and servers; no crash, no hang;
 *  - egress: random command/pulse/reconnect/fire sequences against the simulators; a fire exit
 *    is never left closed;
 *  - disk full: the store's folder on a full file system; the box still decides, opens and alarms.
 * Knobs: FAULTS_ONLY=kills,fuzz,egress,disk  FAULTS_SEED  FAULTS_KILLS  FAULTS_FUZZ (cases per
 * kind)  FAULTS_SEQUENCES (per profile)  FAULTS_LANES (parallel lanes per profile). Last line:
 * one JSON object.
 */
import { knob, load1, log } from './faults/common.ts';
import { runKills } from './faults/kills.ts';
import { runEgress } from './faults/egress.ts';

const only = new Set((process.env.FAULTS_ONLY ?? 'kills,fuzz,egress,disk').split(',').map((s) => s.trim()));
const seed = knob('FAULTS_SEED', 20261129);
const t0 = performance.now();
const out: Record<string, unknown> = { bench: 'faults', seed, loadavg_1m_at_start: load1() };

if (only.has('kills')) {
  log('kills: SIGKILL of the daemon during a flood');
  Object.assign(out, await runKills({ kills: knob('FAULTS_KILLS', 20), seed, floodEveryMs: knob('FAULTS_FLOOD_MS', 25) }));
}

if (only.has('egress')) {
  log('egress: random sequences against the simulators through the devices room');
  Object.assign(
    out,
    await runEgress({
      sequences: knob('FAULTS_SEQUENCES', 1000),
      lanes: knob('FAULTS_LANES', 4),
      seed,
      graceMs: knob('FAULTS_EGRESS_GRACE_MS', 3000),
    }),
  );
}

out.seconds = Math.round((performance.now() - t0) / 100) / 10;
out.loadavg_1m_at_end = load1();
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
