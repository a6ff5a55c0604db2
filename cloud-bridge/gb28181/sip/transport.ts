/**
 * SIP transport to one platform: a UDP socket on the box's SIP port, or over TCP one connection
 * the box opens (and opens again when it is needed after a drop) plus a listener on the box's SIP
 * port for the connections the platform opens to the Contact it registered (answers go back on
 * the connection a request came in on).
 *
 * Only the platform may ask the box for anything (video above all). Requests are taken from the
 * platform's resolved address, from the addresses it answered a REGISTER from (`trust`: a NATed
 * or multi-homed platform answers and asks from another address than the one the box sends
 * to), and from `extraAddresses` (config); from anywhere else they are dropped, and so are TCP
 * connections. Responses are taken from any address: they only count when they match a
 * transaction the box started (its random branch), which is how the registrar's address is
 * learned. Malformed messages are logged (rate-limited) and dropped; a TCP stream that breaks
 * framing is closed.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server as TcpServer, type Socket as TcpSocket } from 'node:net';
import { lookup } from 'node:dns/promises';
import type { Logger } from '../../../gateway/core/logger.js';
import { parseMessage, SipParseError, type SipMessage } from './message.js';
import { StreamFramer } from './framing.js';
import { errMessage } from '../../../gateway/core/errors.js';

export interface Peer {
  address: string;
  port: number;
}

export interface TransportOptions {
  transport: 'udp' | 'tcp';
  server: { host: string; port: number };
  localPort: number;
  /** Addresses besides the platform's own that may send requests (config `server.extraAddresses`). */
  extraAddresses?: readonly string[];
  log: Logger;
  onMessage(msg: SipMessage, from: Peer): void;
  /** The TCP connection closed (the registration is likely gone with it). */
  onClosed?(reason: string): void;
}

export class SipTransport {
  private udp: UdpSocket | undefined;
  private tcp: TcpSocket | undefined;
  private tcpConnecting: Promise<TcpSocket> | undefined;
  private serverAddress = '';
  private localHost: string | undefined;
  private lastBadLog = 0;
  private badCount = 0;
  private stopped = false;
  private readonly trusted = new Set<string>();
  private listener: TcpServer | undefined;
  /** Connections the platform opened, by `address:port` of their far end. */
  private readonly accepted = new Map<string, TcpSocket>();
  /** The box's own address and port as the platform sees them (Via, Contact, SDP). */
  local: Peer = { address: '0.0.0.0', port: 0 };

  constructor(private readonly o: TransportOptions) {
    for (const a of o.extraAddresses ?? []) this.trusted.add(plain(a));
  }

  /** Requests from this address are the platform's too (it answered a REGISTER from there). */
  trust(address: string): void {
    const a = plain(address);
    if (a === this.serverAddress || this.trusted.has(a)) return;
    this.trusted.add(a);
    this.o.log.info(
      { address: a, server: this.serverAddress },
      'the GB/T 28181 platform answers from another address; its requests from there are accepted',
    );
  }

  /** Whether requests (and TCP connections) from this address are accepted. */
  accepts(address: string): boolean {
    const a = plain(address);
    return a === this.serverAddress || this.trusted.has(a);
  }

  get protocol(): 'UDP' | 'TCP' {
    return this.o.transport === 'udp' ? 'UDP' : 'TCP';
  }

