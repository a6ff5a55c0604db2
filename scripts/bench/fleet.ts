/**
 * `npm run -s bench -- fleet`: a city's worth of gateways against one mosquitto, and the broker
 * crashing under load.
 *  - BENCH_NODES (500) real cloud bridges (SQLite Outbox + OutboxRelay + BrokerLink per node, the
 *    daemon's default cloud settings) in BENCH_WORKERS (4) processes, BENCH_EVENTS (100,000) events
 *    in all, appended at BENCH_RATE (4) events/s per node;
 *  - the broker runs with the global options of the shipped city template
 *    (cloud-bridge/mqtt/city/district-bridge.conf: its queue limits) and its autosave interval — the
 *    template sets none, so mosquitto's default, 1800 s (BENCH_AUTOSAVE_S overrides it): what a
 *    city deployment gets, not a bench-only `max_queued_messages 0` and 1 s autosave;
 *  - BENCH_KILL_AT_S (15) s into the load the broker is killed (BENCH_SIGNAL, KILL by default) and
 *    started again BENCH_DOWN_S (5) s later on the same port with its persistence;
 *  - a platform subscriber (one persistent QoS 1 session on <prefix>/+/events/#) dedupes by id,
 *    asks the nodes for any per-node seq gap again (request/events/replay: a broker killed after
 *    acknowledging loses what it had not saved), and
 *    checks per-node seq for gaps; the broker limits its outgoing window to it (BENCH_BROKER_INFLIGHT, 100).
 * Figures: reconnect time per node (broker listening again → CONNACK), the broker's peak accepted
 * connections per second (from its log), drain_s (broker back → the last event appended before it
 * came back received), lost (by id and by seq gap), duplicates, CPU and load. Last line: JSON.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMosquitto } from '../../cloud-bridge/testing/mosquitto.ts';
import { MqttConnection } from '../../cloud-bridge/mqtt/mqtt-client.ts';
import { percentile } from '../../gateway/core/percentile.ts';
import type { WorkerArgs, WorkerMessage } from './fleet/node-worker.ts';

const NODES = Number(process.env.BENCH_NODES ?? 500);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 4);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const RATE = Number(process.env.BENCH_RATE ?? 4);
const KILL_AT_S = Number(process.env.BENCH_KILL_AT_S ?? 15);
const DOWN_S = Number(process.env.BENCH_DOWN_S ?? 5);
const SIGNAL = (process.env.BENCH_SIGNAL ?? 'KILL').toUpperCase();
/** The global options of the shipped city template (the lines before its first `connection`). */
const TEMPLATE_FILE = join(dirname(fileURLToPath(import.meta.url)), '../../cloud-bridge/mqtt/city/district-bridge.conf');
const TEMPLATE = (readFileSync(TEMPLATE_FILE, 'utf8').split(/^connection /m)[0] ?? '')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));
const templateValue = (name: string) => TEMPLATE.find((l) => l.startsWith(`${name} `))?.split(/\s+/)[1];
/** mosquitto's own default when the template does not set it. */
const MOSQUITTO_DEFAULT_AUTOSAVE_S = 1800;
/** mosquitto saves its in-memory database (queued messages included) every this many seconds. */
const AUTOSAVE_S = Number(process.env.BENCH_AUTOSAVE_S ?? templateValue('autosave_interval') ?? MOSQUITTO_DEFAULT_AUTOSAVE_S);
const PREFIX = 'fleet';
const perNode = Math.ceil(EVENTS / NODES);

const log = (s: string) => process.stderr.write(`[fleet] ${s}\n`);
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const loads: number[] = [];
const loadSampler = setInterval(() => loads.push(loadavg()[0] ?? 0), 1000);

/** The kernel's count of connections dropped because a listen queue was full (whole machine). */
function listenOverflows(): number {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    const i = lines.findIndex((l) => l.startsWith('TcpExt:'));
    const names = (lines[i] ?? '').split(/\s+/);
    const values = (lines[i + 1] ?? '').split(/\s+/);
    return Number(values[names.indexOf('ListenOverflows')] ?? 0);
  } catch {
    return 0;
  }
}

