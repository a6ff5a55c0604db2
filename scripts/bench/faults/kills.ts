import { join } from 'node:path';
import { seededRandom } from '../../../gateway/testing/seeded-random.ts';
import { log, Pick, sleep, waitFor } from './common.ts';
import { percentile } from '../../../gateway/core/percentile.ts';
import { platformView, readOutbox, startRig, type Rig } from './rig.ts';

/**
 * SIGKILL of the real daemon at random points during a flood of requests and simulated device
 * inputs, restarting it each time. After each kill the outbox is read from the database (what
 * was recorded before the kill); at the end every one of those events must have reached the
 * platform's subscriber (dedupe by id), with per-node seq numbers that run 1..N without a gap.
 */
export interface KillsResult {
  kills: number;
  kills_during_startup: number;
  events_recorded: number;
  events_delivered: number;
  events_lost: number;
  seq_gaps: number;
  seq_conflicts: number;
  duplicates_redelivered: number;
  requests_sent: number;
  responses: number;
  daemon_crash_lines: number;
  daemon_start_to_devices_p50_s: number;
  kills_seconds: number;
}

/** One request of the flood: simulated inputs, gate commands, alarm acknowledgements. */
function floodStep(rig: Rig, p: Pick): void {
  switch (p.int(10)) {
    case 0:
    case 1:
      rig.fire('devices/simulate', { deviceId: 'gate-1', control: `${p.one(['hold', 'release'])} ${p.one(['loopA', 'loopB'])}` });
      break;
    case 2:
      rig.fire('devices/simulate', { deviceId: 'post-1', control: 'press button' });
      break;
    case 3:
      rig.fire('devices/simulate', {
        deviceId: 'board-1',
        control: `${p.one(['hold', 'release'])} ${p.one(['exitButton', 'doorContact', 'tamper'])}`,
      });
      break;
    case 4:
      if (p.chance(0.5)) rig.fire('devices/simulate', { deviceId: 'board-1', control: `${p.one(['hold', 'release'])} fireAlarm` });
      else rig.fire('devices/simulate', { deviceId: 'turn-1', control: `${p.one(['hold', 'release'])} fireInput` });
      break;
    case 5:
    case 6:
      rig.fire(
        'gate/command',
        { gateId: p.one(['gate-1', 'turn-1', 'board-1']), command: p.one(['open', 'close', 'pulse']) },
        { gate: true },
      );
      break;
    case 7:
      rig.fire(p.one(['alarm/ack', 'alarm/resolve']), { deviceId: 'post-1', note: 'faults bench' });
      break;
    case 8:
      rig.fire('vehicles/add', { plate: `京A${p.range(10000, 99999)}`, ownerId: 'flood' });
      break;
    default:
      rig.fire('devices/list', {});
  }
}

export async function runKills(opts: { kills: number; seed: number; floodEveryMs: number }): Promise<KillsResult> {
  const t0 = performance.now();
  const p = new Pick(seededRandom(opts.seed));
  const rig = await startRig();
  const dataDir = join(rig.dir, 'var');
  const recorded = new Map<string, string>(); // id -> kind
  let requests = 0;
  let responses = 0;
  let duringStartup = 0;
  let crashLines = 0;
  const startupMs: number[] = [];
  const countResponses = rig.platform.onMessage(() => responses++);
  let flooding = true;
  const flood = (async () => {
    while (flooding) {
      floodStep(rig, p);
      requests++;
      await sleep(opts.floodEveryMs);
    }
  })();
  const remember = () => {
    for (const r of readOutbox(dataDir)) recorded.set(r.id, r.kind);
  };
  try {
    for (let k = 0; k < opts.kills; k++) {
      const logFrom = rig.daemon.logs.length;
      rig.daemon.start();
      if (p.chance(0.2)) {
        // Anywhere in the start: migrations, journal recovery, rooms starting, first events.
        duringStartup++;
        await sleep(p.range(300, 8000));
      } else {
        // Once the simulated devices answer and requests flow, at a random moment.
        const started = performance.now();
        await rig.daemon.waitForLog((l) => l.msg === 'gateway running', 120_000, logFrom).catch(() => undefined);
        await waitFor(() => rig.daemon.logs.slice(logFrom).filter((l) => l.msg === 'simulated device running').length >= 4, 60_000);
        startupMs.push(performance.now() - started);
        await sleep(p.range(500, 6000));
      }
      await rig.daemon.kill('SIGKILL');
      crashLines += rig.crashLines(logFrom).length;
      remember();
      log(`kill ${k + 1}/${opts.kills}: ${recorded.size} events recorded so far, ${rig.sub.envelopes().length} envelopes at the platform`);
    }
    flooding = false;
    await flood;
    // The last run: everything recorded must go out.
    const logFrom = rig.daemon.logs.length;
    rig.daemon.start();
    await rig.daemon.waitForLog((l) => l.msg === 'gateway running', 120_000, logFrom);
    const deadline = Date.now() + 180_000;
    for (;;) {
      await sleep(1000);
      const rows = readOutbox(dataDir);
      for (const r of rows) recorded.set(r.id, r.kind);
      const got = platformView(rig.sub.envelopes()).ids;
      const missing = [...recorded.keys()].filter((id) => !got.has(id)).length;
      if (missing === 0 && rows.every((r) => r.sent)) break;
      if (Date.now() > deadline) {
        log(`still ${missing} events missing at the platform after 180 s`);
        break;
      }
    }
    crashLines += rig.crashLines(logFrom).length;
    await rig.daemon.kill('SIGTERM');
    remember();
    await sleep(500);
    const view = platformView(rig.sub.envelopes());
    const lost = [...recorded].filter(([id]) => !view.ids.has(id));
    if (lost.length)
      log(
        `lost: ${lost
          .slice(0, 10)
          .map(([id, kind]) => `${kind} ${id}`)
          .join(', ')}`,
      );
    return {
      kills: opts.kills,
      kills_during_startup: duringStartup,
      events_recorded: recorded.size,
      events_delivered: [...recorded.keys()].filter((id) => view.ids.has(id)).length,
      events_lost: lost.length,
      seq_gaps: view.seqGaps,
      seq_conflicts: view.seqConflicts,
      duplicates_redelivered: view.duplicates,
      requests_sent: requests,
      responses,
      daemon_crash_lines: crashLines,
      daemon_start_to_devices_p50_s: Math.round(percentile(startupMs, 50) / 100) / 10,
      kills_seconds: Math.round((performance.now() - t0) / 100) / 10,
    };
  } finally {
    flooding = false;
    countResponses();
    await rig.dispose();
  }
}
