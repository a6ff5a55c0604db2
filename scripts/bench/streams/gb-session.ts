// One GB/T 28181 live session for the streams bench: SIPp plays the platform (REGISTER with
// Digest, queries, INVITE for the camera's channel, ACK, then BYE when told), the box's GB/T 28181
// room answers it with the cameras room's shared stream, the platform's media side (UDP) counts
// pictures. Resolves with INVITE → first picture sent (the device's own clock, from the INVITE it
// handled) and INVITE → first picture received by the platform (polled every 5 ms).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Gb28181Room } from '../../../cloud-bridge/gb28181/room.js';
import { freeSipPort, Sipp } from '../../../cloud-bridge/gb28181/testing/sipp.js';
import { RtpReceiver } from '../../../cloud-bridge/gb28181/testing/rtp-receiver.js';
import type { CameraStreams } from '../../../gateway/rooms/cameras/room.js';
import { startRoom, testContext, until } from '../../../gateway/testing/context.js';

const DEVICE = '34020000001180000001';
const SERVER = '34020000002000000001';
const REALM = '3402000000';
const CHANNEL = '34020000001320000101';
const PASSWORD = 'bench-gb-secret';

export interface GbSample {
  inviteToFirstSentMs: number;
  inviteToFirstReceivedMs: number;
  /** The PS the platform had when its first picture was complete holds an H.264 IDR slice: it can decode it. */
  firstDecodable: boolean;
}

/** An H.264 IDR slice (NAL type 5) after a start code in the received program stream. */
function hasIdr(ps: Buffer): boolean {
  for (let i = ps.indexOf(Buffer.from([0, 0, 1])); i >= 0 && i + 3 < ps.length; i = ps.indexOf(Buffer.from([0, 0, 1]), i + 3))
    if (((ps[i + 3] as number) & 0x1f) === 5) return true;
  return false;
}

export async function gbSession(cameras: CameraStreams, cameraConfig: Record<string, unknown>): Promise<GbSample> {
  const rx = await RtpReceiver.udp();
  const sipp = new Sipp('platform.xml', {
    transport: 'udp',
    port: await freeSipPort(),
    twinPort: await freeSipPort(),
    set: {
      user: DEVICE,
      password: PASSWORD,
      realm: REALM,
      qop: 'qop="auth", ',
      device: DEVICE,
      server: SERVER,
      channel: CHANNEL,
      media_ip: '127.0.0.1',
      media_port: rx.port,
      proto: 'RTP/AVP',
      setup: 'passive',
      ssrc: '0100000001',
    },
  });
  await sipp.start();
  const ctx = testContext({
    cameras: { ...cameraConfig, liveView: { enabled: false } },
    faces: { enabled: false },
    plates: { enabled: false },
    console: { enabled: false },
    gb28181: {
      enabled: true,
      server: { id: SERVER, host: '127.0.0.1', port: sipp.port, transport: 'udp' },
      deviceId: DEVICE,
      passwordFile: 'gb.pw',
      localPort: 0,
      maxLiveSessions: 1,
      channelIds: { cam: CHANNEL },
    },
  });
  writeFileSync(join(ctx.dataDir, 'gb.pw'), `${PASSWORD}\n`, { mode: 0o600 });
  const gb = new Gb28181Room(ctx, { cameras, devices: { info: () => undefined } });
  const stop = await startRoom(ctx, gb);
  try {
    await until(() => rx.markers > 0, 'the first picture at the platform', 60_000, 5);
    const receivedAt = Date.now();
    const firstDecodable = hasIdr(rx.ps());
    const session = [...(gb.device()?.calls.sessions.values() ?? [])][0];
    if (!session) throw new Error('no GB/T 28181 session on the device');
    const sent = session.stats.firstSentMs;
    // From the device's handling of the INVITE (its own clock, this process) to the platform's first picture.
    const received = receivedAt - session.stats.startedAt;
    const invite = sipp.messages().find((m) => m.direction === 'sent' && m.first === 'INVITE');
    if (invite) await sipp.command(invite.callId);
    await sipp
      .waitFor(
        (m) => m.some((x) => x.direction === 'received' && x.first === '200' && /^CSeq: 2 BYE/m.test(x.text)),
        'BYE answered',
        10_000,
      )
      .catch(() => undefined);
    return { inviteToFirstSentMs: sent, inviteToFirstReceivedMs: received, firstDecodable };
  } finally {
    await stop();
    await sipp.stop();
    await rx.close();
    ctx.dispose();
  }
}
