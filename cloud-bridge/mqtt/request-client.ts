import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSecretFile, resolveConfigPath, type LoadedConfig } from '../../gateway/config/load.js';
import { MqttConnection, PublishRefusedError, type ConnectOptions, type IncomingMessage } from './mqtt-client.js';
import { brokerOptions } from './connect-options.js';
import { topicsFor, type Topics } from './topics.js';
import { EMBEDDED_BROKER_FILE, readBrokerCredentials } from './broker-credentials.js';
import type { Response } from './payloads.js';
import { errMessage } from '../../gateway/core/errors.js';

/**
 * Connect options for a CLI client of a running daemon: the daemon's broker (configured, or the
 * embedded one, whose actual port the daemon writes to <dataDir>/embedded-broker.json, as the
 * platform identity of <dataDir>/broker-credentials.json) with the same credentials and a client id of its own, so it never takes over the daemon's session.
 */
export function cliBrokerOptions(loaded: LoadedConfig, purpose: string): ConnectOptions {
  const clientId = `sharpeyes-${purpose}-${randomUUID().slice(0, 8)}`;
  const { url, cli } = loaded.config.cloud;
  if (url) {
    // An account of its own, which the broker lets send requests and the node gives a role
    // (cloud.accounts). Never the gateway's: it sends no requests, and on a broker that binds
    // client ids to accounts (city/listener.conf) it would take the daemon's session over.
    if (cli.username === undefined)
      throw new Error(
        `cloud.cli is not set: the CLI will not connect to ${url.replace(/\/\/[^@/]*@/, '//')} as the gateway's own account (${loaded.config.cloud.username ?? loaded.nodeId}), which may not send requests and whose broker session it would take over; set cloud.cli.username and cloud.cli.passwordFile to an account of its own, listed in cloud.accounts`,
      );
    // With mutual TLS, a certificate of its own too: the gateway's (cloud.tls.certFile) would make
    // it the gateway on a broker that takes the account from the certificate (use_identity_as_username).
    if (loaded.config.cloud.tls.certFile !== undefined && (cli.certFile === undefined || cli.keyFile === undefined))
      throw new Error(
        `cloud.tls.certFile is the gateway's client certificate: with mutual TLS the CLI presents one of its own; set cloud.cli.certFile and cloud.cli.keyFile (its CN the CLI's account, ${cli.username})`,
      );
    const identity = {
      username: cli.username,
      password: cli.passwordFile === undefined ? '' : readSecretFile(loaded, cli.passwordFile, 'cloud.cli.passwordFile'),
    };
    const clientCert =
      cli.certFile !== undefined && cli.keyFile !== undefined
        ? { certFile: cli.certFile, keyFile: cli.keyFile, certSetting: 'cloud.cli.certFile', keySetting: 'cloud.cli.keyFile' }
        : undefined;
    return { ...brokerOptions(loaded, { clientId, identity, ...(clientCert ? { clientCert } : {}) }), connectTimeoutMs: 5000 };
  }
  let port = loaded.config.cloud.embeddedPort;
  const dataDir = resolveConfigPath(loaded, loaded.config.node.dataDir);
  try {
    port = (JSON.parse(readFileSync(join(dataDir, EMBEDDED_BROKER_FILE), 'utf8')) as { port: number }).port;
  } catch {
    // No runtime file: the daemon is not running, or runs with a fixed port; use the config's.
  }
  // The platform identity: it may send requests and read events; a missing or unreadable
  // credentials file is an error naming the file and what to do.
  const identity = readBrokerCredentials(dataDir, loaded.nodeId).platform;
  return { ...brokerOptions(loaded, { clientId, embeddedPort: port, identity }), connectTimeoutMs: 5000 };
}

export class RequestTimeoutError extends Error {}

/**
 * Sends requests to a running daemon over MQTT, as the platform does, and awaits the matching
 * response (by transaction). Used by `sharpeyes request` and by commands such as `gate open`:
 *
 *   const client = await RequestClient.connect(loaded);
 *   try { const data = await client.call('gate/open', { gateId: 'north' }); } finally { await client.close(); }
 *
 * `call` resolves with the response's data, throws the daemon's readable error for an error
 * response, or a RequestTimeoutError naming the node and broker when nobody answers.
 */
