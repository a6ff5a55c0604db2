import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Daemon } from '../../cloud-bridge/testing/daemon.js';
import { TestSubscriber } from '../../cloud-bridge/testing/subscriber.js';
import type { Envelope } from '../../cloud-bridge/mqtt/payloads.js';
import { readBrokerCredentials } from '../../cloud-bridge/mqtt/broker-credentials.js';

/**
 * A whole gateway as a user runs it (`sharpeyes start`), with a platform-side MQTT client on its
 * embedded broker. Ports are 0 everywhere so tests run side by side.
 */
export class Gateway {
  readonly dir = mkdtempSync(join(tmpdir(), 'se-e2e-'));
  readonly daemon: Daemon;
  platform: TestSubscriber | undefined;
  private tx = 0;

  constructor(
    readonly nodeId: string,
    extraYaml = '',
    /** Added to the daemon's environment (SHARPEYES__... overrides, LANG). */
    private readonly env: NodeJS.ProcessEnv = {},
  ) {
    this.daemon = new Daemon(
      this.dir,
      `node:\n  id: ${nodeId}\n  dataDir: ${JSON.stringify(this.dir)}\ncloud:\n  embeddedPort: 0\nconsole:\n  port: 0\n${extraYaml}`,
    );
  }

  async start(): Promise<void> {
    this.daemon.start(this.env);
    await this.daemon.waitForLog((l) => l.msg === 'gateway running', 120_000);
    const { port } = JSON.parse(readFileSync(join(this.dir, 'embedded-broker.json'), 'utf8')) as { port: number };
    const { platform } = readBrokerCredentials(this.dir, this.nodeId);
    this.platform = await TestSubscriber.connect({ url: `mqtt://127.0.0.1:${port}`, protocolVersion: 4, ...platform }, [
      `sharpeyes/${this.nodeId}/#`,
    ]);
  }

  events(kind?: string): Envelope[] {
    return (this.platform?.envelopes() ?? []).filter((e) => !kind || e.kind === kind);
  }

  async waitForEvent(kind: string, match: (data: Record<string, unknown>) => boolean = () => true, ms = 60_000): Promise<Envelope> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.events(kind).find((e) => match(e.data as Record<string, unknown>));
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(
          `no ${kind} event within ${ms} ms; got: ${this.events()
            .map((e) => e.kind)
            .join(', ')}\n${this.daemon.tail()}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Sends request/<action> as the platform does and resolves with the response. */
  async request(
    action: string,
    input: unknown = {},
    ms = 30_000,
  ): Promise<{ status: string; data?: unknown; error?: string; code?: string }> {
    const transaction = `e2e-${++this.tx}`;
    const platform = this.platform as TestSubscriber;
    await platform.publish(
      `sharpeyes/${this.nodeId}/request/${action}`,
      JSON.stringify({ transaction, input, ts: new Date().toISOString(), nonce: `${transaction}-${randomUUID()}` }),
    );
    const deadline = Date.now() + ms;
    for (;;) {
      const r = platform.json(`/response/${action}`).find((x) => (x as { transaction?: string }).transaction === transaction);
      if (r) return r as { status: string; data?: unknown; error?: string };
      if (Date.now() > deadline) throw new Error(`no response to ${action} within ${ms} ms\n${this.daemon.tail()}`);
      await new Promise((res) => setTimeout(res, 50));
    }
  }

  async stop(): Promise<void> {
    await this.platform?.close();
    if (this.daemon.running) await this.daemon.kill('SIGTERM');
  }
}
