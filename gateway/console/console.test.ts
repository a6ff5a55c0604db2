import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { z } from 'zod';
import { chromium, type BrowserContext } from 'playwright-core';
import { ConsoleServer } from './server.js';
import { ActionTable, ActionError } from '../core/actions.js';
import { createLogger } from '../core/logger.js';
import { Database } from '../store/database.js';
import { Outbox } from '../store/outbox.js';

const CHROMIUM = '/usr/bin/chromium';
/** What the console logged at error level (a failure of its own): none in these tests. */
const errors: string[] = [];
const log = createLogger({ level: 'error', destination: { write: (s: string) => void errors.push(s) } });

function setup(token?: string) {
  const db = new Database(join(mkdtempSync(join(tmpdir(), 'se-console-')), 'gateway.db'));
  const outbox = new Outbox({ db, log, quotaBytes: 10_000_000 });
  const actions = new ActionTable();
  const opened: string[] = [];
  actions.register('devices/list', {
    description: 'list',
    role: 'viewer',
    input: z.strictObject({}).prefault({}),
    handle: () => [{ id: 'gate-1', model: 'barrier', kind: 'gate', state: 'closed' }],
  });
  actions.register('gate/open', {
    description: 'open',
    role: 'operator',
    input: z.strictObject({ gateId: z.string() }),
    handle: ({ gateId }) => {
      if (gateId !== 'gate-1') throw new ActionError(`no gate ${gateId}`, 'not_found');
      opened.push(gateId);
      db.transaction(() => outbox.append('gate.opened', { gateId, by: 'console' }));
      return { gateId };
    },
  });
  const server = new ConsoleServer({
    log,
    actions,
    outbox,
    nodeId: 'box-7',
    version: '9.9.9',
    startedAt: new Date().toISOString(),
    host: '127.0.0.1',
    port: 0,
    token,
    maxBodyBytes: 4096,
  });
  return { db, outbox, server, opened };
}

describe('console HTTP API', () => {
  const env = setup();
  beforeAll(() => env.server.start());
  afterAll(async () => {
    await env.server.stop();
    env.db.close();
  });

  it('runs actions through the action table with the same validation as MQTT requests', async () => {
    const post = (path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
      fetch(new URL(path, env.server.url), { method: 'POST', headers, body });
    let res = await post('api/actions/gate/open', JSON.stringify({ gateId: 'gate-1' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', data: { gateId: 'gate-1' } });
    res = await post('api/actions/gate/open', JSON.stringify({ gateId: 5 }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: 'error', code: 'invalid_input', error: expect.stringContaining('input.gateId') });
    res = await post('api/actions/gate/open', JSON.stringify({ gateId: 'nope' }));
    expect(await res.json()).toMatchObject({ status: 'error', code: 'not_found', error: 'no gate nope' });
    res = await post('api/actions/reboot', '{}');
    expect(res.status).toBe(404);
    res = await post('api/actions/gate/open', '{not json');
    expect(res.status).toBe(400);
    res = await post('api/actions/gate/open', JSON.stringify({ gateId: 'x'.repeat(5000) }));
    expect(res.status).toBe(413);
    res = await post('api/actions/gate/open', 'gateId=gate-1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
    res = await post('api/actions/gate/open', JSON.stringify({ gateId: 'gate-1' }), {
      'content-type': 'application/json',
      origin: 'http://evil.example',
    });
    expect(res.status).toBe(403);
    expect(env.opened).toEqual(['gate-1']);
  });

  it('answers 400 to a request target that is no URL path, and goes on serving (found by bench faults)', async () => {
    const raw = (target: string) =>
      new Promise<string>((resolve, reject) => {
        const s = connect(Number(new URL(env.server.url).port), '127.0.0.1');
        let got = '';
        s.on('data', (c: Buffer) => (got += c.toString()));
        s.on('end', () => resolve(got.split('\r\n')[0] ?? ''));
        s.on('error', reject);
        s.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      });
    // A body cut off by the client: no error line (the console logs its own failures only).
    await new Promise<void>((resolve) => {
      const s = connect(Number(new URL(env.server.url).port), '127.0.0.1');
      s.write(
        'POST /api/actions/devices/list HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":',
      );
      setTimeout(() => {
        s.destroy();
        resolve();
      }, 100);
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(errors).toEqual([]);
    expect(await raw('//[')).toBe('HTTP/1.1 400 Bad Request');
    expect(await raw('http://[::1')).toBe('HTTP/1.1 400 Bad Request');
    expect((await fetch(new URL('api/status', env.server.url))).status).toBe(200);
  });
});

describe('console token', () => {
  const env = setup('s3cret-token');
  beforeAll(() => env.server.start());
  afterAll(async () => {
    await env.server.stop();
    env.db.close();
  });
  it('refuses the API without the token and accepts it with it', async () => {
    expect((await fetch(new URL('api/status', env.server.url))).status).toBe(401);
    expect((await fetch(new URL('api/status', env.server.url), { headers: { authorization: 'Bearer wrong-token!' } })).status).toBe(401);
    const ok = await fetch(new URL('api/status', env.server.url), { headers: { authorization: 'Bearer s3cret-token' } });
    expect(await ok.json()).toMatchObject({ nodeId: 'box-7' });
  });
});

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`console browser test skipped: ${CHROMIUM} not installed`);

describe.skipIf(!hasChromium)('console page in Chromium', () => {
  const env = setup();
  let browser: BrowserContext;
  beforeAll(async () => {
    await env.server.start();
    env.db.transaction(() => env.outbox.append('camera.online', { cameraId: 'cam-1' }));
    browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'se-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await env.server.stop();
    env.db.close();
  });

  it('shows the node, past events, live events, and opens a gate from its button', async () => {
    const page = await browser.newPage();
    await page.goto(env.server.url);
    await expect.poll(() => page.textContent('#node')).toContain('box-7');
    await expect.poll(() => page.locator('#events tr[data-kind="camera.online"]').count()).toBe(1);
    // An event recorded while the page is open arrives through the live stream.
    env.db.transaction(() => env.outbox.append('alarm.raised', { deviceId: 'post-1' }));
    await expect.poll(() => page.locator('#events tr.alarm').count(), { timeout: 10_000 }).toBe(1);
    await page.locator('tr[data-device="gate-1"] button').click();
    await expect.poll(() => page.locator('#events tr[data-kind="gate.opened"]').count(), { timeout: 10_000 }).toBe(1);
    expect(env.opened).toEqual(['gate-1']);
    await page.screenshot({ path: join(tmpdir(), 'sharpeyes-console.png') });
  });
});
