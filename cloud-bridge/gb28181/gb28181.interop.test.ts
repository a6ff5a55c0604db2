import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRoom, TEST_ACTOR, testContext, until, type TestContext } from '../../gateway/testing/context.js';
import { AlarmsRoom } from '../../gateway/rooms/alarms/room.js';
import { DevicesRoom } from '../../gateway/rooms/devices/room.js';
import { CamerasRoom } from '../../gateway/rooms/cameras/room.js';
import { startRtspServer, type RtspServer } from '../../gateway/lib/rtsp-server/rtsp-server.js';
import { h264Clip } from '../../gateway/rooms/cameras/testing/clips.js';
import { Gb28181Room } from './room.js';
import { bodyOf, haveSipp, freeSipPort, Sipp, xmlText, type SippMessage } from './testing/sipp.js';
import { RtpReceiver } from './testing/rtp-receiver.js';
import { gstPsProbe, haveMpegPsDemux } from './testing/gst-ps.js';

/**
 * The box as a GB/T 28181 device against SIPp playing the platform: Digest registration checked
 * by SIPp's verifyauth, keepalives, Catalog/DeviceInfo/DeviceStatus answers, an alarm Notify
 * after a press on a simulated alarm post, and live video from a GStreamer RTSP camera received
 * as PS over RTP (UDP, TCP with the device connecting, TCP with the device listening) and
 * checked with ffprobe. Everything runs through the real rooms (devices, cameras, gb28181).
 */
const SKIP = haveSipp() ? false : 'sipp is not installed (scripts/install-system-deps.sh installs sip-tester)';

it('the SIPp, ffprobe and GStreamer mpegpsdemux peers are installed (a missing peer is a failure, not a skip)', () => {
  expect(SKIP || '').toBe('');
  expect(spawnSync('ffprobe', ['-version'], { stdio: 'ignore' }).error).toBeUndefined();
  expect(haveMpegPsDemux()).toBe(true);
});

const DEVICE = '34020000001180000001';
const SERVER = '34020000002000000001';
const REALM = '3402000000';
const NORTH_CAM = '34020000001320000101';
const PASSWORD = 'Gb-28181-secret';

function ffprobe(file: string): { codec?: string; width?: number; height?: number; frames: number } {
  const r = spawnSync(
    'ffprobe',
    ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_name,width,height,nb_read_frames', '-of', 'json', file],
    { encoding: 'utf8' },
  );
  const s = (
    JSON.parse(r.stdout || '{}') as { streams?: { codec_name?: string; width?: number; height?: number; nb_read_frames?: string }[] }
  ).streams?.[0];
  return { codec: s?.codec_name, width: s?.width, height: s?.height, frames: Number(s?.nb_read_frames ?? 0) };
}

/** The MESSAGEs of one CmdType SIPp received, each once (a UDP retransmission has the same Call-ID). */
const received = (msgs: SippMessage[], cmd: string) => {
  const seen = new Set<string>();
  return msgs.filter((m) => {
    if (m.direction !== 'received' || m.first !== 'MESSAGE' || xmlText(bodyOf(m), 'CmdType') !== cmd || seen.has(m.callId)) return false;
    seen.add(m.callId);
    return true;
  });
};

interface Harness {
  ctx: TestContext;
  sipp: Sipp;
  rx: RtpReceiver;
  stops: Array<() => Promise<void>>;
  gb: Gb28181Room;
  cameras: CamerasRoom;
}

/** Media modes: UDP; TCP where the platform listens (device active); TCP where the device listens. */
type Mode = { sip: 'udp' | 'tcp'; media: 'udp' | 'tcp-device-connects' | 'tcp-device-listens'; qop: boolean };

