import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { errCode } from '../../gateway/core/errors.js';

/**
 * The only file that imports `mqtt`. One `MqttConnection` is one connection: it resolves when the
 * broker accepts it (CONNACK) and reports its end once. Reconnecting with backoff is the
 * caller's business (see link.ts), so every connection starts with an empty outgoing store and
 * a publish is either acknowledged on this connection or rejected when it closes.
 */
export interface ConnectOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  /** PEM contents, not paths. */
  /** certSetting: where the client certificate is configured, named in connect errors (default cloud.tls.certFile). */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean; certSetting?: string };
  keepaliveS?: number;
  /** 5 for the platform; 4 (3.1.1) for the embedded aedes broker, which does not speak MQTT 5. */
  protocolVersion?: 4 | 5;
  /** false keeps the session (subscriptions and queued QoS 1 messages) across connections. */
  clean?: boolean;
  /** MQTT 5 session expiry for clean: false. */
  sessionExpiryS?: number;
  will?: { topic: string; payload: string; retain: boolean; qos: 0 | 1 };
  connectTimeoutMs?: number;
}

export interface IncomingMessage {
  topic: string;
  payload: Buffer;
  retain: boolean;
  /** MQTT 5 correlation data, echoed on responses when present. */
  correlationData?: Buffer;
  responseTopic?: string;
}

/** The broker answered a publish with an error reason code (MQTT 5): retrying as is will not help. */
export class PublishRefusedError extends Error {
  constructor(
    message: string,
    readonly reasonCode: number,
  ) {
    super(message);
    this.name = 'PublishRefusedError';
  }
}

/** Messages kept for a listener not attached yet (a kept session's queue after a long absence). */
const EARLY_MAX = 100_000;

export class MqttConnection {
  private closed = false;
  private closing = false;
  private readonly pending = new Set<(err: Error) => void>();
  private readonly closeListeners = new Set<(err?: Error) => void>();
  private readonly messageListeners = new Set<(msg: IncomingMessage) => void>();
  /**
   * Messages that arrived before the first listener: a kept session (clean: false) gets what the
   * broker queued right after CONNACK, before the caller's `await open()` has resumed, and
   * mqtt.js acknowledges each one as it hands it over: dropped here, it would be lost for good.
   * Handed to the first listener; undefined once it is attached.
   */
  private early: IncomingMessage[] | undefined = [];
  private lastError: Error | undefined;

  private constructor(private readonly client: MqttClient) {
    client.on('error', (err) => {
      this.lastError = err;
    });
    client.on('disconnect', (packet) => {
      // MQTT 5: the broker says why it closes the connection (e.g. 142 session taken over).
      const code = packet.reasonCode ?? 0;
      const why = packet.properties?.reasonString ?? DISCONNECT_REASONS[code] ?? `reason code ${code}`;
      this.lastError = new Error(`the broker disconnected us: ${why}`);
    });
    client.on('close', () =>
      this.finish(this.closing ? undefined : (this.lastError ?? new Error('connection closed by the broker or the network'))),
    );
    client.on('message', (topic, payload, packet) => {
      const msg: IncomingMessage = { topic, payload, retain: packet.retain };
      const props = packet.properties;
      if (props?.correlationData) msg.correlationData = props.correlationData;
      if (props?.responseTopic) msg.responseTopic = props.responseTopic;
      if (this.early) {
        if (this.early.length < EARLY_MAX) this.early.push(msg);
        return;
      }
      for (const l of this.messageListeners) l(msg);
    });
  }

