import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../testing/chromium.js';
import WebSocket from 'ws';
import { Gateway } from './support.js';
import { SHARPEYES } from '../../cloud-bridge/testing/daemon.js';
import { startRtspServer, type RtspServer } from '../lib/rtsp-server/rtsp-server.js';
import { faceModelsPrepared } from '../rooms/faces/models.js';
import { demoFixture, type DemoFixture } from './demo-fixture.js';

const run = promisify(execFile);
const SHOTS = resolve('.cache/screenshots');

/** The faces this test needs are the demo's (a photo to enrol, another of the same person at the door): no ../shared. */
async function faceFixture(): Promise<DemoFixture | string> {
  if (!existsSync(CHROMIUM)) return `needs ${CHROMIUM} (scripts/install-system-deps.sh)`;
  if (!faceModelsPrepared()) return 'needs the face models (`npm run models`)';
  return demoFixture();
}
const fixture = await faceFixture();
const ready = typeof fixture !== 'string';
if (typeof fixture === 'string') console.warn(`console browser test skipped: ${fixture}`);
const ENROL = typeof fixture === 'string' ? '' : fixture.enrol;
const AT_THE_DOOR = typeof fixture === 'string' ? '' : fixture.resident;

/**
 * A person who steps in front of the door camera for 12 s every 20 s (so a face enrolled
 * meanwhile is recognised at the next visit), with a moving test card in a corner (so the live
 * view visibly moves), 960x540 H.264, made once and kept in the temp folder.
 */