export class RequestClient {
  private readonly waiting = new Map<string, (r: Response) => void>();
  private readonly subscribed = new Set<string>();

  private constructor(
    private readonly conn: MqttConnection,
    private readonly topics: Topics,
    private readonly url: string,
    private readonly nodeId: string,
    private readonly maxRequestBytes: number,
    private readonly username: string | undefined,
  ) {
    conn.onMessage((msg: IncomingMessage) => this.onMessage(msg));
  }

  static async connect(loaded: LoadedConfig, opts: { nodeId?: string; connect?: ConnectOptions } = {}): Promise<RequestClient> {
    const options = opts.connect ?? cliBrokerOptions(loaded, 'cli');
    const nodeId = opts.nodeId ?? loaded.nodeId;
    let conn: MqttConnection;
    try {
      conn = await MqttConnection.open(options);
    } catch (err) {
      // The embedded broker lives in the daemon; a configured broker's refusal already says why.
      if (loaded.config.cloud.url) throw err;
      throw new Error(`${errMessage(err)}; is the gateway running (sharpeyes start)?`, { cause: err });
    }
    return new RequestClient(
      conn,
      topicsFor(loaded.config.cloud.topicPrefix, nodeId),
      options.url,
      nodeId,
      loaded.config.cloud.maxRequestBytes,
      options.username,
    );
  }

  /** The whole response (ok or error), or a RequestTimeoutError. */
  async request(action: string, input: unknown = {}, timeoutMs = 10_000): Promise<Response> {
    // As its own account (the broker lets it write only under its user name); anonymous: the legacy topic.
    const requestTopic = this.username === undefined ? this.topics.request(action) : this.topics.requestFrom(this.username, action);
    const responseTopic = this.username === undefined ? this.topics.response(action) : this.topics.responseTo(this.username, action);
    if (!this.subscribed.has(responseTopic)) {
      await this.conn.subscribe([responseTopic], 1);
      this.subscribed.add(responseTopic);
    }
    const transaction = randomUUID();
    // ts (with its zone) and nonce: requests that change something are refused without them (stale or replayed).
    const payload = JSON.stringify({ transaction, input, ts: new Date().toISOString(), nonce: randomUUID() });
    // The daemon refuses larger requests without reading them (so without a transaction to echo).
    if (Buffer.byteLength(payload) > this.maxRequestBytes)
      throw new Error(
        `request of ${Buffer.byteLength(payload)} bytes is larger than the ${this.maxRequestBytes} bytes allowed (cloud.maxRequestBytes)`,
      );
    let timer: NodeJS.Timeout | undefined;
    const answer = new Promise<Response>((resolve, reject) => {
      timer = setTimeout(() => {
        this.waiting.delete(transaction);
        reject(
          new RequestTimeoutError(
            `no response to ${action} from node ${this.nodeId} within ${Math.round(timeoutMs / 1000)} s on ${this.url}: is the gateway running, connected to this broker, and is the node id right?`,
          ),
        );
      }, timeoutMs);
      this.waiting.set(transaction, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
    try {
      await this.conn.publish(requestTopic, payload, { qos: 1 });
    } catch (err) {
      clearTimeout(timer);
      this.waiting.delete(transaction);
      if (err instanceof PublishRefusedError)
        throw new Error(
          `the broker refused the request (${err.message}): the account the CLI connects with (${this.username ?? 'none'}) may not send requests there; ` +
            'set cloud.cli.username and cloud.cli.passwordFile to one that may',
          { cause: err },
        );
      throw err;
    }
    return answer;
  }

  /** The response's data; an error response becomes an Error with the daemon's message. */
  async call(action: string, input: unknown = {}, timeoutMs = 10_000): Promise<unknown> {
    const r = await this.request(action, input, timeoutMs);
    if (r.status === 'error') throw new Error(`${action} refused (${r.code}): ${r.error}`);
    return r.data;
  }

  async close(): Promise<void> {
    await this.conn.close();
  }

  private onMessage(msg: IncomingMessage): void {
    let body: Response;
    try {
      body = JSON.parse(msg.payload.toString('utf8')) as Response;
    } catch {
      return;
    }
    if (typeof body.transaction !== 'string') return;
    const done = this.waiting.get(body.transaction);
    if (!done) return;
    this.waiting.delete(body.transaction);
    done(body);
  }
}