async function setUp(mode: Mode, camera: RtspServer): Promise<Harness> {
  const rx =
    mode.media === 'udp'
      ? await RtpReceiver.udp()
      : mode.media === 'tcp-device-connects'
        ? await RtpReceiver.tcpListen()
        : new RtpReceiver();
  const sipp = new Sipp('platform.xml', {
    transport: mode.sip,
    port: await freeSipPort(),
    twinPort: await freeSipPort(),
    set: {
      user: DEVICE,
      password: PASSWORD,
      realm: REALM,
      qop: mode.qop ? 'qop="auth", ' : '',
      device: DEVICE,
      server: SERVER,
      channel: NORTH_CAM,
      media_ip: '127.0.0.1',
      media_port: rx.port || 9,
      proto: mode.media === 'udp' ? 'RTP/AVP' : 'TCP/RTP/AVP',
      setup: mode.media === 'tcp-device-listens' ? 'active' : 'passive',
      ssrc: '0100000001',
    },
  });
  await sipp.start();
  const ctx = testContext({
    node: { id: 'box-1' },
    cameras: {
      demo: false,
      analysis: { fps: 1, width: 64, height: 64 },
      liveView: { enabled: false },
      list: [
        { id: 'north-cam', name: '北门车行道', rtsp: camera.url('/cam'), motion: { enabled: false } },
        { id: 'south-cam', name: '南门人行道𠀀堃', rtsp: camera.url('/cam'), motion: { enabled: false } },
      ],
    },
    devices: [
      { id: 'alarm-1', name: '一号报警柱', profile: 'alarm-post-sos200', simulate: true },
      { id: 'gate-1', name: '北门道闸', profile: 'barrier-bg300-framed', simulate: true },
      { id: 'door-1', profile: 'turnstile-ts100-framed', simulate: true },
    ],
    faces: { enabled: false },
    plates: { enabled: false },
    console: { enabled: false },
    gb28181: {
      enabled: true,
      server: { id: SERVER, host: '127.0.0.1', port: sipp.port, transport: mode.sip },
      deviceId: DEVICE,
      passwordFile: 'gb.pw',
      localPort: 0,
      keepaliveIntervalS: 1,
      maxLiveSessions: 1,
      channelIds: { 'north-cam': NORTH_CAM },
    },
  });
  writeFileSync(join(ctx.dataDir, 'gb.pw'), `${PASSWORD}\n`, { mode: 0o600 });
  const devices = new DevicesRoom(ctx);
  const cameras = new CamerasRoom(ctx);
  const alarms = new AlarmsRoom(ctx, { gates: devices, devices, cameras });
  const gb = new Gb28181Room(ctx, { cameras, devices });
  const stops: Array<() => Promise<void>> = [];
  for (const r of [devices, cameras, alarms, gb]) stops.push(await startRoom(ctx, r));
  return { ctx, sipp, rx, stops, gb, cameras };
}

async function tearDown(h: Harness | undefined): Promise<void> {
  if (!h) return;
  for (const stop of [...h.stops].reverse()) await stop();
  await h.sipp.stop();
  await h.rx.close();
  h.ctx.dispose();
}

