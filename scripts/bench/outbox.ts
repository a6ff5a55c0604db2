/**
 * `npm run -s bench -- outbox`: the store-and-forward path end to end.
 *  1. ingest: 100,000 events appended with no broker, one transaction each (as rooms record them);
 *  2. drain: the cloud bridge room publishes that backlog into a local mosquitto (QoS 1, window
 *     cloud.inflight), counted by a QoS 1 subscriber in this process; rows marked sent on PUBACK;
 *  3. live latency: 2,000 events at ~500/s once the backlog is gone, event ts → subscriber;
 *  4. publish: 50,000 events through the EventPublisher as rooms publish them now (bus at once,
 *     recorded at the end of each tick in one transaction), 100 per tick, into a second store.
 * Last line: one JSON object. BENCH_EVENTS and BENCH_INFLIGHT override the defaults. The *_per_cpu_s
 * figures divide by this process's CPU time (the in-process subscriber included), which stays
 * meaningful when other work shares the machine (load_avg_1m is printed for that reason).
 */
import { cpus, loadavg } from 'node:os';
import { startMosquitto } from '../../cloud-bridge/testing/mosquitto.ts';
import { startRoom, testContext, until } from '../../gateway/testing/context.ts';
import { TestSubscriber } from '../../cloud-bridge/testing/subscriber.ts';
import { CloudBridgeRoom } from '../../cloud-bridge/mqtt/room.ts';
import { percentile } from '../../gateway/core/percentile.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const INFLIGHT = Number(process.env.BENCH_INFLIGHT ?? 200);
const LIVE = 2000;

const pct = percentile;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
const log = (s: string) => process.stderr.write(`${s}\n`);

const broker = await startMosquitto({ extraConfig: 'max_queued_messages 0\nmax_inflight_messages 0' });
const ctx = testContext(`node:\n  id: bench\ncloud:\n  url: ${broker.url}\n  inflight: ${INFLIGHT}\n  reconnectMinMs: 100\n`);
ctx.log.level = 'warn';
try {
  await broker.stop(); // the uplink is down while the backlog builds
  const data = { gateId: 'north-1', residentId: 'r-000123', method: 'plate', plate: '京A88731', score: 0.97, cameraId: 'cam-north' };
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < EVENTS; i++) ctx.db.transaction(() => ctx.outbox.append('access.granted', { ...data, n: i }));
  const ingestS = (performance.now() - t0) / 1000;
  const ingestCpu = process.cpuUsage(c0);
  const backlog = ctx.outbox.stats().unsent;
  log(`ingest: ${EVENTS} events in ${round(ingestS, 2)} s`);

  await broker.start();
  const seen = new Set<string>();
  let received = 0;
  const latencies: number[] = [];
  const sub = await TestSubscriber.connect({ url: broker.url }, ['sharpeyes/bench/events/#']);
  const counted = sub.messages;
  const c1 = process.cpuUsage();
  const tDrain = performance.now();
  const progress: number[] = [];
  let lastCount = 0;
  const perSecond = setInterval(() => {
    progress.push(seen.size - lastCount);
    lastCount = seen.size;
  }, 1000);
  const tally = () => {
    while (received < counted.length) {
      const m = counted[received++]!;
      const env = JSON.parse(m.payload.toString()) as { id: string; ts: string; data: { live?: boolean } };
      seen.add(env.id);
      if (env.data.live) latencies.push(m.at - Date.parse(env.ts));
    }
    return seen.size;
  };
  const stopRoom = await startRoom(ctx, new CloudBridgeRoom(ctx));
  await until(() => tally() >= backlog, 'backlog at the subscriber', 600_000, 20);
  const drainS = (performance.now() - tDrain) / 1000;
  const drainCpu = process.cpuUsage(c1);
  clearInterval(perSecond);
  await until(() => ctx.outbox.stats().unsent === 0, 'rows marked sent', 60_000);
  const markedS = (performance.now() - tDrain) / 1000;
  log(`drain: ${backlog} events in ${round(drainS, 2)} s (all marked sent after ${round(markedS, 2)} s)`);

  // Live events once the backlog is gone: ts (recorded) → arrival at the subscriber.
  for (let i = 0; i < LIVE; i++) {
    ctx.db.transaction(() => ctx.outbox.append('access.granted', { ...data, n: EVENTS + i, live: true }));
    if (i % 10 === 9) await new Promise((r) => setTimeout(r, 20));
  }
  await until(() => tally() >= backlog + LIVE, 'live events', 60_000, 20);
  await stopRoom();
  await sub.close();

  // Through the publisher, as the rooms record events (one transaction per tick).
  const PUBLISHED = 50_000;
  const pctx = testContext('node:\n  id: bench-publish\n');
  pctx.log.level = 'warn';
  const motion = { cameraId: 'cam-north', state: true, source: 'onvif' as const };
  const c2 = process.cpuUsage();
  const tPub = performance.now();
  for (let i = 0; i < PUBLISHED; i += 100) {
    for (let j = 0; j < 100; j++) pctx.events.publish('camera.motion', motion);
    await new Promise((r) => setImmediate(r));
  }
  pctx.events.flush();
  const publishS = (performance.now() - tPub) / 1000;
  const publishCpu = process.cpuUsage(c2);
  const publishedRows = pctx.outbox.stats().unsent;
  pctx.dispose();
  log(`publish: ${publishedRows} events recorded in ${round(publishS, 2)} s`);

  const lost = backlog + LIVE - seen.size + (PUBLISHED - publishedRows);
  const result = {
    events: EVENTS,
    inflight: INFLIGHT,
    ingest_per_s: Math.round(EVENTS / ingestS),
    ingest_per_cpu_s: Math.round(EVENTS / ((ingestCpu.user + ingestCpu.system) / 1e6)),
    backlog,
    publish_per_s: Math.round(PUBLISHED / publishS),
    publish_per_cpu_s: Math.round(PUBLISHED / ((publishCpu.user + publishCpu.system) / 1e6)),
    drain_per_s: Math.round(backlog / drainS),
    drain_per_s_median_of_seconds: pct(
      progress.filter((n) => n > 0),
      50,
    ),
    drain_per_s_p10_of_seconds: pct(
      progress.filter((n) => n > 0),
      10,
    ),
    drain_s: round(drainS, 2),
    drain_per_cpu_s: Math.round(backlog / ((drainCpu.user + drainCpu.system) / 1e6)),
    marked_sent_s: round(markedS, 2),
    received: received,
    duplicates: received - seen.size,
    lost,
    live_latency_ms_p50: pct(latencies, 50),
    live_latency_ms_p99: pct(latencies, 99),
    live_latency_ms_max: Math.max(...latencies),
    rss_mb: Math.round(peakRss / 1048576),
    load_avg_1m: round(loadavg()[0] ?? 0, 1),
    cpus: cpus().length,
    db_mb: round(
      Number(
        ctx.db.prepare<{ n: number }>('SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()').get()?.n ?? 0,
      ) / 1048576,
      1,
    ),
  };
  clearInterval(sampler);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  ctx.dispose();
  await broker.dispose();
}
