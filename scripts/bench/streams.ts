// npm run -s bench -- streams [--rounds N] [--snapshots N]
// One RTSP test camera (GStreamer, 1280x720 H.264 at 25 fps with a 2 s GOP, as a camera encodes,
// looped without re-encoding) that counts its sessions, and the whole cameras room consuming it:
// analysis from the start, then live viewers added while it runs (3 at once, `rounds` times: each
// round opens 3 websockets, waits for their first MPEG-1 picture and closes them), and
// `snapshots` main-stream snapshots (cameras/snapshot main: true), spaced so they do not share one
// request. Figures: rtsp_sessions_max (sessions the camera saw at once for its one stream; goal 1),
// live_first_frame_p95_ms (websocket request → first MPEG-1 sequence header, where JSMpeg starts
// decoding; goal <= 1000),
// snapshot_p95_ms, and `gb-rounds` GB/T 28181 sessions (SIPp as the platform: REGISTER, INVITE,
// ACK, BYE; media over UDP): invite_to_first_picture_p95_ms (the device handling the INVITE → the
// first picture at the platform's RTP socket; goal <= 1000 on a warm camera). Then `cold-rounds`
// sessions on a cold camera: a second, identical camera read through a stream nobody holds
// (the shared stream closes 5 s after its last consumer; each round waits until it has), so the
// INVITE pays the RTSP set-up (Digest) and the wait for the camera's next keyframe:
// invite_to_first_picture_cold_p95_ms (goal <= 3000), each first picture checked to hold an IDR
// slice (decodable). The camera runs free (--free-running): like a real encoder, a new session
// joins wherever it is in its GOP, it does not start on a fresh IDR frame.
// Last line: one JSON object.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { CamerasRoom, STREAM_LINGER_MS, type CameraStreams } from '../../gateway/rooms/cameras/room.js';
import { StreamRegistry } from '../../gateway/lib/stream/registry.js';
import { withCredentials } from '../../gateway/lib/ffmpeg/args.js';
import { startRtspServer } from '../../gateway/lib/rtsp-server/rtsp-server.js';
import { act, startRoom, testContext, until } from '../../gateway/testing/context.js';
import { gbSession } from './streams/gb-session.js';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    rounds: { type: 'string', default: '5' },
    snapshots: { type: 'string', default: '10' },
    'gb-rounds': { type: 'string', default: '3' },
    'cold-rounds': { type: 'string', default: '8' },
    'cold-gop-s': { type: 'string', default: '2' },
  },
});
const rounds = Number(values.rounds);
const snapshotCount = Number(values.snapshots);
const gbRounds = Number(values['gb-rounds']);
const coldRounds = Number(values['cold-rounds']);
/** The cold camera's keyframe interval, seconds (a camera's I-frame interval setting). */
const coldGopS = Number(values['cold-gop-s']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number);
};

/** 10 s of 720p25 H.264, Annex B with access unit delimiters, no B-frames, GOP 2 s (or gopS): what --loop plays. */
function loopClip(gopS = 2): string {
  const gop = String(Math.round(gopS * 25));
  const dir = join(tmpdir(), 'sharpeyes-test-clips');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `testsrc2-1280x720-25fps-gop${gop}-aud.h264`);
  if (existsSync(out)) return out;
  const tmp = `${out}.${process.pid}.tmp.h264`;
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=1280x720:rate=25',
    '-t',
    String(Math.ceil(10 / gopS) * gopS), // whole GOPs: the loop's wrap keeps the interval
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-g',
    gop,
    '-keyint_min',
    gop,
    '-sc_threshold',
    '0',
    '-bf',
    '0',
    '-pix_fmt',
    'yuv420p',
    '-x264-params',
    'aud=1',
    '-f',
    'h264',
    tmp,
  ]);
  renameSync(tmp, out);
  return out;
}