describe.skipIf(SKIP)('GB/T 28181 device against SIPp as the platform', () => {
  let camera: RtspServer;
  beforeAll(async () => {
    // Long enough for every describe below: the shared file media does not loop.
    camera = await startRtspServer({ files: { '/cam': h264Clip(320, 180, 10, 900) } });
  });
  afterAll(async () => {
    await camera?.stop();
  });

  const modes: Mode[] = [
    { sip: 'udp', media: 'udp', qop: true },
    { sip: 'tcp', media: 'tcp-device-connects', qop: false },
    { sip: 'udp', media: 'tcp-device-listens', qop: true },
  ];
  describe.each(modes)('SIP over $sip, media $media, Digest qop=auth $qop', (mode) => {
    let h: Harness;
    beforeAll(async () => {
      h = await setUp(mode, camera);
    });
    afterAll(async () => tearDown(h));

    it('registers with Digest (SIPp verifyauth accepts the answer) and sends keepalives', async () => {
      const msgs = await h.sipp.waitFor((m) => received(m, 'Keepalive').length >= 2, 'two keepalives');
      const regs = msgs.filter((m) => m.first === 'REGISTER');
      expect(regs[0]?.text).not.toMatch(/^Authorization:/m);
      expect(regs.find((m) => /^Authorization:/m.test(m.text))?.text).toMatch(
        /^Authorization: Digest username="34020000001180000001", realm="3402000000"/m,
      );
      expect(/qop=auth, nc=00000001, cnonce=/.test(regs.find((m) => /^Authorization:/m.test(m.text))?.text ?? '')).toBe(mode.qop);
      expect(msgs.filter((m) => m.direction === 'sent').map((m) => m.first)).toEqual(expect.arrayContaining(['401', '200']));
      expect(msgs.some((m) => m.direction === 'sent' && m.first === '403')).toBe(false);
      const ka = bodyOf(received(msgs, 'Keepalive')[0] as SippMessage);
      expect(xmlText(ka, 'DeviceID')).toBe(DEVICE);
      expect(xmlText(ka, 'Status')).toBe('OK');
      expect(received(msgs, 'Keepalive')[0]?.text).toMatch(/^Content-Type: Application\/MANSCDP\+xml/m);
      await until(() => h.ctx.logs.some((l) => l.msg === 'registered with the GB/T 28181 platform'), 'registered log');
    });

    it('streams the camera as H.264 in PS over RTP after INVITE/ACK from the shared stream, and leaves it on BYE', async () => {
      if (mode.media === 'tcp-device-listens') {
        const f = join(h.sipp.dir, 'devport.txt');
        await until(() => existsSync(f) && readFileSync(f, 'utf8').endsWith('\n'), 'the device port in its SDP answer');
        await h.rx.tcpConnect(Number(readFileSync(f, 'utf8').split(' ')[0]));
      }
      await h.sipp.waitFor((m) => m.some((x) => x.direction === 'sent' && x.first === 'ACK'), 'the ACK');
      if (mode.sip === 'udp' && mode.media === 'udp') {
        // A second platform request while the one allowed session runs: refused with 486.
        const port = h.gb.device()?.ua.local.port as number;
        const busy = new Sipp('invite-busy.xml', {
          transport: 'udp',
          remote: `127.0.0.1:${port}`,
          calls: 1,
          set: { realm: REALM, server: SERVER, channel: NORTH_CAM, ssrc: '0100000002' },
        });
        await busy.start();
        expect(await busy.exitCode(), busy.errors()).toBe(0);
      }
      // Ten pictures in, the platform hangs up (SIPp waits for the test's word: -3pcc, <recvCmd>).
      await until(() => h.rx.markers >= 10, 'ten pictures', 90_000);
      expect(consumers(h, 'north-cam/main')).toBe(2); // analysis and this session, one RTSP session
      expect(h.cameras.streamStats().find((s) => s.name === 'north-cam/main')?.sessionsMax).toBe(1);
      const invite = h.sipp.messages().find((m) => m.direction === 'sent' && m.first === 'INVITE') as SippMessage;
      await h.sipp.command(invite.callId);
      const msgs = await h.sipp.waitFor(
        (m) => m.some((x) => x.direction === 'received' && x.first === '200' && /^CSeq: 2 BYE/m.test(x.text)),
        'the BYE answered',
        30_000,
      );
      const ok = msgs.find((m) => m.direction === 'received' && m.first === '200' && /^CSeq: 1 INVITE/m.test(m.text)) as SippMessage;
      expect(bodyOf(ok)).toMatch(/^y=0100000001$/m);
      expect(bodyOf(ok)).toMatch(/^a=rtpmap:96 PS\/90000$/m);
      if (mode.media !== 'udp')
        expect(bodyOf(ok)).toMatch(mode.media === 'tcp-device-connects' ? /^a=setup:active$/m : /^a=setup:passive$/m);
      const ended = await h.ctx.waitForLog((l) => l.msg === 'GB/T 28181 live video ended');
      expect(ended.reason).toBe('BYE from the platform');
      expect(h.rx.ssrcs).toEqual(new Set([100000001]));
      expect(h.rx.payloadTypes).toEqual(new Set([96]));
      expect(h.rx.bad).toBe(0);
      expect(h.rx.gaps).toBe(0);
      const file = join(h.ctx.dataDir, 'received.ps');
      writeFileSync(file, h.rx.ps());
      const probe = ffprobe(file);
      expect(probe).toMatchObject({ codec: 'h264', width: 320, height: 180 });
      expect(probe.frames).toBeGreaterThanOrEqual(10);
      // The same stream through a second, independent PS demuxer: GStreamer's mpegpsdemux.
      const gst = gstPsProbe(file);
      expect(gst).toMatchObject({ codec: 'h264', width: 320, height: 180, error: '' });
      expect(gst.packets).toBeGreaterThanOrEqual(10);
      await until(() => consumers(h, 'north-cam/main') === 1, 'the session left the shared stream (analysis alone)', 5000);
    });

    it('answers Catalog with every channel, split over several MESSAGEs over UDP, and DeviceInfo/DeviceStatus', async () => {
      const msgs = await h.sipp.waitFor(
        (m) => received(m, 'DeviceInfo').length > 0 && received(m, 'DeviceStatus').length > 0 && sumNum(received(m, 'Catalog')) === 5,
        'the whole catalog and the device answers',
      );
      const catalog = received(msgs, 'Catalog');
      const ids = catalog.flatMap((m) => [...bodyOf(m).matchAll(/<Item>\s*<DeviceID>(\d{20})<\/DeviceID>/g)].map((x) => x[1] as string));
      expect(new Set(ids).size).toBe(5);
      expect(ids).toHaveLength(5);
      for (const m of catalog) {
        expect(xmlText(bodyOf(m), 'SumNum')).toBe('5');
        expect(xmlText(bodyOf(m), 'SN')).toBe('101');
        expect(xmlText(bodyOf(m), 'DeviceID')).toBe(DEVICE);
      }
      expect(ids).toContain(NORTH_CAM);
      expect(ids.every((id) => id.startsWith('3402000000') && id[13] === '0')).toBe(true);
      expect(ids.map((id) => id.slice(10, 13)).sort()).toEqual(['132', '132', '134', '141', '142']);
      if (mode.sip === 'udp') {
        expect(catalog.length).toBeGreaterThan(1);
        for (const m of catalog) expect(Buffer.byteLength(m.text, 'latin1')).toBeLessThanOrEqual(1300);
      }
      const info = bodyOf(received(msgs, 'DeviceInfo')[0] as SippMessage);
      expect(xmlText(info, 'Result')).toBe('OK');
      expect(xmlText(info, 'Channel')).toBe('5');
      expect(xmlText(info, 'SN')).toBe('102');
      const status = bodyOf(received(msgs, 'DeviceStatus')[0] as SippMessage);
      expect(xmlText(status, 'Online')).toBe('ONLINE');
      expect(xmlText(status, 'SN')).toBe('103');
      // Names travel in GB2312 (GB18030 for a body with a name outside GB2312, which then says
      // so): the platform decodes 北门车行道 and 南门人行道𠀀堃 from the bytes it received.
      const raw = Buffer.from(catalog.map((m) => m.text).join(''), 'latin1');
      expect(new TextDecoder('gbk').decode(raw)).toContain('北门车行道');
      const south = catalog.find((m) => /encoding="GB18030"/.test(m.text));
      expect(south, 'a Catalog MESSAGE declaring GB18030').toBeDefined();
      expect(new TextDecoder('gb18030').decode(Buffer.from(south!.text, 'latin1'))).toContain('<Name>南门人行道𠀀堃</Name>');
    });

    it('sends an Alarm Notify for the alarm post when its button is pressed', async () => {
      const before = await h.sipp.waitFor((m) => sumNum(received(m, 'Catalog')) === 5, 'catalog');
      const alarmId = received(before, 'Catalog')
        .flatMap((m) => [...bodyOf(m).matchAll(/<DeviceID>(\d{20})<\/DeviceID>/g)].map((x) => x[1] as string))
        .find((id) => id.slice(10, 13) === '134');
      const act = (name: string, input: unknown) => h.ctx.actions.run(name, input, TEST_ACTOR);
      await until(async () => {
        const { devices } = (await act('devices/list', {})) as { devices: { id: string; online: boolean }[] };
        return devices.find((d) => d.id === 'alarm-1')?.online === true;
      }, 'alarm post online');
      const t0 = Date.now();
      await act('devices/simulate', { deviceId: 'alarm-1', control: 'press button' });
      const msgs = await h.sipp.waitFor((m) => received(m, 'Alarm').length > 0, 'an alarm notification');
      await act('devices/simulate', { deviceId: 'alarm-1', control: 'release button' });
      const alarm = bodyOf(received(msgs, 'Alarm')[0] as SippMessage);
      expect(xmlText(alarm, 'DeviceID')).toBe(alarmId);
      expect(xmlText(alarm, 'AlarmPriority')).toBe('1');
      expect(xmlText(alarm, 'AlarmMethod')).toBe('2');
      const at = new Date(xmlText(alarm, 'AlarmTime') as string).getTime(); // local time, as the standard writes it
      expect(Math.abs(at - t0)).toBeLessThan(5000);
    });
  });

  describe('the receiver goes away', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await setUp({ sip: 'udp', media: 'udp', qop: true }, camera);
    });
    afterAll(async () => tearDown(h));

    it('ends the session with a BYE from the device and leaves the shared stream', async () => {
      await until(() => h.rx.packets > 5, 'video packets', 90_000);
      await h.rx.close(); // the platform's media port is closed: ICMP port unreachable
      // SIPp's trace shows the device's BYE and SIPp's 200 to it (the scenario's devicebye branch).
      const msgs = await h.sipp.waitFor(
        (m) => m.some((x) => x.direction === 'sent' && x.first === '200' && /^CSeq: \d+ BYE/m.test(x.text)),
        'the BYE from the device answered',
      );
      expect(msgs.some((x) => x.direction === 'received' && x.first === 'BYE')).toBe(true);
      const ended = await h.ctx.waitForLog((l) => l.msg === 'GB/T 28181 live video ended');
      expect(ended.reason).toMatch(/gone/);
      await until(() => consumers(h, 'north-cam/main') === 1, 'the session left the shared stream (analysis alone)', 5000);
    });
  });

  describe('a registrar that refuses the password', () => {
    let sipp: Sipp;
    let ctx: TestContext;
    let gb: Gb28181Room;
    let stopGb: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      sipp = new Sipp('registrar-refuses.xml', { transport: 'udp', set: { user: DEVICE, password: 'the-right-one', realm: REALM } });
      await sipp.start();
      ctx = testContext({
        cameras: { demo: false, liveView: { enabled: false } },
        devices: [],
        console: { enabled: false },
        gb28181: {
          enabled: true,
          server: { id: SERVER, host: '127.0.0.1', port: sipp.port },
          deviceId: DEVICE,
          passwordFile: 'gb.pw',
          localPort: 0,
          retryMinMs: 300,
          retryMaxMs: 5000,
        },
      });
      writeFileSync(join(ctx.dataDir, 'gb.pw'), 'a-wrong-one\n', { mode: 0o600 });
      gb = new Gb28181Room(ctx, { cameras: { cameraIds: () => [], pictures: () => undefined }, devices: { info: () => undefined } });
      stopGb = await startRoom(ctx, gb);
    });
    afterAll(async () => {
      await stopGb?.();
      await sipp?.stop();
      ctx?.dispose();
    });

    it('gets 403, says so clearly, and tries again with growing delays', async () => {
      const msgs = await sipp.waitFor((m) => m.filter((x) => x.direction === 'sent' && x.first === '403').length >= 4, 'four refusals');
      const answered = msgs.filter((x) => x.first === 'REGISTER' && /^Authorization:/m.test(x.text));
      expect(answered.length).toBeGreaterThanOrEqual(4);
      const errors = ctx.logs.filter((l) => /registration failed/.test(String(l.msg)));
      expect(String(errors[0]?.msg)).toMatch(/refused the credentials \(403 Forbidden\).*passwordFile/);
      const delays = errors.map((l) => l.retryInMs as number);
      // 300 ms doubling with up to 20% jitter taken off: 240-300, 480-600, 960-1200 ...
      expect(delays[0]).toBeLessThanOrEqual(300);
      expect(delays[2] as number).toBeGreaterThan(delays[0] as number);
      expect(delays[3] as number).toBeGreaterThan(delays[1] as number);
      expect(gb.summary?.()[0]).toMatch(/not registered: the platform refused the credentials/);
    });
  });
});

function sumNum(catalog: SippMessage[]): number {
  return catalog.reduce((n, m) => n + Number(/<DeviceList Num="(\d+)"/.exec(bodyOf(m))?.[1] ?? 0), 0);
}

/** Consumers of one shared camera stream (analysis, live sessions...). */
function consumers(h: Harness, stream: string): number {
  return h.cameras.streamStats().find((s) => s.name === stream)?.consumers ?? -1;
}
