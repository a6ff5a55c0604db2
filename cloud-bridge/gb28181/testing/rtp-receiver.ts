/**
 * The platform's media side in interop tests: receives the device's RTP (UDP, or RFC 4571 over
 * TCP, listening or connecting), checks each packet's header and keeps the PS payload, so the
 * test can hand the stream to ffprobe.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { parseRtp, Rfc4571Reader } from '../media/rtp.js';

export class RtpReceiver {
  readonly payloads: Buffer[] = [];
  readonly ssrcs = new Set<number>();
  readonly payloadTypes = new Set<number>();
  packets = 0;
  markers = 0;
  /** Sequence numbers that did not follow the previous one. */
  gaps = 0;
  bad = 0;
  private lastSeq: number | undefined;
  private udp: UdpSocket | undefined;
  private server: Server | undefined;
  private sockets = new Set<Socket>();
  port = 0;

  static async udp(): Promise<RtpReceiver> {
    const r = new RtpReceiver();
    const s = createSocket('udp4');
    s.on('message', (b) => r.take(b));
    await new Promise<void>((res) => s.bind(0, '127.0.0.1', () => res()));
    r.udp = s;
    r.port = s.address().port;
    return r;
  }

  /** Listens for the device (the platform's a=setup:passive). */
  static async tcpListen(): Promise<RtpReceiver> {
    const r = new RtpReceiver();
    r.server = createServer((sock) => r.attach(sock));
    await new Promise<void>((res) => r.server?.listen(0, '127.0.0.1', () => res()));
    r.port = (r.server.address() as { port: number }).port;
    return r;
  }

  /** Connects to the device's listening port (the platform's a=setup:active). */
  async tcpConnect(port: number): Promise<void> {
    await new Promise<void>((res, rej) => {
      const sock = connect({ host: '127.0.0.1', port }, () => res());
      sock.once('error', rej);
      this.attach(sock);
    });
  }

  get bytes(): number {
    return this.payloads.reduce((n, p) => n + p.length, 0);
  }

  ps(): Buffer {
    return Buffer.concat(this.payloads);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const u = this.udp;
    this.udp = undefined;
    if (u) await new Promise<void>((r) => u.close(() => r()));
    const srv = this.server;
    this.server = undefined;
    if (srv) await new Promise<void>((r) => srv.close(() => r()));
  }

  private attach(sock: Socket): void {
    this.sockets.add(sock);
    const reader = new Rfc4571Reader();
    sock.on('data', (d: Buffer) => {
      for (const p of reader.push(d)) this.take(p);
    });
    sock.on('error', () => undefined);
    sock.on('close', () => this.sockets.delete(sock));
  }

  private take(b: Buffer): void {
    let p;
    try {
      p = parseRtp(b);
    } catch {
      this.bad++;
      return;
    }
    this.packets++;
    if (p.marker) this.markers++;
    this.ssrcs.add(p.ssrc);
    this.payloadTypes.add(p.payloadType);
    if (this.lastSeq !== undefined && p.seq !== ((this.lastSeq + 1) & 0xffff)) this.gaps++;
    this.lastSeq = p.seq;
    this.payloads.push(Buffer.from(p.payload));
  }
}