/** CPU seconds used so far by a process (Linux /proc; utime + stime at 100 ticks/s). */
function brokerCpu(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'fleet-'));
if (!templateValue('max_queued_messages')) throw new Error(`${TEMPLATE_FILE}: no max_queued_messages among its global options`);
log(`broker: the city template's ${TEMPLATE.join(', ')}; autosave_interval ${AUTOSAVE_S}`);
const broker = await startMosquitto({
  logTypes: ['error', 'warning', 'notice', 'information'],
  autosaveS: AUTOSAVE_S,
  // max_inflight_messages is the bench's own window towards its one platform consumer (not a template setting).
  extraConfig: [
    ...TEMPLATE.filter((l) => !l.startsWith('autosave_interval ')),
    `max_inflight_messages ${process.env.BENCH_BROKER_INFLIGHT ?? 100}`,
    'log_timestamp_format %s',
  ].join('\n'),
});
const workers: ChildProcess[] = [];
try {
  // The platform: one persistent QoS 1 session, reconnecting on its own.
  const seen = new Set<string>();
  const seqs = new Map<string, Set<number>>();
  let received = 0;
  let brokerBackAt = Infinity;
  let lastBacklogArrival = 0;
  const replayAnswers: { transaction: string; status: string; data?: { replayed: number } }[] = [];
  const onMessage = (topic: string, payload: Buffer) => {
    if (topic.includes('/response/')) {
      replayAnswers.push(JSON.parse(payload.toString()) as (typeof replayAnswers)[number]);
      return;
    }
    received++;
    const env = JSON.parse(payload.toString()) as { id: string; nodeId: string; seq: number; data: { t: number } };
    if (seen.has(env.id)) return;
    seen.add(env.id);
    let s = seqs.get(env.nodeId);
    if (!s) seqs.set(env.nodeId, (s = new Set()));
    s.add(env.seq);
    if (env.data.t < brokerBackAt) lastBacklogArrival = Date.now();
  };
  let sub: MqttConnection | undefined;
  let closing = false;
  let subscriberSessions = 0;
  const connectSubscriber = async () => {
    while (!closing) {
      try {
        const conn = await MqttConnection.open({
          url: broker.url,
          clientId: 'fleet-platform',
          clean: false,
          sessionExpiryS: 3600,
          protocolVersion: 5,
          keepaliveS: 120,
        });
        conn.onMessage((m) => onMessage(m.topic, m.payload));
        await conn.subscribe([`${PREFIX}/+/events/#`, `${PREFIX}/+/response/events/replay`], 1);
        subscriberSessions++;
        conn.onClose((err) => {
          if (closing || sub !== conn) return;
          log(`platform subscriber lost its connection: ${err?.message ?? 'closed'}`);
          void connectSubscriber();
        });
        sub = conn;
        return;
      } catch {
        await sleep(200);
      }
    }
  };
  await connectSubscriber();

  // The gateways.
  const ups: { node: string; at: number }[] = [];
  const downs: { node: string; at: number }[] = [];
  const appended: Record<string, number> = {};
  let unsent = 0;
  let workerCpuS = 0;
  const loopDelays: number[] = [];
  let ready = 0;
  let generated = 0;
  let done = 0;
  const workerDir = dirname(fileURLToPath(import.meta.url));
  const ids = Array.from({ length: NODES }, (_, i) => `gw-${String(i + 1).padStart(4, '0')}`);
  const cpu0 = process.cpuUsage();
  const tStart = Date.now();
  for (let w = 0; w < WORKERS; w++) {
    const args: WorkerArgs = {
      worker: w,
      nodeIds: ids.filter((_, i) => i % WORKERS === w),
      url: broker.url,
      dir,
      perNode,
      ratePerNode: RATE,
      prefix: PREFIX,
    };
    const child = fork(join(workerDir, 'fleet', 'node-worker.ts'), [JSON.stringify(args)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'up') ups.push({ node: m.node, at: m.at });
      else if (m.type === 'down') downs.push({ node: m.node, at: m.at });
      else if (m.type === 'ready') ready++;
      else if (m.type === 'generated') generated++;
      else if (m.type === 'done') {
        Object.assign(appended, m.appended);
        unsent += m.unsent;
        workerCpuS += m.cpuS;
        loopDelays.push(m.loopDelayP99Ms);
        done++;
      }
    });
    workers.push(child);
  }
  const until = async (cond: () => boolean, what: string, ms: number) => {
    const deadline = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      await sleep(50);
    }
  };
  await until(() => ready === WORKERS, `${NODES} nodes connected`, 180_000);
  const connectS = (Date.now() - tStart) / 1000;
  log(`${NODES} nodes connected in ${round(connectS)} s; appending ${perNode} events each at ${RATE}/s`);

  const tLoad = Date.now();
  for (const w of workers) w.send({ type: 'start' });
  await sleep(KILL_AT_S * 1000);
  let brokerCpuS = brokerCpu(broker.pid);
  const killedAt = Date.now();
  if (SIGNAL === 'TERM') await broker.stop();
  else await broker.kill();
  log(`broker killed (SIG${SIGNAL}) at ${round((killedAt - tLoad) / 1000)} s of load; down for ${DOWN_S} s`);
  await sleep(DOWN_S * 1000);
  const logBefore = broker.log().length;
  const overflows0 = listenOverflows();
  const restartAt = Date.now();
  await broker.start();
  brokerBackAt = Date.now(); // it accepts connections (start() polls every 50 ms)
  log('broker back on the same port');

  await until(() => new Set(ups.filter((u) => u.at >= restartAt).map((u) => u.node)).size === NODES, 'every node reconnected', 180_000);
  const overflowsOnRestart = listenOverflows() - overflows0;
  const reconnect = new Map<string, number>();
  for (const u of ups) if (u.at >= restartAt && !reconnect.has(u.node)) reconnect.set(u.node, Math.max(0, u.at - brokerBackAt) / 1000);
  const reconnectS = [...reconnect.values()];
  const noticed = new Map<string, number>();
  for (const d of downs) if (d.at >= killedAt && !noticed.has(d.node)) noticed.set(d.node, (d.at - killedAt) / 1000);
  const noticedS = [...noticed.values()];
  log(`connection loss noticed by the nodes: p50 ${round(percentile(noticedS, 50), 2)} s, max ${round(Math.max(...noticedS), 2)} s`);
  log(
    `every node reconnected: p50 ${round(percentile(reconnectS, 50), 2)} s, p95 ${round(percentile(reconnectS, 95), 2)} s, max ${round(Math.max(...reconnectS), 2)} s`,
  );

  await until(() => generated === WORKERS, 'generation finished', 600_000);
  const expected = NODES * perNode;
  log(`${expected} events appended; waiting for the platform to have them`);
  // Wait until everything arrived, or nothing new came for 15 s (a gap the broker lost).
  let lastCount = -1;
  let stableSince = Date.now();
  await until(
    () => {
      if (seen.size !== lastCount) [lastCount, stableSince] = [seen.size, Date.now()];
      return seen.size >= expected || Date.now() - stableSince > 15_000;
    },
    'every event at the platform',
    600_000,
  );
  const allInS = (Date.now() - tLoad) / 1000;
  // Gaps in a node's seq: events the broker acknowledged and lost (a crash before its autosave).
  // The platform asks the node for them again (request/events/replay), as a real one would.
  const gapsOf = () => {
    const out: [string, number, number][] = [];
    for (const id of ids) {
      const s = seqs.get(id) ?? new Set<number>();
      for (let q = 1; q <= perNode; q++) {
        if (s.has(q)) continue;
        const last = out.at(-1);
        if (last && last[0] === id && last[2] === q - 1) last[2] = q;
        else out.push([id, q, q]);
      }
    }
    return out;
  };
  const lostBeforeReplay = expected - seen.size;
  const gapRanges = gapsOf();
  if (gapRanges.length > 0) {
    log(`${lostBeforeReplay} events missing in ${gapRanges.length} seq gaps: asking the nodes again`);
    for (const [node, fromSeq, toSeq] of gapRanges)
      await sub?.publish(
        `${PREFIX}/${node}/request/events/replay`,
        JSON.stringify({ transaction: `gap-${node}-${fromSeq}`, input: { fromSeq, toSeq } }),
        { qos: 1 },
      );
    await until(() => seen.size >= expected || replayAnswers.length >= gapRanges.length, 'replay answers', 60_000).catch(() => undefined);
    await until(() => seen.size >= expected, 'the replayed events', 30_000).catch(() => undefined);
  }
  for (const w of workers) w.send({ type: 'stop' });
  await until(() => done === WORKERS, 'workers report', 60_000);
  const appendedTotal = Object.values(appended).reduce((a, b) => a + b, 0);
  if (appendedTotal !== expected) throw new Error(`workers appended ${appendedTotal} events, expected ${expected}`);

  // Per-node seq check: every node must have delivered 1..appended without a gap.
  let gaps = 0;
  for (const id of ids) {
    const s = seqs.get(id) ?? new Set<number>();
    for (let q = 1; q <= (appended[id] ?? 0); q++) if (!s.has(q)) gaps++;
  }
  // Broker log: accepted connections per second (log timestamps are epoch seconds).
  const perSecond = new Map<string, number>();
  for (const line of broker.log().slice(logBefore).split('\n')) {
    const m = /^(\d+): New client connected/.exec(line);
    if (m) perSecond.set(m[1] as string, (perSecond.get(m[1] as string) ?? 0) + 1);
  }
  brokerCpuS += brokerCpu(broker.pid);
  const back = Math.floor(brokerBackAt / 1000);
  log(
    `broker accepted per second after its restart: ${[...perSecond]
      .map(([t, n]) => [Number(t) - back, n])
      .filter(([dt]) => (dt as number) >= -2)
      .map(([dt, n]) => `+${dt}s:${n}`)
      .join(' ')}`,
  );
  const cpu = process.cpuUsage(cpu0);
  const result = {
    nodes: NODES,
    workers: WORKERS,
    events: expected,
    events_per_node: perNode,
    rate_per_node: RATE,
    kill_signal: SIGNAL,
    broker_autosave_s: AUTOSAVE_S,
    broker_max_queued_messages: Number(templateValue('max_queued_messages')),
    broker_max_queued_bytes: Number(templateValue('max_queued_bytes') ?? 0),
    down_s: DOWN_S,
    lost: expected - seen.size,
    lost_before_replay: lostBeforeReplay,
    replay_requests: gapRanges.length,
    lost_by_seq_gaps: gaps,
    left_unsent: unsent,
    duplicates: received - seen.size,
    platform_sessions: subscriberSessions,
    reconnect_p50_s: round(percentile(reconnectS, 50), 2),
    reconnect_p95_s: round(percentile(reconnectS, 95), 2),
    reconnect_max_s: round(Math.max(...reconnectS), 2),
    loss_noticed_p50_s: round(percentile(noticedS, 50), 2),
    broker_peak_connections_per_s: Math.max(0, ...perSecond.values()),
    // mosquitto listens with a backlog of 100: connections beyond it are dropped and retried by
    // the client's kernel after 1, 3, 7, 15 s (machine-wide counter, during the reconnects).
    listen_queue_overflows: overflowsOnRestart,
    drain_s: round(Math.max(0, lastBacklogArrival - brokerBackAt) / 1000, 2),
    load_s: round(allInS, 1),
    initial_connect_s: round(connectS, 1),
    platform_cpu_s: round((cpu.user + cpu.system) / 1e6, 1),
    nodes_cpu_s: round(workerCpuS, 1),
    broker_cpu_s: round(brokerCpuS, 1),
    nodes_cpu_ms_per_event: round((workerCpuS * 1000) / expected, 3),
    node_process_loop_delay_p99_ms_max: round(Math.max(...loopDelays), 0),
    load_avg_1m_median: round(percentile(loads, 50), 1),
    load_avg_1m_max: round(Math.max(...loads), 1),
    cpus: cpus().length,
  };
  // What the nodes logged (warn and above), by message and reason, for the record.
  const reasons = new Map<string, number>();
  for (let w = 0; w < WORKERS; w++) {
    for (const line of readFileSync(join(dir, `worker-${w}.log`), 'utf8').split('\n')) {
      if (!line) continue;
      const l = JSON.parse(line) as { msg?: string; err?: string; reason?: string };
      const key = `${l.msg}: ${String(l.err ?? l.reason ?? '')
        .replace(/\d+/g, 'N')
        .slice(0, 90)}`;
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
  }
  for (const [k, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 8)) log(`node log x${n}: ${k}`);
  closing = true;
  await sub?.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  clearInterval(loadSampler);
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await broker.dispose();
  rmSync(dir, { recursive: true, force: true });
}