function doorClip(): string {
  const dir = join(tmpdir(), 'sharpeyes-test-clips');
  const out = join(dir, 'console-door-visits-jesper-960x540-5fps-300s.mp4');
  if (existsSync(out)) return out;
  mkdirSync(dir, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp.mp4`;
  execFileSync('ffmpeg', [
    ...['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=0x404850:s=960x540:r=5', '-loop', '1', '-i', AT_THE_DOOR],
    ...['-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=5', '-filter_complex'],
    "[1:v]scale=960:540:force_original_aspect_ratio=decrease,setsar=1[p];[0:v][p]overlay=x=(W-w)/2:y=(H-h)/2:enable='lt(mod(t,20),12)'[a];[a][2:v]overlay=x='mod(t*160,800)':y=8",
    ...['-t', '300', '-r', '5', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '30', '-g', '5', '-pix_fmt', 'yuv420p', tmp],
  ]);
  renameSync(tmp, out);
  return out;
}

/** Raw HTTP to the daemon with any Host/Origin/Cookie (as a hostile page or client could send). */
function raw(url: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<number> {
  const u = new URL(url);
  return new Promise((res, rej) => {
    const req = httpRequest({ host: u.hostname, port: u.port, method, path, headers: { host: u.host, ...headers } }, (r) => {
      r.resume();
      r.on('end', () => res(r.statusCode ?? 0));
    });
    req.on('error', rej);
    req.end(body);
  });
}

function wsStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((res) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_q, r) => res(r.statusCode ?? 0));
    ws.on('open', () => {
      ws.terminate();
      res(101);
    });
    ws.on('error', () => undefined);
  });
}

const CANVAS = `document.getElementById('live-canvas').toDataURL('image/png')`;

/**
 * The console as people on site use it, in Chromium, against the real daemon (embedded defaults:
 * simulated turnstile door-1 under camera demo-door, barrier gate-1, alarm post alarm-1, embedded
 * broker; demo-door serves a photo of a person, so the face room really recognises them once
 * enrolled and the demo's access point opens door-1 for them).
 */
describe.skipIf(!ready)('the console in a browser, against the real daemon', () => {
  let camera: RtspServer;
  let browser: BrowserContext;
  let page: Page;
  let base = '';
  const gw = new Gateway(
    'console-e2e',
    [
      'cameras:',
      '  analysis: {width: 960, height: 540, fps: 2}',
      '  list:',
      // The embedded defaults' devices and access points name the demo's cameras: the door camera
      // plays this test's visitor; the lane is not needed here.
      '    - {id: demo-door, rtsp: URL_1, motion: {enabled: false}}',
      "    - {id: demo-lane, enabled: false, rtsp: 'rtsp://127.0.0.1:1/unused'}",
      'faces: {enabled: true}',
      '',
    ].join('\n'),
  );
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
  // Asynchronous: a blocked test process would miss the platform client's MQTT keepalive.
  const cli = async (...args: string[]) =>
    (
      await run(process.execPath, [SHARPEYES, ...args, '--config', gw.daemon.configFile], {
        encoding: 'utf8',
        env: { ...process.env, LANG: 'en_US.UTF-8' },
      })
    ).stdout;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const clip = doorClip();
    camera = await startRtspServer({ files: { '/door': clip } });
    writeFileSync(gw.daemon.configFile, readFileSync(gw.daemon.configFile, 'utf8').replace('URL_1', camera.url('/door')));
    await gw.start();
    base = (await gw.daemon.waitForLog((l) => l.msg === 'console listening')).url as string;
    const pw = join(gw.dir, 'pw');
    writeFileSync(pw, 'Night shift 7 gate!\n', { mode: 0o600 });
    expect(await cli('users', 'add', 'admin', '--role', 'admin', '--password-file', pw)).toMatch(/added admin/);
    writeFileSync(pw, 'Only looking 42\n', { mode: 0o600 });
    await cli('users', 'add', 'guest', '--role', 'viewer', '--password-file', pw);
    browser = await launchChromium(join(gw.dir, 'chromium'), {
      viewport: { width: 1366, height: 768 }, // a guard-room screen; the phone test narrows it to 390 x 844
      args: ['--autoplay-policy=no-user-gesture-required'], // the alarm tone without a click first
    });
    page = await browser.newPage();
  }, 400_000);

  afterAll(async () => {
    await browser?.close();
    await gw.stop();
    await camera?.stop();
  });

  const login = async (name: string, password: string) => {
    await page.goto(base);
    await page.fill('#login input[name=name]', name);
    await page.fill('#login input[name=password]', password);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#nav a');
  };

  it('reaches no page, API or live stream without a session, with a wrong Host or from another site', async () => {
    expect((await (await fetch(new URL('api/status', base))).json()) as object).toMatchObject({ code: 'unauthenticated' });
    expect((await fetch(new URL('api/events', base))).status).toBe(401);
    expect((await fetch(new URL('api/cameras/demo-door/latest.jpg', base))).status).toBe(401);
    const live = `${base.replace('http', 'ws')}api/live/demo-door`;
    expect(await wsStatus(live, {})).toBe(401);
    const evil = { host: 'evil.test:8080', origin: 'http://evil.test:8080', 'content-type': 'application/json' };
    expect(await raw(base, 'POST', '/api/actions/gate/open', evil, '{"gateId":"gate-1"}')).toBe(403);
    expect(await raw(base, 'GET', '/', { host: 'evil.test:8080' })).toBe(403);
    expect(await wsStatus(live, { host: 'evil.test:8080' })).toBe(403);
    // Live view has no port of its own any more (it was ws://127.0.0.1:8091/live/<id>, open to any
    // page): the daemon listens on the console's port and the embedded broker's, nothing else.
    const { port: broker } = JSON.parse(readFileSync(join(gw.dir, 'embedded-broker.json'), 'utf8')) as { port: number };
    const listening = execFileSync('ss', ['-Hltnp'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(`pid=${gw.daemon.pid},`))
      .map((l) => Number(/:(\d+)\s/.exec(l)?.[1]));
    expect(listening.sort()).toEqual([Number(new URL(base).port), broker].sort());
    // The login page itself, in Chinese by default.
    await page.goto(base);
    await page.waitForSelector('#login');
    expect(await page.textContent('#login button')).toBe('登录');
    await shot('login');
    // A session does not help a page from another origin.
    await login('guest', 'Only looking 42');
    const cookie = (await browser.cookies()).find((c) => c.name === 'se_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await wsStatus(live, { cookie: `se_session=${cookie?.value}`, origin: 'http://evil.test:8080' })).toBe(403);
    // A viewer sees the gate but may not open it.
    await page.waitForSelector('[data-gate="gate-1"]');
    expect(await page.locator('[data-gate="gate-1"] button').count()).toBe(0);
    const refused = await page.evaluate(`(async () => {
      const s = await (await fetch('/api/session')).json();
      const r = await fetch('/api/actions/gate/open', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrf }, body: '{"gateId":"gate-1"}' });
      return [r.status, (await r.json()).code];
    })()`);
    expect(refused).toEqual([403, 'forbidden']);
    await page.click('#logout');
    await page.waitForSelector('#login');
  }, 120_000);

  it('enrols a resident from a photo, showing the verdict and the face crop before saving', async () => {
    await login('admin', 'Night shift 7 gate!');
    await page.goto(`${base}#/residents`);
    await page.setInputFiles('#enrol input[type=file]', ENROL);
    await page.waitForSelector('#verdict[data-ok="true"] img.crop', { timeout: 60_000 });
    await page.fill('#enrol input[name=name]', '杰斯帕');
    await shot('residents-check');
    await page.click('#enrol button[type=submit]');
    await page.waitForSelector('#residents tbody tr', { timeout: 30_000 });
    expect(await page.textContent('#residents tbody')).toContain('杰斯帕');
    await shot('residents');
  }, 120_000);

  it('shows the recognition appear with its picture', async () => {
    await page.goto(`${base}#/events`);
    await page.selectOption('#event-filters select[name=kind]', 'face.recognized');
    await expect
      .poll(
        async () => {
          await page.click('#event-filters button[type=submit]');
          return page.locator('#events tr[data-kind="face.recognized"]').count();
        },
        { timeout: 150_000, interval: 3000 },
      )
      .toBeGreaterThan(0);
    const row = page.locator('#events tr[data-kind="face.recognized"]').first();
    expect(await row.textContent()).toContain('杰斯帕');
    // Times as the account's locale writes them (zh: 2026-12-07 14:36:46, 24-hour), not 12/7/2026, 2:36:46 PM.
    expect(await row.locator('td').first().textContent()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    // The demo's access point (demo-door -(face)-> door-1) lets the new resident in.
    const opened = await gw.waitForEvent('access.decision', (d) => d.gateId === 'door-1' && d.allow === true, 60_000);
    expect(opened.data).toMatchObject({ via: 'face', reason: 'resident', label: '杰斯帕' });
    await expect
      .poll(() => row.locator('img.thumb').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
      .toBeGreaterThan(20);
    // Delivery per uplink: the embedded broker's MQTT took it (the test's platform client is subscribed).
    await expect
      .poll(
        async () => {
          await page.click('#event-filters button[type=submit]');
          return page.locator('#events tr[data-kind="face.recognized"] td.delivery').first().textContent();
        },
        { timeout: 30_000, interval: 2000 },
      )
      .toBe('MQTT 已上传');
    await row.locator('img.thumb').click();
    await page.waitForSelector('.overlay img');
    await shot('events');
    await page.click('.overlay');
  }, 200_000);

  it('opens a gate by hand, as the logged-in user', async () => {
    await page.goto(`${base}#/dashboard`);
    const button = page.locator('[data-gate="gate-1"] button');
    // The simulated devices may take over 60 s to come online when the whole suite loads the box.
    await expect.poll(() => button.isEnabled(), { timeout: 150_000 }).toBe(true);
    await button.click();
    const cmd = await gw.waitForEvent('gate.command', (d) => d.deviceId === 'gate-1' && d.origin === 'console' && d.ok === true);
    expect(cmd.data).toMatchObject({ command: 'open' });
    await gw.waitForEvent('audit.action', (d) => d.action === 'gate/open' && d.by === 'admin' && d.channel === 'console' && d.ok === true);
    await page.waitForSelector('.live-thumb');
    await expect
      .poll(
        () =>
          page
            .locator('.live-thumb')
            .first()
            .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
        { timeout: 30_000 },
      )
      .toBeGreaterThan(100);
    await page.waitForTimeout(2500); // frames per second need two readings
    // Devices by their profile's Chinese name; the turnstile's position is read from it, not 位置未知.
    expect(await page.textContent('[data-gate="gate-1"] strong')).toBe('道闸 BG300（模拟）');
    expect(await page.textContent('[data-gate="door-1"] strong')).toBe('三辊闸 TS100（模拟）');
    expect(await page.getAttribute('[data-gate="door-1"]', 'data-state')).not.toBe('unknown');
    // One line per uplink, from uplinks/status: the embedded broker is connected, the others are off.
    await expect.poll(() => page.getAttribute('#uplink li[data-uplink="embedded_broker"]', 'data-state')).toBe('up');
    expect(await page.textContent('#uplink li[data-uplink="embedded_broker"]')).toMatch(/内置 MQTT 代理 已连接 自 \d{4}-\d{2}-\d{2} /);
    expect(await page.getAttribute('#uplink li[data-uplink="gat1400"]', 'data-state')).toBe('off');
    await shot('dashboard-1366x768');
  }, 200_000);

  it('raises the alarm of the post with a sound and a picture, and acknowledges it', async () => {
    await page.goto(`${base}#/dashboard`);
    await gw.waitForEvent('device.online', (d) => d.deviceId === 'alarm-1', 150_000);
    expect((await gw.request('devices/simulate', { deviceId: 'alarm-1', control: 'press button' })).status).toBe('ok');
    await page.waitForSelector('.alarm-card.raised', { timeout: 30_000 });
    await expect.poll(() => page.getAttribute('body', 'data-sound')).toBe('on');
    expect(await page.isVisible('#alarm-banner')).toBe(true);
    // The picture follows the never-dropped alarm.raised as alarm.snapshot; the page shows it when it comes.
    await page.waitForSelector('.alarm-card.raised img.thumb', { timeout: 30_000 });
    expect(await page.textContent('.alarm-card.raised strong')).toContain('一键报警柱 SOS200（模拟）');
    await shot('alarm-1366x768');
    await gw.request('devices/simulate', { deviceId: 'alarm-1', control: 'release button' });
    await page.fill('.alarm-card.raised input.note', '保安7号前往');
    await page.click('.alarm-card.raised button.ack');
    const ack = await gw.waitForEvent('alarm.acknowledged', (d) => d.deviceId === 'alarm-1');
    expect(ack.data).toMatchObject({ by: 'admin', note: '保安7号前往', origin: 'console' });
    await expect.poll(() => page.getAttribute('body', 'data-sound')).toBe('off');
  }, 200_000);

  it('works on a phone (390 x 844): the dashboard in one column, an alarm acknowledged with the thumb', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${base}#/dashboard`);
      await page.waitForSelector('[data-gate="gate-1"]');
      const overflow = () => page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
      expect(await overflow()).toBeLessThanOrEqual(0); // nothing sideways: no horizontal scrolling of the page
      await shot('dashboard-390x844');
      expect((await gw.request('devices/simulate', { deviceId: 'alarm-1', control: 'press button' })).status).toBe('ok');
      const card = page.locator('.alarm-card.raised');
      await card.waitFor({ timeout: 30_000 });
      await page.waitForSelector('.alarm-card.raised img.thumb', { timeout: 30_000 });
      const ack = card.locator('button.ack');
      const box = (await ack.boundingBox())!;
      // The acknowledge button is on screen, within the phone's width, and big enough for a thumb.
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
      expect(box.height).toBeGreaterThanOrEqual(44);
      expect(box.width).toBeGreaterThan(300);
      expect(await overflow()).toBeLessThanOrEqual(0);
      await shot('alarm-390x844');
      await gw.request('devices/simulate', { deviceId: 'alarm-1', control: 'release button' });
      await card.locator('input.note').fill('巡逻员3号到场');
      await ack.click();
      const acked = await gw.waitForEvent('alarm.acknowledged', (d) => d.note === '巡逻员3号到场');
      expect(acked.data).toMatchObject({ by: 'admin', origin: 'console', deviceId: 'alarm-1' });
      await expect.poll(() => page.locator('.alarm-card.raised').count()).toBe(0);
      await shot('alarm-acknowledged-390x844');
    } finally {
      await page.setViewportSize({ width: 1366, height: 768 });
    }
  }, 200_000);

  it('an admin adds an operator, resets the password (shown once) and disables the account; the audit page shows it', async () => {
    await page.goto(`${base}#/accounts`);
    await page.fill('#account-add input[name=name]', 'zhang');
    await page.selectOption('#account-add select[name=role]', 'operator');
    await page.fill('#account-add input[name=password]', 'Patrol shift 2026');
    await page.click('#account-add button[type=submit]');
    await page.waitForSelector('#accounts tr[data-user="zhang"]');
    page.once('dialog', (d) => void d.accept());
    await page.click('#accounts tr[data-user="zhang"] button.reset');
    const once = page.locator('#password-once code.password');
    await once.waitFor();
    const fresh = (await once.textContent()) ?? '';
    expect(fresh).toMatch(/^[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}$/);
    await shot('accounts-reset');
    await page.click('#password-once button');
    expect(await page.locator('#password-once').count()).toBe(0); // gone, and nowhere to read again
    // The operator logs in with it (another browser, the admin's session stays).
    const other = await launchChromium(join(gw.dir, 'chromium-2'), { viewport: { width: 390, height: 844 } });
    try {
      const p2 = await other.newPage();
      await p2.goto(base);
      await p2.fill('#login input[name=name]', 'zhang');
      await p2.fill('#login input[name=password]', fresh);
      await p2.click('#login button[type=submit]');
      await p2.waitForSelector('#nav a');
      expect(await p2.textContent('#who')).toBe('zhang · 操作员');
      expect(await p2.locator('#nav a[data-page="audit"]').count()).toBe(0); // not an admin's page
      page.once('dialog', (d) => void d.accept());
      await page.click('#accounts tr[data-user="zhang"] button.disable');
      await expect.poll(() => page.getAttribute('#accounts tr[data-user="zhang"]', 'data-disabled')).toBe('true');
      expect(await p2.evaluate(`fetch('/api/status').then((r) => r.status)`)).toBe(401); // disabled: the session ended
    } finally {
      await other.close();
    }
    await page.goto(`${base}#/audit`);
    await page.fill('#audit-filters input[name=action]', 'users/');
    await page.selectOption('#audit-filters select[name=channel]', 'console'); // the CLI added admin and guest
    await page.click('#audit-filters button[type=submit]');
    await expect
      .poll(async () =>
        (
          await page
            .locator('#audit tbody tr')
            .evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { action: string } }).dataset.action))
        ).sort(),
      )
      .toEqual(['users/add', 'users/disable', 'users/reset-password']);
    expect(await page.textContent('#audit tbody')).not.toContain(fresh);
    await shot('audit');
  }, 200_000);

  it('plays the live view of the camera: the picture moves', async () => {
    await page.goto(`${base}#/live/demo-door`);
    // (page.waitForFunction would eval a string in the page, which the console's CSP forbids.)
    await expect.poll(() => page.evaluate('window.liveFrames || 0'), { timeout: 60_000, interval: 500 }).toBeGreaterThan(10);
    const a = (await page.evaluate(CANVAS)) as string;
    await page.waitForTimeout(1500);
    const b = (await page.evaluate(CANVAS)) as string;
    expect(a.length).toBeGreaterThan(1000);
    expect(b).not.toBe(a);
    await shot('live');
  }, 120_000);

  it('switches to English, and remembers it for the account', async () => {
    await page.goto(`${base}#/dashboard`);
    await page.selectOption('#locale', 'en');
    await page.waitForSelector('#nav a[data-page="dashboard"]');
    await expect.poll(() => page.textContent('#nav a[data-page="dashboard"]')).toBe('Dashboard');
    await page.click('#logout');
    await page.waitForSelector('#login');
    await page.evaluate('localStorage.clear()');
    await login('admin', 'Night shift 7 gate!');
    expect(await page.textContent('#nav a[data-page="dashboard"]')).toBe('Dashboard');
    await page.waitForSelector('[data-gate="gate-1"]');
    expect(await page.textContent('[data-gate="gate-1"] strong')).toBe('BG300 barrier gate (simulated)');
    await page.goto(`${base}#/events`);
    await page.waitForSelector('#events tbody tr');
    expect(await page.locator('#events tbody tr td').first().textContent()).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}:\d{2}$/);
    await page.goto(`${base}#/dashboard`);
    await page.waitForSelector('[data-gate="gate-1"]');
    await shot('dashboard-en');
    await page.click('#logout');
    await page.waitForSelector('#login');
    expect(await page.evaluate(`fetch('/api/status').then((r) => r.status)`)).toBe(401);
  }, 120_000);
});
