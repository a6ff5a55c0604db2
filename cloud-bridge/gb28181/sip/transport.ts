/**
 * SIP transport to one platform: a UDP socket on the box's SIP port, or one TCP connection the
 * box opens (and opens again when it is needed after a drop). Datagrams from any address other
 * than the platform's are dropped: only the platform may ask the box for video. Malformed
 * messages are logged (rate-limited) and dropped; a TCP stream that breaks framing is closed.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket as TcpSocket } from 'node:net';
import { lookup } from 'node:dns/promises';
import type { Logger } from '../../../gateway/core/logger.js';
import { parseMessage, SipParseError, type SipMessage } from './message.js';
import { StreamFramer } from './framing.js';

export interface Peer {
  address: string;
  port: number;
}

export interface TransportOptions {
  transport: 'udp' | 'tcp';
  server: { host: string; port: number };
  localPort: number;
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
  /** The box's own address and port as the platform sees them (Via, Contact, SDP). */
  local: Peer = { address: '0.0.0.0', port: 0 };

  constructor(private readonly o: TransportOptions) {}

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
        throw new Error(`cannot resolve ${this.o.server.host}: ${(err as Error).message}`);
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

  /** Sends a response to where the request came from (RFC 3581 symmetric response). */
  async reply(buf: Buffer, to: Peer): Promise<void> {
    if (this.udp) {
      await new Promise<void>((resolve, reject) => this.udp?.send(buf, to.port, to.address, (err) => (err ? reject(err) : resolve())));
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
    const u = this.udp;
    this.udp = undefined;
    if (u) await new Promise<void>((r) => u.close(() => r()));
  }

  private connectTcp(): Promise<TcpSocket> {
    if (this.tcp && !this.tcp.destroyed) return Promise.resolve(this.tcp);
    if (this.tcpConnecting) return this.tcpConnecting;
    this.tcpConnecting = new Promise<TcpSocket>((resolve, reject) => {
      const s = connect({
        host: this.serverAddress,
        port: this.o.server.port,
        ...(this.o.localPort ? { localPort: this.o.localPort } : {}),
      });
      const framer = new StreamFramer();
      const peer: Peer = { address: this.serverAddress, port: this.o.server.port };
      s.setNoDelay(true);
      s.setKeepAlive(true, 30_000);
      s.once('connect', () => {
        this.tcp = s;
        this.tcpConnecting = undefined;
        this.local = {
          address: this.local.address === '0.0.0.0' ? (s.localAddress ?? '0.0.0.0') : this.local.address,
          port: s.localPort ?? 0,
        };
        resolve(s);
      });
      s.on('data', (chunk: Buffer) => {
        let raw: Buffer[];
        try {
          raw = framer.push(chunk);
        } catch (err) {
          this.o.log.warn({ err: (err as Error).message }, 'SIP TCP stream broke framing; closing the connection');
          s.destroy();
          return;
        }
        for (const r of raw) this.deliver(r, peer);
      });
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

  private onDatagram(buf: Buffer, from: Peer): void {
    if (from.address !== this.serverAddress && from.address !== `::ffff:${this.serverAddress}`) {
      this.bad(`datagram from ${from.address}:${from.port}, not the platform`, buf);
      return;
    }
    if (buf.length <= 4 && buf.toString('latin1').trim() === '') return; // CRLF keep-alive
    this.deliver(buf, from);
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