const load0 = loadavg()[0] as number;
const camera = await startRtspServer({
  loops: { '/cam': { file: loopClip(), fps: 25 } },
  freeRunning: true,
  auth: 'admin:bench-secret',
  authMethod: 'digest',
});
const cameraList = [{ id: 'cam', rtsp: camera.url('/cam'), username: 'admin', passwordFile: 'cam.pw' }];
const ctx = testContext({
  cameras: {
    stallTimeoutS: 5,
    analysis: { width: 640, height: 360, fps: 5 },
    liveView: { maxRelays: 2, maxViewersPerCamera: 5, idleStopS: 0.5, width: 640, height: 360 },
    list: cameraList,
  },
});
writeFileSync(join(ctx.dataDir, 'cam.pw'), 'bench-secret\n', { mode: 0o600 });
const room = new CamerasRoom(ctx);
const stopRoom = await startRoom(ctx, room);
const web = createServer();
const live = room.liveView()!;
web.on('upgrade', (req, socket, head) => void live.accept(/^\/live\/(.+)$/.exec(req.url ?? '')?.[1] ?? '', req, socket, head));
await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
const webPort = (web.address() as AddressInfo).port;
const framesIn = () => room.counters()[0]?.framesIn ?? 0;

const t0 = Date.now();
await until(() => framesIn() > 0, 'analysis frames', 60_000);
const analysisFirstMs = Date.now() - t0;
process.stderr.write(`analysis: first frame after ${analysisFirstMs} ms\n`);

/** A viewer: ms from the request to the first MPEG-1 sequence header (where JSMpeg can start decoding). */
function viewer(): { ws: WebSocket; first: Promise<number> } {
  const start = Date.now();
  const ws = new WebSocket(`ws://127.0.0.1:${webPort}/live/cam`);
  ws.on('error', () => undefined);
  const first = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no picture within 15 s')), 15_000);
    ws.on('message', (d: Buffer) => {
      // MPEG-1 sequence_header_code 00 00 01 B3 inside the TS payload: a GOP starts there.
      if (d.includes(Buffer.from([0, 0, 1, 0xb3]))) {
        clearTimeout(timer);
        resolve(Date.now() - start);
      }
    });
  });
  return { ws, first };
}

