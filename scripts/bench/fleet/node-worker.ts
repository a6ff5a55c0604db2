/**
 * One process of `npm run -s bench -- fleet`: many gateways' real cloud bridges (the project's
 * own SQLite Outbox, OutboxRelay and BrokerLink per node, at the daemon's default cloud
 * settings), each appending events at a steady rate. Reports to the parent over IPC: every
 * connection accepted ('up'), then per node how many events it appended.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Database } from '../../../gateway/store/database.ts';
import { Outbox } from '../../../gateway/store/outbox.ts';
import { createLogger } from '../../../gateway/core/logger.ts';
import { cloudSection, outboxSection } from '../../../gateway/config/sections/cloud.ts';
import { BrokerLink } from '../../../cloud-bridge/mqtt/link.ts';
import { OutboxRelay } from '../../../cloud-bridge/mqtt/relay.ts';
import { topicsFor } from '../../../cloud-bridge/mqtt/topics.ts';
import { serveRequests } from '../../../cloud-bridge/mqtt/request-server.ts';
import { registerReplayAction } from '../../../cloud-bridge/mqtt/replay.ts';
import { ActionTable } from '../../../gateway/core/actions.ts';

export interface WorkerArgs {
  worker: number;
  nodeIds: string[];
  url: string;
  dir: string;
  perNode: number;
  ratePerNode: number;
  prefix: string;
}
export type WorkerMessage =
  | { type: 'up'; node: string; at: number }
  | { type: 'down'; node: string; at: number }
  | { type: 'ready' }
  | { type: 'generated' }
  | { type: 'done'; appended: Record<string, number>; unsent: number; cpuS: number; loopDelayP99Ms: number };

const args = JSON.parse(process.argv[2] as string) as WorkerArgs;
const send = (m: WorkerMessage) => process.send?.(m);
const cloud = cloudSection.parse({}); // the daemon's defaults: reconnect 500 ms .. 30 s, inflight 200, keepalive 30 s
const logFile = createWriteStream(join(args.dir, `worker-${args.worker}.log`));
const log = createLogger({ level: 'warn', destination: { write: (s: string) => void logFile.write(s) } });

interface Node {
  id: string;
  db: Database;
  outbox: Outbox;
  relay: OutboxRelay;
  link: BrokerLink;
  appended: number;
  ever: boolean;
}

const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();

const nodes: Node[] = args.nodeIds.map((id) => {
  mkdirSync(join(args.dir, id), { recursive: true });
  const db = new Database(join(args.dir, id, 'gateway.db'));
  const outbox = new Outbox({ db, log, quotaBytes: outboxSection.parse({}).quotaMb * 1024 * 1024 });
  const topics = topicsFor(args.prefix, id);
  const status = (state: string) =>
    JSON.stringify({ state, nodeId: id, version: 'bench', startedAt: new Date().toISOString(), ts: new Date().toISOString() });
  const node = { id, db, outbox, appended: 0, ever: false } as Node;
  // The platform may ask for a seq gap again (a broker that crashed after acknowledging).
  const actions = new ActionTable();
  registerReplayAction({ actions, outbox, topics, nodeId: id, connection: () => node.link.connection });
  node.relay = new OutboxRelay({ outbox, nodeId: id, topics, log, inflight: cloud.inflight, onRefused: (r) => node.link.drop(r) });
  node.link = new BrokerLink({
    log,
    reconnectMinMs: cloud.reconnectMinMs,
    reconnectMaxMs: cloud.reconnectMaxMs,
    options: () => ({
      url: args.url,
      clientId: `sharpeyes-${id}`,
      protocolVersion: 5,
      keepaliveS: cloud.keepaliveS,
      will: { topic: topics.status, payload: status('offline'), retain: true, qos: 1 },
    }),
    onUp: async (conn) => {
      send({ type: 'up', node: id, at: Date.now() }); // CONNACK received
      await serveRequests(conn, { actions, topics, maxRequestBytes: cloud.maxRequestBytes, log });
      await conn.publish(topics.status, status('online'), { qos: 1, retain: true });
      node.relay.attach(conn);
      if (!node.ever) {
        node.ever = true;
        if (nodes.every((n) => n.ever)) send({ type: 'ready' });
      }
    },
    onDown: () => {
      node.relay.detach();
      send({ type: 'down', node: id, at: Date.now() });
    },
  });
  return node;
});

for (const n of nodes) {
  n.relay.start();
  n.link.start();
}

const pad = 'x'.repeat(120); // an event of ~300 bytes, like a plate or access record
let ticker: NodeJS.Timeout | undefined;
process.on('message', (m: { type: string }) => {
  if (m.type === 'start') {
    const t0 = Date.now();
    ticker = setInterval(() => {
      const due = Math.min(args.perNode, Math.floor(((Date.now() - t0) / 1000) * args.ratePerNode));
      let left = false;
      for (const n of nodes) {
        for (; n.appended < due; n.appended++) {
          const k = n.appended;
          n.db.transaction(() => n.outbox.append('bench.tick', { n: k, t: Date.now(), camera: 'lane-1', plate: '粤B12345', pad }));
        }
        if (n.appended < args.perNode) left = true;
      }
      if (!left) {
        clearInterval(ticker);
        send({ type: 'generated' });
      }
    }, 50);
  } else if (m.type === 'stop') void stop();
});

async function stop(): Promise<void> {
  if (ticker) clearInterval(ticker);
  let unsent = 0;
  const appended: Record<string, number> = {};
  for (const n of nodes) {
    await n.relay.stop(0);
    await n.link.stop();
    unsent += n.outbox.stats().unsent;
    appended[n.id] = n.appended;
    n.db.close();
  }
  const cpu = process.cpuUsage();
  send({ type: 'done', appended, unsent, cpuS: (cpu.user + cpu.system) / 1e6, loopDelayP99Ms: loopDelay.percentile(99) / 1e6 });
  logFile.end(() => process.exit(0));
}
