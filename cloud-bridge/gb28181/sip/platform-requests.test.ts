import { afterEach, describe, expect, it } from 'vitest';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { createLogger } from '../../../gateway/core/logger.js';
import { parseMessage, serialise, type SipMessage, type SipRequest } from './message.js';
import { makeResponse } from './build.js';
import { UserAgent } from './ua.js';
import { SipTransport, type Peer } from './transport.js';

// Requests from the platform over real loopback sockets: a multi-homed platform (127.0.0.1 and
// 127.0.0.2 are both the platform), a stranger (127.0.0.3), an extra address from the config
// (127.0.0.4); over TCP a connection the platform opens to the box's SIP port.
const log = createLogger({ level: 'silent' });
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const request = (cseq: number, via = '127.0.0.9:5060') =>
  Buffer.from(
    [
      'MESSAGE sip:34020000001180000001@3402000000 SIP/2.0',
      `Via: SIP/2.0/UDP ${via};branch=z9hG4bK-${cseq}-${Math.random().toString(16).slice(2)}`,
      'From: <sip:34020000002000000001@3402000000>;tag=p1',
      'To: <sip:34020000001180000001@3402000000>',
      `Call-ID: call-${cseq}@platform`,
      `CSeq: ${cseq} MESSAGE`,
      'Max-Forwards: 70',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );

async function udp(address: string): Promise<UdpSocket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, address, () => r()));
  cleanups.push(() => new Promise<void>((r) => s.close(() => r())));
  return s;
}
const sendFrom = (s: UdpSocket, buf: Buffer, port: number) => new Promise<void>((r) => s.send(buf, port, '127.0.0.1', () => r()));
const settle = () => new Promise((r) => setTimeout(r, 200));

describe('which platform requests the box takes', () => {
  it('UDP: from the address that answered its REGISTER and from extraAddresses, not from strangers', async () => {
    const front = await udp('127.0.0.1'); // where the box sends
    const back = await udp('127.0.0.2'); // where the platform answers and asks from
    const stranger = await udp('127.0.0.3');
    const extra = await udp('127.0.0.4');
    const ua = new UserAgent(
      {
        deviceId: '34020000001180000001',
        serverId: '34020000002000000001',
        domain: '3402000000',
        server: { host: '127.0.0.1', port: front.address().port },
        transport: 'udp',
        localPort: 0,
        localHost: '127.0.0.1',
        extraAddresses: ['127.0.0.4'],
        t1Ms: 100,
        userAgent: 'test',
      },
      log,
    );
    const got: { cseq: string; from: Peer }[] = [];
    ua.onRequest = (req, from) => {
      got.push({ cseq: req.headers.find((h) => h.name === 'CSeq')?.value ?? '', from });
      void ua.reply(req, from, 200);
    };
    await ua.start();
    cleanups.push(() => ua.stop());
    const box = ua.local.port;
    // Before registering: the back address is a stranger too.
    await sendFrom(back, request(1), box);
    await sendFrom(stranger, request(2), box);
    await settle();
    expect(got).toEqual([]);
    // The box registers; the platform answers from its other address.
    front.once('message', (buf) => {
      const res = serialise(makeResponse(parseMessage(buf) as SipRequest, 200, {}));
      void sendFrom(back, res, box);
    });
    const res = await ua.send(ua.build({ method: 'REGISTER', contact: true, headers: [{ name: 'Expires', value: '60' }] }));
    expect(res.status).toBe(200);
    const answers: SipMessage[] = [];
    back.on('message', (buf) => answers.push(parseMessage(buf)));
    await sendFrom(back, request(3), box);
    await sendFrom(stranger, request(4), box);
    await sendFrom(extra, request(5), box);
    await sendFrom(front, request(6), box);
    await settle();
    expect(got.map((g) => [g.cseq, g.from.address])).toEqual([
      ['3 MESSAGE', '127.0.0.2'],
      ['5 MESSAGE', '127.0.0.4'],
      ['6 MESSAGE', '127.0.0.1'],
    ]);
    expect(answers.map((a) => (a.kind === 'response' ? a.status : 0))).toEqual([200]); // answered where it asked from
  });

  it('TCP: takes a connection the platform opens to its SIP port and answers on it; refuses one from a stranger', async () => {
    const platformConns: Socket[] = [];
    const platform: Server = createServer((s) => platformConns.push(s));
    await new Promise<void>((r) => platform.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => {
      for (const s of platformConns) s.destroy();
      return new Promise<void>((r) => platform.close(() => r()));
    });
    const got: { msg: SipMessage; from: Peer }[] = [];
    const t = new SipTransport({
      transport: 'tcp',
      server: { host: '127.0.0.1', port: (platform.address() as { port: number }).port },
      localPort: 0,
      log,
      onMessage: (msg, from) => got.push({ msg, from }),
    });
    await t.start('127.0.0.1');
    cleanups.push(() => t.stop());
    await t.send(Buffer.from('OPTIONS sip:x SIP/2.0\r\nContent-Length: 0\r\n\r\n')); // the box's own connection
    expect(platformConns).toHaveLength(1);
    expect(t.local.port).not.toBe(platformConns[0]!.remotePort); // Contact names the listener, not the outgoing port
    // The platform opens a connection of its own to the box's Contact and sends a request on it.
    const inbound = connect({ host: '127.0.0.1', port: t.local.port, localAddress: '127.0.0.1' });
    cleanups.push(() => void inbound.destroy());
    const replies: Buffer[] = [];
    inbound.on('data', (d: Buffer) => replies.push(d));
    await new Promise((r) => inbound.once('connect', r));
    inbound.write(request(7));
    await settle();
    expect(got.map((g) => g.from)).toEqual([{ address: '127.0.0.1', port: inbound.localPort }]);
    await t.reply(Buffer.from('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n'), got[0]!.from);
    await settle();
    expect(Buffer.concat(replies).toString()).toMatch(/^SIP\/2\.0 200 OK/);
    // A stranger's connection is closed without reading it.
    const odd = connect({ host: '127.0.0.1', port: t.local.port, localAddress: '127.0.0.3' });
    odd.on('error', () => undefined);
    await new Promise((r) => odd.once('close', r));
    expect(got).toHaveLength(1);
  });
});