  /** Connects once. Rejects with a readable error (refused login, bad certificate, unreachable). */
  static open(opts: ConnectOptions): Promise<MqttConnection> {
    const options: IClientOptions = {
      clientId: opts.clientId,
      protocolVersion: opts.protocolVersion ?? 5,
      clean: opts.clean ?? true,
      keepalive: opts.keepaliveS ?? 30,
      reconnectPeriod: 0,
      connectTimeout: opts.connectTimeoutMs ?? 10_000,
      resubscribe: false,
    };
    if (opts.username !== undefined) options.username = opts.username;
    if (opts.password !== undefined) options.password = opts.password;
    if (opts.tls) {
      if (opts.tls.ca) options.ca = opts.tls.ca;
      if (opts.tls.cert) options.cert = opts.tls.cert;
      if (opts.tls.key) options.key = opts.tls.key;
      options.rejectUnauthorized = opts.tls.rejectUnauthorized;
    }
    if (opts.will)
      options.will = { topic: opts.will.topic, payload: Buffer.from(opts.will.payload), retain: opts.will.retain, qos: opts.will.qos };
    if (options.protocolVersion === 5 && opts.clean === false) options.properties = { sessionExpiryInterval: opts.sessionExpiryS ?? 3600 };

    return new Promise((resolve, reject) => {
      const client = mqtt.connect(opts.url, options);
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        client.end(true);
        reject(describeConnectError(opts.url, err, opts.tls?.certSetting));
      };
      client.once('error', fail);
      client.once('close', () => fail(new Error('connection closed before the broker accepted it')));
      client.once('connect', () => {
        if (settled) return;
        settled = true;
        client.removeListener('error', fail);
        resolve(new MqttConnection(client));
      });
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Resolves on PUBACK (QoS 1) or once written (QoS 0); rejects if refused or the connection ends. */
  publish(
    topic: string,
    payload: string | Buffer,
    opts: { qos: 0 | 1; retain?: boolean; correlationData?: Buffer } = { qos: 1 },
  ): Promise<void> {
    if (this.closed) return Promise.reject(new Error('not connected'));
    return new Promise((resolve, reject) => {
      const onClose = (err: Error) => reject(err);
      this.pending.add(onClose);
      const pubOpts: Parameters<MqttClient['publish']>[2] = { qos: opts.qos, retain: opts.retain ?? false };
      if (opts.correlationData) pubOpts.properties = { correlationData: opts.correlationData };
      this.client.publish(topic, payload, pubOpts, (err) => {
        this.pending.delete(onClose);
        if (!err) resolve();
        // A PUBACK with a reason code >= 0x80 (e.g. 0x87 not authorised by the ACL) is a refusal;
        // anything else (keepalive timeout, connection closed) is the connection going away.
        else if (typeof (err as { code?: unknown }).code === 'number')
          reject(new PublishRefusedError(err.message, (err as { code: number }).code));
        else reject(this.lastError ?? err);
      });
    });
  }

  async subscribe(topics: string[], qos: 0 | 1 = 1): Promise<void> {
    const granted = await this.client.subscribeAsync(topics, { qos });
    const refused = granted.filter((g) => g.qos === 128);
    if (refused.length) throw new Error(`broker refused the subscription to ${refused.map((g) => g.topic).join(', ')}`);
  }

  /** The first listener also gets, at once and in order, what arrived before it. */
  onMessage(listener: (msg: IncomingMessage) => void): () => void {
    this.messageListeners.add(listener);
    const early = this.early;
    this.early = undefined;
    for (const m of early ?? []) listener(m);
    return () => this.messageListeners.delete(listener);
  }

  /** Called once when the connection ends, with the reason when it was not our own close(). */
  onClose(listener: (err?: Error) => void): void {
    if (this.closed) listener(this.lastError);
    else this.closeListeners.add(listener);
  }

  /** Clean disconnect (no last will). Waits for pending acknowledgements up to the broker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closing = true;
    await new Promise<void>((resolve) => this.client.end(false, {}, () => resolve()));
    this.finish(undefined);
  }

  /** Drops the connection without DISCONNECT (the broker will publish the last will). */
  destroy(): void {
    if (this.closed) return;
    this.closing = true;
    this.client.end(true);
    this.finish(new Error('connection dropped'));
  }

  private finish(err: Error | undefined): void {
    if (this.closed) return;
    this.closed = true;
    const reason = err ?? new Error('connection closed');
    for (const reject of this.pending) reject(reason);
    this.pending.clear();
    for (const l of this.closeListeners) l(err);
    this.closeListeners.clear();
  }
}

const DISCONNECT_REASONS: Record<number, string> = {
  0x8e: 'session taken over (another client connected with the same client id: two gateways with one node id?)',
  0x87: 'not authorized',
  0x8b: 'server shutting down',
  0x8d: 'keep alive timeout',
  0x89: 'server busy',
  0x97: 'quota exceeded',
  0x95: 'packet too large',
  0x93: 'receive maximum exceeded',
};

const BROKER_CERT_CODES =
  /^(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERR_TLS_CERT_ALTNAME_INVALID)$/;

/** A connect failure as one line an operator can act on. */
export function describeConnectError(url: string, err: Error, certSetting = 'cloud.tls.certFile'): Error {
  const code = errCode(err) ?? '';
  // OpenSSL messages carry a long prefix and the source file; keep the reason ("tlsv1 alert unknown ca").
  const ssl = /SSL routines:[^:]*:([^:]+):/.exec(err.message)?.[1];
  let message = ssl ?? err.message;
  let hint = '';
  if (code === 'ECONNREFUSED') hint = 'nothing listens there: is the broker running?';
  else if (/Bad User Name or Password|Not authorized|bad username/i.test(err.message)) hint = 'check cloud.username and cloud.passwordFile';
  else if (/alert unknown ca/.test(message))
    hint = `the broker refused our client certificate: it does not trust the CA that signed ${certSetting}`;
  else if (/alert (certificate required|handshake failure)/.test(message))
    hint = `the broker wants a client certificate: set ${certSetting} and keyFile`;
  else if (/alert (bad certificate|certificate (revoked|expired|unknown))/.test(message))
    hint = `the broker refused our client certificate (${certSetting})`;
  else if (BROKER_CERT_CODES.test(code))
    hint = `the broker's certificate does not verify: check cloud.tls.caFile (and that the URL's host name is in the certificate)`;
  else if (/certificate|SSL|TLS|alert/i.test(`${err.message} ${code}`)) hint = 'check cloud.tls.caFile, certFile and keyFile';
  else if (code === 'ECONNRESET' || /socket hang up/.test(err.message))
    hint = 'the broker closed the connection: a refused client certificate or a TLS/plain mismatch?';
  if (code && !message.includes(code)) message += ` [${code}]`;
  return new Error(`cannot connect to ${url}: ${message.trim()}${hint ? ` (${hint})` : ''}`, { cause: err });
}
