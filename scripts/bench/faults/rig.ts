import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startMosquitto, type Mosquitto } from '../../../cloud-bridge/testing/mosquitto.ts';
import { Daemon } from '../../../cloud-bridge/testing/daemon.ts';
import { TestSubscriber } from '../../../cloud-bridge/testing/subscriber.ts';
import { MqttConnection } from '../../../cloud-bridge/mqtt/mqtt-client.ts';
import { Database } from '../../../gateway/store/database.ts';
import type { Envelope } from '../../../cloud-bridge/mqtt/payloads.ts';

/**
 * The real daemon (`sharpeyes start`) with simulated devices, a real mosquitto as the platform
 * broker, a platform-side subscriber with a kept session (every event the broker accepted
 * reaches it), and a platform client that sends requests.
 */
export const NODE = 'gw-faults';

export const DEVICES_YAML = `devices:
  - { id: gate-1, profile: barrier-bg300-framed, simulate: true }
  - { id: post-1, profile: alarm-post-sos200, simulate: true }
  - { id: board-1, profile: relay-board-4ch-modbus, simulate: true, egress: [gate-1, board-1] }
  - { id: turn-1, profile: turnstile-ts100-framed, simulate: true, egress: [turn-1] }
`;

export function daemonYaml(opts: { dataDir: string; brokerUrl: string; console?: boolean; extra?: string }): string {
  return `node: { id: ${NODE}, dataDir: ${opts.dataDir}, logLevel: info }
cloud: { url: "${opts.brokerUrl}", reconnectMinMs: 200, reconnectMaxMs: 2000, keepaliveS: 5 }
cameras: { demo: false, liveView: { enabled: false } }
faces: { enabled: false }
plates: { enabled: false }
access: { points: [] }
console: { enabled: ${opts.console ? 'true' : 'false'}, port: 0 }
${DEVICES_YAML}${opts.extra ?? ''}`;
}

export interface Rig {
  dir: string;
  broker: Mosquitto;
  daemon: Daemon;
  sub: TestSubscriber;
  platform: MqttConnection;
  /** Sends a request; resolves with the response (or undefined after `ms`). */
  request(action: string, input: unknown, opts?: { gate?: boolean; ms?: number }): Promise<Record<string, unknown> | undefined>;
  /** Sends raw payload bytes as a request; resolves with the response (or undefined after `ms`). */
  requestRaw(action: string, payload: Buffer, ms?: number): Promise<Record<string, unknown> | undefined>;
  /** Publishes a request without waiting for its answer. */
  fire(action: string, input: unknown, opts?: { gate?: boolean }): void;
  /** Crash lines the daemon logged (uncaught exceptions, unhandled rejections). */
  crashLines(from?: number): Record<string, unknown>[];
  dispose(): Promise<void>;
}

export async function startRig(opts: { console?: boolean; dataDir?: string; extra?: string } = {}): Promise<Rig> {
  const broker = await startMosquitto();
  const dir = mkdtempSync(join(tmpdir(), 'se-faults-'));
  const dataDir = opts.dataDir ?? join(dir, 'var');
  const daemon = new Daemon(dir, daemonYaml({ dataDir, brokerUrl: broker.url, console: opts.console, extra: opts.extra }));
  const sub = await TestSubscriber.connect({ url: broker.url }, [`sharpeyes/${NODE}/events/#`], true);
  const platform = await MqttConnection.open({
    url: broker.url,
    clientId: `faults-platform-${randomUUID().slice(0, 8)}`,
    protocolVersion: 5,
  });
  const waiting = new Map<string, (r: Record<string, unknown>) => void>();
  platform.onMessage((m) => {
    const key = m.correlationData?.toString();
    const w = key ? waiting.get(key) : undefined;
    if (!w) return;
    waiting.delete(key as string);
    try {
      w(JSON.parse(m.payload.toString()) as Record<string, unknown>);
    } catch {
      w({ status: 'unreadable' });
    }
  });
  await platform.subscribe([`sharpeyes/${NODE}/response/#`], 1);
  const body = (input: unknown, gate?: boolean) => {
    const transaction = randomUUID();
    return {
      transaction,
      text: JSON.stringify({
        transaction,
        input,
        // Every request that changes something needs ts + nonce (not only gate commands); `gate: false` leaves them out.
        ...(gate !== false ? { ts: new Date().toISOString(), nonce: randomUUID() } : {}),
      }),
    };
  };
  const rig: Rig = {
    dir,
    broker,
    daemon,
    sub,
    platform,
    request(action, input, o = {}) {
      const { text } = body(input, o.gate);
      return rig.requestRaw(action, Buffer.from(text), o.ms);
    },
    requestRaw(action, payload, ms = 15_000) {
      const key = randomUUID();
      return new Promise((resolve) => {
        const t = setTimeout(() => {
          waiting.delete(key);
          resolve(undefined);
        }, ms);
        waiting.set(key, (r) => {
          clearTimeout(t);
          resolve(r);
        });
        platform
          .publish(`sharpeyes/${NODE}/request/${action}`, payload, { qos: 1, correlationData: Buffer.from(key) })
          .catch(() => undefined);
      });
    },
    fire(action, input, o = {}) {
      platform.publish(`sharpeyes/${NODE}/request/${action}`, body(input, o.gate).text, { qos: 1 }).catch(() => undefined);
    },
    crashLines(from = 0) {
      return daemon.logs.slice(from).filter((l) => l.msg === 'uncaught exception' || l.msg === 'unhandled rejection');
    },
    async dispose() {
      await daemon.kill('SIGKILL').catch(() => undefined);
      await platform.close().catch(() => undefined);
      await sub.close().catch(() => undefined);
      await broker.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return rig;
}

/** Every event row in the daemon's outbox (the daemon may be running: WAL readers do not block it). */
export function readOutbox(dataDir: string): { id: string; seq: number | null; kind: string; sent: boolean }[] {
  const db = new Database(join(dataDir, 'gateway.db'));
  try {
    return db
      .prepare<{ id: string; seq: number | null; kind: string; sent_at: string | null }>(
        'SELECT id, seq, kind, sent_at FROM outbox ORDER BY rowid',
      )
      .all()
      .map((r) => ({ id: r.id, seq: r.seq, kind: r.kind, sent: r.sent_at !== null }));
  } finally {
    db.close();
  }
}

/**
 * What the platform can check on its side: distinct ids, whether each id always came with the
 * same seq, and whether the distinct seqs run 1..N without a gap.
 */
export function platformView(envs: Envelope[]): {
  ids: Set<string>;
  seqGaps: number;
  seqConflicts: number;
  maxSeq: number;
  duplicates: number;
} {
  const seqOf = new Map<string, number>();
  const idOfSeq = new Map<number, string>();
  let conflicts = 0;
  let duplicates = 0;
  for (const e of envs) {
    const s = seqOf.get(e.id);
    if (s !== undefined) {
      duplicates++;
      if (s !== e.seq) conflicts++;
      continue;
    }
    seqOf.set(e.id, e.seq);
    const other = idOfSeq.get(e.seq);
    if (other !== undefined && other !== e.id) conflicts++;
    idOfSeq.set(e.seq, e.id);
  }
  let maxSeq = 0;
  for (const s of idOfSeq.keys()) if (s > maxSeq) maxSeq = s;
  let gaps = 0;
  for (let s = 1; s <= maxSeq; s++) if (!idOfSeq.has(s)) gaps++;
  return { ids: new Set(seqOf.keys()), seqGaps: gaps, seqConflicts: conflicts, maxSeq, duplicates };
}