  /**
   * Binds the UDP socket (a port already taken is a start error). Reaching the platform (DNS,
   * route, TCP connection) is tried here and again before every send: a platform that is down
   * or unknown at boot never stops the gateway, the registration keeps trying.
   */
  async start(localHost: string | undefined): Promise<void> {
    this.localHost = localHost;
    if (this.o.transport === 'udp') {
      const sock = createSocket(this.o.server.host.includes(':') ? 'udp6' : 'udp4');
      sock.on('message', (buf, rinfo) => this.onDatagram(buf, { address: rinfo.address, port: rinfo.port }));
      sock.on('error', (err) => this.o.log.warn({ err: err.message }, 'SIP UDP socket error'));
      await new Promise<void>((resolve, reject) => {
        sock.once('error', reject);
        sock.bind(this.o.localPort, () => {
          sock.off('error', reject);
          resolve();
        });
      });
      this.udp = sock;
      this.local = { address: localHost ?? '0.0.0.0', port: sock.address().port };
    } else {
      const server = createServer((s) => this.onAccepted(s));
      server.on('error', (err) => this.o.log.warn({ err: err.message }, 'SIP TCP listener error'));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.o.localPort, () => {
          server.off('error', reject);
          resolve();
        });
      });
      this.listener = server;
      this.local = { address: localHost ?? '0.0.0.0', port: (server.address() as { port: number }).port };
    }
    await this.prepare().catch((err: Error) =>
      this.o.log.warn({ err: err.message }, 'the platform cannot be reached yet; registration keeps trying'),
    );
  }

  /** Resolves the platform (until that works), learns the box's address on the route, and over TCP connects. */
  async prepare(): Promise<void> {
    if (this.stopped) throw new Error('SIP transport stopped');
    if (!this.serverAddress) {
      let address: string;
      try {
        address = (await lookup(this.o.server.host)).address;
      } catch (err) {
        throw new Error(`cannot resolve ${this.o.server.host}: ${errMessage(err)}`);
      }
      const local = this.localHost ?? (await localAddressTowards(address, this.o.server.port));
      this.serverAddress = address;
      this.local = { ...this.local, address: local };
    }
    if (this.o.transport === 'tcp') await this.connectTcp();
  }

  /** Sends to the platform (the TCP connection is opened again if it dropped). */
  async send(buf: Buffer): Promise<void> {
    await this.prepare();
    if (this.udp) {
      await new Promise<void>((resolve, reject) =>
        this.udp?.send(buf, this.o.server.port, this.serverAddress, (err) => (err ? reject(err) : resolve())),
      );
      return;
    }
    const s = await this.connectTcp();
    await new Promise<void>((resolve, reject) => s.write(buf, (err) => (err ? reject(err) : resolve())));
  }

  /** Sends a response to where the request came from (RFC 3581 symmetric response; over TCP, its connection). */
  async reply(buf: Buffer, to: Peer): Promise<void> {
    if (this.udp) {
      await new Promise<void>((resolve, reject) => this.udp?.send(buf, to.port, to.address, (err) => (err ? reject(err) : resolve())));
      return;
    }
    const conn = this.accepted.get(`${to.address}:${to.port}`);
    if (conn && !conn.destroyed) {
      await new Promise<void>((resolve, reject) => conn.write(buf, (err) => (err ? reject(err) : resolve())));
      return;
    }
    await this.send(buf);
  }

  get reliable(): boolean {
    return this.o.transport === 'tcp';
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.tcp?.destroy();
    this.tcp = undefined;
    for (const c of this.accepted.values()) c.destroy();
    this.accepted.clear();
    const l = this.listener;
    this.listener = undefined;
    if (l) await new Promise<void>((r) => l.close(() => r()));
    const u = this.udp;
    this.udp = undefined;
    if (u) await new Promise<void>((r) => u.close(() => r()));
  }

  private connectTcp(): Promise<TcpSocket> {
    if (this.tcp && !this.tcp.destroyed) return Promise.resolve(this.tcp);
    if (this.tcpConnecting) return this.tcpConnecting;
    this.tcpConnecting = new Promise<TcpSocket>((resolve, reject) => {
      // From any port: the box's SIP port is its listener's (the Contact the platform connects to).
      const s = connect({ host: this.serverAddress, port: this.o.server.port });
      const framer = new StreamFramer();
      const peer: Peer = { address: this.serverAddress, port: this.o.server.port };
      s.setNoDelay(true);
      s.setKeepAlive(true, 30_000);
      s.once('connect', () => {
        this.tcp = s;
        this.tcpConnecting = undefined;
        this.local = {
          address: this.local.address === '0.0.0.0' ? (s.localAddress ?? '0.0.0.0') : this.local.address,
          port: this.local.port,
        };
        resolve(s);
      });
      this.read(s, framer, peer);
      s.on('error', (err) => {
        if (this.tcpConnecting && this.tcp !== s) {
          this.tcpConnecting = undefined;
          reject(new Error(`cannot connect to ${this.o.server.host}:${this.o.server.port}: ${err.message}`));
        }
      });
      s.on('close', () => {
        if (this.tcp === s) {
          this.tcp = undefined;
          if (!this.stopped) this.o.onClosed?.('connection closed');
        }
      });
    });
    return this.tcpConnecting;
  }

  /** Feeds a TCP stream's messages to `deliver`. */
  private read(s: TcpSocket, framer: StreamFramer, peer: Peer): void {
    s.on('data', (chunk: Buffer) => {
      let raw: Buffer[];
      try {
        raw = framer.push(chunk);
      } catch (err) {
        this.o.log.warn({ err: errMessage(err) }, 'SIP TCP stream broke framing; closing the connection');
        s.destroy();
        return;
      }
      for (const r of raw) this.deliver(r, peer);
    });
  }

  /** A connection the platform opened to the box's SIP port. */
  private onAccepted(s: TcpSocket): void {
    const peer: Peer = { address: plain(s.remoteAddress ?? ''), port: s.remotePort ?? 0 };
    if (this.stopped || !this.accepts(peer.address)) {
      this.bad(`TCP connection from ${peer.address}:${peer.port}, not the platform`, Buffer.alloc(0));
      s.destroy();
      return;
    }
    const key = `${peer.address}:${peer.port}`;
    this.accepted.set(key, s);
    s.setNoDelay(true);
    s.setKeepAlive(true, 30_000);
    s.on('error', () => undefined);
    s.on('close', () => this.accepted.delete(key));
    this.read(s, new StreamFramer(), peer);
  }

  private onDatagram(buf: Buffer, from: Peer): void {
    if (buf.length <= 4 && buf.toString('latin1').trim() === '') return; // CRLF keep-alive
    // A response counts only if it matches a transaction of the box: it may come from anywhere.
    if (!this.accepts(from.address) && buf.subarray(0, 8).toString('latin1') !== 'SIP/2.0 ') {
      this.bad(`request from ${from.address}:${from.port}, not the platform`, buf);
      return;
    }
    this.deliver(buf, { address: plain(from.address), port: from.port });
  }

  private deliver(raw: Buffer, from: Peer): void {
    let msg: SipMessage;
    try {
      msg = parseMessage(raw);
    } catch (err) {
      if (err instanceof SipParseError) {
        this.bad(err.message, raw);
        return;
      }
      throw err;
    }
    this.o.onMessage(msg, from);
  }

  /** One warning per 10 s at most, with how many were dropped meanwhile. */
  private bad(reason: string, raw: Buffer): void {
    this.badCount++;
    const now = Date.now();
    if (now - this.lastBadLog < 10_000) return;
    this.o.log.warn({ reason, dropped: this.badCount, bytes: raw.length }, 'SIP message dropped');
    this.lastBadLog = now;
    this.badCount = 0;
  }
}

/** An IPv4 address without its IPv6-mapped prefix. */
function plain(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** The box's address on the route to `host` (a connected UDP socket sends nothing). */
export async function localAddressTowards(host: string, port: number): Promise<string> {
  const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.connect(port, host, () => resolve());
    });
    return s.address().address;
  } finally {
    s.close();
  }
}
