import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { CHROMIUM, hasChromium, launchChromium } from '../../../testing/chromium.js';
import WebSocket from 'ws';
import { createLogger } from '../../../core/logger.js';
import { startRtspServer, type RtspServer } from '../../../lib/rtsp-server/rtsp-server.js';
import { until } from '../../../testing/context.js';
import { LiveView } from './server.js';
import { SharedStream } from '../../../lib/stream/shared-stream.js';

if (!hasChromium) console.warn(`live view browser test skipped: ${CHROMIUM} is absent (scripts/install-system-deps.sh installs chromium)`);

// The modern JSMpeg (MPEG-TS demuxer, MPEG-1 decoder), bundled by @cycjimmy/jsmpeg-player.
// Its "exports" map hides dist/; the browser (UMD) build sits beside the CommonJS entry.
const JSMPEG = join(dirname(createRequire(import.meta.url).resolve('@cycjimmy/jsmpeg-player')), 'jsmpeg-player.umd.min.js');

const PAGE = `<!doctype html><html><body><canvas id="c" width="320" height="180"></canvas>
<script src="/jsmpeg.js"></script>
<script>
  window.decoded = 0;
  window.player = new JSMpeg.Player(new URLSearchParams(location.search).get('ws'), {
    canvas: document.getElementById('c'), audio: false, disableGl: true,
    onVideoDecode: function () { window.decoded++; },
  });
</script></body></html>`;

/** Serves the test page and JSMpeg on loopback, and hands /live/<id> upgrades to the live view (the console does this behind its login). */
async function pageServer(live: LiveView): Promise<{ server: Server; port: number }> {
  const js = readFileSync(JSMPEG);
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/jsmpeg.js')) res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    else if (req.url?.startsWith('/?') || req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    else res.writeHead(404).end();
  });
  server.on('upgrade', (req, socket, head) => void live.accept(/^\/live\/(.+)$/.exec(req.url ?? '')?.[1] ?? '', req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, port: (server.address() as AddressInfo).port };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// Run in the page (as strings: the project's TypeScript has no DOM types).
const BRIGHT_PIXELS = `(() => {
  const c = document.getElementById('c');
  const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < px.length; i += 4) if (px[i] + px[i + 1] + px[i + 2] > 600) n++;
  return n;
})()`;

// Real peers end to end: GStreamer RTSP test server → the shared stream (the gateway's RTSP client)
// → ffmpeg transcoding to MPEG-1 → websocket → JSMpeg in headless Chromium.
describe.skipIf(!hasChromium)('live view in a browser (JSMpeg)', () => {
  let rtsp: RtspServer;
  let stream: SharedStream;
  let live: LiveView;
  let web: { server: Server; port: number };
  let browser: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    rtsp = await startRtspServer({ patterns: { '/cam': '320x180@10' } });
    stream = new SharedStream({
      name: 'cam/main',
      url: () => rtsp.url('/cam'),
      timeoutS: 5,
      stallTimeoutS: 5,
      lingerMs: 200,
      restartMinMs: 300,
      restartMaxMs: 2000,
      log: createLogger({ level: 'silent' }),
    });
    live = new LiveView({
      maxRelays: 2,
      maxViewersPerCamera: 2,
      maxViewers: 4,
      pingS: 0.5,
      width: 320,
      height: 180,
      idleStopS: 0.5,
      log: createLogger({ level: 'silent' }),
      streamOf: (id) => (id === 'cam' ? stream : undefined),
    });
    live.start();
    web = await pageServer(live);
    profile = mkdtempSync(join(tmpdir(), 'sharpeyes-chromium-'));
    browser = await launchChromium(profile);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await live?.stop();
    await stream?.stop();
    await new Promise<void>((resolve) => (web ? web.server.close(() => resolve()) : resolve()));
    await rtsp?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('plays the camera in Chromium: frames are decoded and painted, and the relay stops after the viewer leaves', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${web.port}/?ws=${encodeURIComponent(`ws://127.0.0.1:${web.port}/live/cam`)}`);
    await page.waitForFunction('window.decoded > 20', undefined, { timeout: 60_000, polling: 200 });
    expect(live.activeRelays).toBe(1);
    // The test pattern is a white ball on black: some painted pixels are bright.
    const bright = (await page.evaluate(BRIGHT_PIXELS)) as number;
    expect(bright).toBeGreaterThan(50);
    expect(errors).toEqual([]);
    await page.close();
    await until(() => live.activeRelays === 0, 'relay stopped after the viewer left', 15_000);
  }, 120_000);

  it('restarts the relay when its ffmpeg dies while a viewer remains', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/live/cam`);
    let bytes = 0;
    ws.on('message', (d: Buffer) => void (bytes += d.length));
    await until(() => bytes > 0 && live.relayPid('cam') !== undefined, 'live data', 30_000);
    const first = live.relayPid('cam') as number;
    // The relay transcodes the shared stream from stdin: no camera URL on its command line.
    const argv = readFileSync(`/proc/${first}/cmdline`, 'utf8').split('\0');
    expect(argv.slice(argv.indexOf('-i'), argv.indexOf('-i') + 2)).toEqual(['-i', 'pipe:0']);
    expect(argv.slice(argv.indexOf('-f'), argv.indexOf('-f') + 2)).toEqual(['-f', 'h264']);
    expect(argv.join(' ')).not.toMatch(/rtsp:/);
    expect(argv.slice(argv.indexOf('-codec:v'), argv.indexOf('-codec:v') + 2)).toEqual(['-codec:v', 'mpeg1video']);
    process.kill(first, 'SIGKILL');
    await until(() => (live.relayPid('cam') ?? first) !== first, 'a new relay ffmpeg', 30_000);
    const second = live.relayPid('cam') as number;
    const before = bytes;
    await until(() => bytes > before + 10_000, 'live data after the restart', 30_000);
    ws.close();
    await until(() => live.activeRelays === 0, 'relay stopped', 15_000);
    // The restarted ffmpeg is killed with the relay, like the first one.
    await until(() => !alive(second), 'restarted ffmpeg killed', 10_000);
    expect(alive(first)).toBe(false);
  }, 120_000);

  it('caps the viewers of a camera, and drops a viewer that stopped answering pings', async () => {
    const url = `ws://127.0.0.1:${web.port}/live/cam`;
    const open = () =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(url);
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      });
    const refused = () =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => undefined);
      });
    const a = await open();
    const b = await open();
    expect(live.viewers).toBe(2);
    expect(await refused()).toBe(503); // maxViewersPerCamera: 2
    // b's machine is gone (nothing read, no pong): dropped within two ping periods, its slot freed.
    (b as unknown as { _socket: { pause(): void } })._socket.pause();
    await until(() => live.viewers === 1, 'the dead viewer dropped', 10_000);
    const c = await open();
    expect(live.viewers).toBe(2);
    a.close();
    c.close();
    b.terminate();
    await until(() => live.activeRelays === 0, 'relay stopped', 15_000);
  }, 60_000);
});
