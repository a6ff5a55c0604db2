import { MqttConnection, type ConnectOptions, type IncomingMessage } from '../mqtt/mqtt-client.js';
import type { Envelope } from '../mqtt/payloads.js';

/**
 * A platform-side test subscriber: records every message on `topics`. With `persistent`, it uses
 * a kept session (clean: false, session expiry 1 h) so the broker queues QoS 1 messages for it
 * while it is away; reconnect() resumes that session.
 */
export class TestSubscriber {
  /** Every message, with its arrival time (ms since epoch). */
  readonly messages: (IncomingMessage & { at: number })[] = [];
  private conn: MqttConnection | undefined;

  private constructor(
    private readonly opts: ConnectOptions,
    private readonly topics: string[],
  ) {}

  static async connect(opts: Partial<ConnectOptions> & { url: string }, topics: string[], persistent = false): Promise<TestSubscriber> {
    const full: ConnectOptions = { clientId: `test-sub-${Math.random().toString(36).slice(2, 10)}`, protocolVersion: 5, ...opts };
    if (persistent) {
      full.clean = false;
      full.sessionExpiryS = 3600;
    }
    const sub = new TestSubscriber(full, topics);
    await sub.reconnect();
    return sub;
  }

  get connected(): boolean {
    return Boolean(this.conn?.isOpen);
  }

  /** Connects (again); for a persistent session the broker delivers what it queued. */
  async reconnect(): Promise<void> {
    const conn = await MqttConnection.open(this.opts);
    conn.onMessage((m) => this.messages.push({ ...m, at: Date.now() }));
    await conn.subscribe(this.topics, 1);
    this.conn = conn;
  }

  /** Keeps reconnecting until it succeeds or `ms` passes. */
  async reconnectWithin(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      try {
        await this.reconnect();
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  json(topicEnd?: string): unknown[] {
    return this.messages.filter((m) => !topicEnd || m.topic.endsWith(topicEnd)).map((m) => JSON.parse(m.payload.toString()) as unknown);
  }

  /** The event envelopes received so far, in arrival order (each message parsed once). */
  envelopes(): Envelope[] {
    for (; this.scanned < this.messages.length; this.scanned++) {
      const m = this.messages[this.scanned]!;
      if (m.topic.includes('/events/')) this.parsed.push(JSON.parse(m.payload.toString()) as Envelope);
    }
    return this.parsed.slice();
  }
  private scanned = 0;
  private readonly parsed: Envelope[] = [];

  publish(topic: string, payload: string | Buffer, opts: { qos: 0 | 1; retain?: boolean } = { qos: 1 }): Promise<void> {
    if (!this.conn) throw new Error('not connected');
    return this.conn.publish(topic, payload, opts);
  }

  async close(): Promise<void> {
    await this.conn?.close();
  }
}

/**
 * Checks a stream of envelopes as the platform would: first deliveries of each id must come in
 * strictly increasing seq order; any other repeat must be a redelivery of an id already seen.
 * Returns the distinct ids in order and the duplicate count.
 */
export function checkDelivery(envs: Envelope[]): { ids: string[]; seqs: number[]; duplicates: number; outOfOrder: string[] } {
  const seen = new Set<string>();
  const ids: string[] = [];
  const seqs: number[] = [];
  const outOfOrder: string[] = [];
  let duplicates = 0;
  for (const e of envs) {
    if (seen.has(e.id)) {
      duplicates++;
      continue;
    }
    seen.add(e.id);
    const last = seqs[seqs.length - 1];
    if (last !== undefined && e.seq <= last) outOfOrder.push(`seq ${e.seq} after ${last}`);
    ids.push(e.id);
    seqs.push(e.seq);
  }
  return { ids, seqs, duplicates, outOfOrder };
}
