/**
 * The device's SIP user agent: one transport to the platform, client and server transactions,
 * and the device's identity (its URIs). Requests from the platform go to `onRequest`; the rest
 * of the device (registration, keepalive, queries, sessions) is built on `request()`/`respond()`.
 */
import type { Logger } from '../../../gateway/core/logger.js';
import { header, serialise, type SipHeader, type SipMessage, type SipRequest, type SipResponse } from './message.js';
import { makeRequest, makeResponse, newCallId, newTag } from './build.js';
import { ClientTransactions, ServerTransactions } from './transactions.js';
import { SipTransport, type Peer } from './transport.js';
import { errMessage } from '../../../gateway/core/errors.js';

export interface UaIdentity {
  deviceId: string;
  serverId: string;
  domain: string;
  server: { host: string; port: number };
  transport: 'udp' | 'tcp';
  localPort: number;
  localHost: string | undefined;
  /** Addresses besides the platform's own that may send requests. */
  extraAddresses?: readonly string[];
  t1Ms: number;
  userAgent: string;
}

export interface OutRequest {
  method: string;
  /** Request-URI; the platform's by default. */
  uri?: string;
  from?: string;
  to?: string;
  callId?: string;
  cseq?: number;
  headers?: SipHeader[];
  contentType?: string;
  body?: Buffer;
  contact?: boolean;
}

export class UserAgent {
  readonly transport: SipTransport;
  private readonly client: ClientTransactions;
  private readonly server: ServerTransactions;
  private cseq = Math.floor(Math.random() * 10_000) + 1;
  onRequest: (req: SipRequest, from: Peer) => void = () => undefined;

  constructor(
    readonly id: UaIdentity,
    private readonly log: Logger,
    onClosed?: (reason: string) => void,
  ) {
    this.transport = new SipTransport({
      transport: id.transport,
      server: id.server,
      localPort: id.localPort,
      ...(id.extraAddresses ? { extraAddresses: id.extraAddresses } : {}),
      log,
      onMessage: (m, from) => this.dispatch(m, from),
      ...(onClosed ? { onClosed } : {}),
    });
    this.client = new ClientTransactions({ send: (b) => this.transport.send(b), reliable: () => this.transport.reliable, t1Ms: id.t1Ms });
    this.server = new ServerTransactions(64 * id.t1Ms);
  }

  get deviceAor(): string {
    return `sip:${this.id.deviceId}@${this.id.domain}`;
  }
  get serverUri(): string {
    return `sip:${this.id.serverId}@${hostPort(this.id.server.host, this.id.server.port)}`;
  }
  get contact(): string {
    return `<sip:${this.id.deviceId}@${hostPort(this.transport.local.address, this.transport.local.port)}>`;
  }
  get local(): Peer {
    return this.transport.local;
  }

  start(): Promise<void> {
    return this.transport.start(this.id.localHost);
  }

  /** Makes sure the platform can be reached (resolved, TCP connected) and our address is known. */
  prepare(): Promise<void> {
    return this.transport.prepare();
  }

  async stop(): Promise<void> {
    this.client.cancelAll('SIP user agent stopped');
    await this.transport.stop();
  }

  nextCseq(): number {
    this.cseq = (this.cseq % 2_000_000_000) + 1;
    return this.cseq;
  }

  /** Builds a request with the device's defaults (to the platform, new Call-ID and tag). */
  build(r: OutRequest): SipRequest {
    return makeRequest({
      method: r.method,
      uri: r.uri ?? this.serverUri,
      via: { protocol: this.transport.protocol, host: this.local.address, port: this.local.port },
      from: r.from ?? `<${this.deviceAor}>;tag=${newTag()}`,
      to: r.to ?? `<sip:${this.id.serverId}@${this.id.domain}>`,
      callId: r.callId ?? newCallId(this.local.address),
      cseq: r.cseq ?? this.nextCseq(),
      ...(r.contact ? { contact: this.contact } : {}),
      ...(r.headers ? { headers: r.headers } : {}),
      ...(r.contentType ? { contentType: r.contentType } : {}),
      ...(r.body ? { body: r.body } : {}),
      userAgent: this.id.userAgent,
    });
  }

  /** Sends a request in its own client transaction; resolves with the final response. */
  send(req: SipRequest): Promise<SipResponse> {
    return this.client.request(req);
  }

  /** Sends a request without a transaction (ACK). */
  async sendRaw(req: SipRequest): Promise<void> {
    await this.transport.send(serialise(req));
  }

  /** Answers a request (and remembers the answer for its retransmissions). */
  async respond(req: SipRequest, from: Peer, res: SipResponse): Promise<void> {
    const buf = serialise(res);
    if (res.status >= 200) this.server.remember(req, buf);
    await this.transport
      .reply(buf, from)
      .catch((err: Error) => this.log.warn({ err: err.message, method: req.method }, 'cannot send SIP response'));
  }

  reply(req: SipRequest, from: Peer, status: number, opts: Parameters<typeof makeResponse>[2] = {}): Promise<void> {
    return this.respond(req, from, makeResponse(req, status, { userAgent: this.id.userAgent, ...opts }));
  }

  private dispatch(m: SipMessage, from: Peer): void {
    if (m.kind === 'response') {
      if (!this.client.onResponse(m))
        this.log.debug({ status: m.status, callId: header(m, 'Call-ID') }, 'SIP response matches no transaction');
      // The registrar accepted the box from this address: the platform's requests come from there too.
      else if (m.status >= 200 && m.status < 300 && /\bREGISTER\b/i.test(header(m, 'CSeq') ?? '')) this.transport.trust(from.address);
      return;
    }
    if (this.server.isRetransmission(m, (buf) => void this.transport.reply(buf, from).catch(() => undefined))) return;
    try {
      this.onRequest(m, from);
    } catch (err) {
      this.log.error({ err: errMessage(err), method: m.method }, 'SIP request handler failed');
      void this.reply(m, from, 500);
    }
  }
}

export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