const liveMs: number[] = [];
const snapMs: number[] = [];
const snapshotsLeft = { n: snapshotCount };
const snapshotLoop = (async () => {
  await sleep(500);
  while (snapshotsLeft.n-- > 0) {
    const s = Date.now();
    await act(ctx, 'cameras/snapshot', { cameraId: 'cam', main: true });
    snapMs.push(Date.now() - s);
    await sleep(700);
  }
})();
for (let r = 0; r < rounds; r++) {
  const vs = [viewer(), viewer(), viewer()];
  for (const v of vs) liveMs.push(await v.first);
  await sleep(1500); // 3 viewers, analysis and snapshots at once
  for (const v of vs) v.ws.close();
  await sleep(1200); // the relay stops (idleStopS); the camera stream stays open for analysis
}
await snapshotLoop;
// GB/T 28181: a platform (SIPp) registers, INVITEs the camera's channel and hangs up, `gb-rounds` times.
const gbSent: number[] = [];
const gbReceived: number[] = [];
for (let r = 0; r < gbRounds; r++) {
  const s = await gbSession(room, { list: cameraList });
  gbSent.push(s.inviteToFirstSentMs);
  gbReceived.push(s.inviteToFirstReceivedMs);
  process.stderr.write(
    `GB/T 28181 session ${r + 1}: INVITE → first picture sent ${s.inviteToFirstSentMs} ms, received ${s.inviteToFirstReceivedMs} ms\n`,
  );
}
// GB/T 28181 on a cold camera: the same shared-stream code as the room's, on a stream no consumer holds.
const coldCamera = await startRtspServer({
  loops: { '/cam': { file: loopClip(coldGopS), fps: 25 } },
  freeRunning: true,
  auth: 'admin:bench-secret',
  authMethod: 'digest',
});
const cold = new StreamRegistry({
  timeoutS: 10,
  stallTimeoutS: 5,
  lingerMs: STREAM_LINGER_MS,
  restartMinMs: 500,
  restartMaxMs: 2000,
  log: ctx.log,
});
const coldTimes = { subscribedAt: 0, firstUnitMs: -1, firstKeyMs: -1 };
cold.add('cam', 'main', () => withCredentials(coldCamera.url('/cam'), 'admin', 'bench-secret'));
const coldStreams: CameraStreams = {
  cameraIds: () => ['cam'],
  pictures: () => ({
    subscribe: (c) => {
      coldTimes.subscribedAt = Date.now();
      coldTimes.firstUnitMs = coldTimes.firstKeyMs = -1;
      return cold.stream('cam', 'main')!.subscribe({
        onUnit: (au) => {
          if (coldTimes.firstUnitMs < 0) coldTimes.firstUnitMs = Date.now() - coldTimes.subscribedAt;
          if (au.keyframe && coldTimes.firstKeyMs < 0) coldTimes.firstKeyMs = Date.now() - coldTimes.subscribedAt;
          c.onUnit(au);
        },
        onDown: (f) => c.onDown?.(f),
      });
    },
  }),
};
const coldReceived: number[] = [];
const coldKey: number[] = [];
let coldUndecodable = 0;
for (let r = 0; r < coldRounds; r++) {
  // Cold: no consumer, and the stream closed (5 s after the last one left), plus a random part of a GOP.
  await until(() => cold.stats()[0]?.sessionsOpen === 0 && cold.stats()[0]?.state === 'idle', 'the cold stream closed', 30_000);
  await sleep(Math.round(Math.random() * 2000));
  const s = await gbSession(coldStreams, { list: [{ ...cameraList[0], rtsp: coldCamera.url('/cam') }] });
  coldReceived.push(s.inviteToFirstReceivedMs);
  coldKey.push(coldTimes.firstKeyMs);
  if (!s.firstDecodable) coldUndecodable++;
  process.stderr.write(
    `GB/T 28181 cold session ${r + 1}: INVITE → first picture received ${s.inviteToFirstReceivedMs} ms (subscribe → first picture from the camera ${coldTimes.firstUnitMs} ms, first keyframe ${coldTimes.firstKeyMs} ms; decodable ${s.firstDecodable})\n`,
  );
}
await cold.stop();
await coldCamera.stop();
const n = framesIn();
await sleep(2000);
const analysisFps = Math.round(((framesIn() - n) / 2) * 10) / 10;
const stats = room.streamStats()[0];
const result = {
  rtsp_sessions_max: camera.clients.max,
  rtsp_sessions_opened: stats?.sessionsOpened ?? null,
  invite_to_first_picture_p50_ms: pct(gbReceived, 50),
  invite_to_first_picture_p95_ms: pct(gbReceived, 95),
  invite_to_first_picture_sent_p95_ms: pct(gbSent, 95),
  gb_samples: gbReceived.length,
  invite_to_first_picture_cold_p50_ms: pct(coldReceived, 50),
  invite_to_first_picture_cold_p95_ms: pct(coldReceived, 95),
  cold_first_keyframe_p95_ms: pct(coldKey, 95),
  cold_samples: coldReceived.length,
  cold_gop_s: coldGopS,
  cold_undecodable: coldUndecodable,
  cold_rtsp_sessions_max: coldCamera.clients.max,
  live_first_frame_p50_ms: pct(liveMs, 50),
  live_first_frame_p95_ms: pct(liveMs, 95),
  live_samples: liveMs.length,
  snapshot_p50_ms: pct(snapMs, 50),
  snapshot_p95_ms: pct(snapMs, 95),
  snapshot_samples: snapMs.length,
  analysis_first_frame_ms: analysisFirstMs,
  analysis_fps: analysisFps,
  stream: '1280x720 H.264 25 fps, GOP 2 s, Digest auth, encoder free running',
  load_before: Math.round(load0 * 10) / 10,
  load_after: Math.round((loadavg()[0] as number) * 10) / 10,
};
web.closeAllConnections();
await stopRoom();
await new Promise<void>((r) => web.close(() => r()));
await camera.stop();
ctx.dispose();
console.log(JSON.stringify(result));
