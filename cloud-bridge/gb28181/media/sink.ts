/**
 * Where RTP packets go: UDP to the platform's media port, or RTP over TCP framed by RFC 4571,
 * the device connecting ("active") or listening for the platform ("passive"). A receiver that
 * goes away (ICMP port unreachable in a row, TCP close or error, nobody connecting in time) ends
 * the sink through `onGone`.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { frame4571 } from './rtp.js';

export interface MediaSink {
  /** The device's media port, for the SDP answer (9 when it connects out over TCP). */
  readonly port: number;
  /** Resolves once packets can flow (TCP connected). */
  open(): Promise<void>;
  send(packet: Buffer): void;
  /** Bytes queued and not yet taken by the network (TCP), for dropping pictures when congested. */
  backlog(): number;
  close(): void;
}

const REFUSED_IN_A_ROW = 5;

export async function udpSink(local: string, to: { address: string; port: number }, onGone: (why: string) => void): Promise<MediaSink> {
  const s: UdpSocket = createSocket('udp4');
  let refused = 0;
  let windowStart = 0;
  let closed = false;
  // A connected UDP socket reports ICMP port unreachable as 'error' events (not in send's
  // callback): REFUSED_IN_A_ROW of them within 2 s mean nobody listens any more.
  s.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ECONNREFUSED' || closed) return;
    const now = Date.now();
    if (now - windowStart > 2000) {
      windowStart = now;
      refused = 0;
    }
    if (++refused >= REFUSED_IN_A_ROW) {
      closed = true;
      onGone(`the receiver at ${to.address}:${to.port} is gone (port unreachable)`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(0, local === '0.0.0.0' ? undefined : local, () => {
      s.off('error', reject);
      resolve();
    });
  });
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.connect(to.port, to.address, () => {
      s.off('error', reject);
      resolve();
    });
  });
  return {
    port: s.address().port,
    open: async () => undefined,
    send(p) {
      if (closed) return;
      s.send(p);
    },
    backlog: () => 0,
    close() {
      closed = true;
      try {
        s.close();
      } catch {
        /* already closed */
      }
    },
  };
}

function tcpSinkOn(getSocket: () => Socket | undefined, port: number, open: () => Promise<void>, close: () => void): MediaSink {
  return {
    port,
    open,
    send(p) {
      const s = getSocket();
      if (s && !s.destroyed) s.write(frame4571(p));
    },
    backlog: () => getSocket()?.writableLength ?? 0,
    close,
  };
}

/** The device connects to the platform's media port (the platform's SDP said a=setup:passive). */
export function tcpActiveSink(to: { address: string; port: number }, timeoutMs: number, onGone: (why: string) => void): MediaSink {
  let sock: Socket | undefined;
  let closed = false;
  const open = () =>
    new Promise<void>((resolve, reject) => {
      const s = connect({ host: to.address, port: to.port, timeout: timeoutMs });
      sock = s;
      s.setNoDelay(true);
      s.once('connect', () => {
        s.setTimeout(0);
        resolve();
      });
      s.once('timeout', () => s.destroy(new Error(`no connection to ${to.address}:${to.port} within ${timeoutMs} ms`)));
      s.on('error', (err) => reject(new Error(`cannot connect to the receiver ${to.address}:${to.port}: ${err.message}`)));
      s.on('data', () => undefined); // RTCP or anything else from the receiver is ignored
      s.once('close', () => {
        if (!closed) onGone(`the receiver at ${to.address}:${to.port} closed the connection`);
      });
    });
  return tcpSinkOn(
    () => sock,
    9,
    open,
    () => {
      closed = true;
      sock?.destroy();
    },
  );
}

/** The device listens and the platform connects (the platform's SDP said a=setup:active). */
export async function tcpPassiveSink(local: string, timeoutMs: number, onGone: (why: string) => void): Promise<MediaSink> {
  let sock: Socket | undefined;
  let closed = false;
  let connected: (s: Socket) => void = () => undefined;
  const accepted = new Promise<Socket>((r) => (connected = r));
  const server: Server = createServer((s) => {
    if (sock) {
      s.destroy(); // one receiver per session
      return;
    }
    sock = s;
    s.setNoDelay(true);
    s.on('error', () => undefined);
    s.on('data', () => undefined);
    s.once('close', () => {
      if (!closed) onGone('the receiver closed the connection');
    });
    server.close();
    connected(s);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, local === '0.0.0.0' ? undefined : local, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const open = async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_r, reject) => {
      timer = setTimeout(() => reject(new Error(`the receiver did not connect to port ${port} within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([accepted, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  return tcpSinkOn(
    () => sock,
    port,
    open,
    () => {
      closed = true;
      server.close();
      sock?.destroy();
    },
  );
}
