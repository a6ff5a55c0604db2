import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { z } from 'zod';
import WebSocket from 'ws';
import { testContext, type TestContext } from '../../testing/context.js';
import { ActionTable } from '../../core/actions.js';
import type { ConsoleServer } from './server.js';
import { FAST_KDF, startTestConsole } from './testing/console-server.js';
import { UserStore } from './accounts/user-store.js';
import { registerUserActions } from './accounts/actions.js';
import { ConsoleMetrics } from './metrics/metrics.js';
import { login, send } from '../../testing/console-http.js';

const CLI = { actor: { channel: 'cli' as const, name: 'root@box', role: 'admin' as const }, transaction: 't' };

describe('console security over HTTP', () => {
  let ctx: TestContext;
  let server: ConsoleServer;
  let port: number;
  const opened: string[] = [];
  const held: Array<() => void> = [];
  const release = () => held.splice(0).forEach((r) => r());
  const users = () => new UserStore(ctx.db);
  const admin = new ActionTable();

  const session = (name: string, password: string, address?: Record<string, string>) => login(port, name, password, address);
  const post = (s: { cookie: string; csrf: string }, path: string, body: unknown, extra: Record<string, string> = {}) =>
    send(port, 'POST', path, { cookie: s.cookie, 'x-csrf-token': s.csrf, origin: `http://127.0.0.1:${port}`, ...extra }, body);

  beforeAll(async () => {
    ctx = testContext({
      cloud: { url: 'mqtts://box-7:hunter2@mqtt.example.com:8883' },
      cameras: { list: [{ id: 'door', rtsp: 'rtsp://admin:Cam3ra-pw@10.0.0.5/stream1' }] },
    });
    ctx.actions.register('gate/open', {
      role: 'operator',
      description: 'probe: records that the request got through',
      input: z.strictObject({ gateId: z.string() }),
      handle: async ({ gateId }) => {
        opened.push(gateId);
        return { gateId };
      },
    });
    ctx.actions.register('test/slow', {
      role: 'viewer',
      description: 'holds its request until released',
      input: z.strictObject({}).prefault({}),
      handle: () => new Promise<string>((resolve) => void held.push(() => resolve('done'))),
    });
    registerUserActions(admin, users(), FAST_KDF);
    ({ server, port } = await startTestConsole(ctx, {
      allowedHosts: ['gate-box.local'],
      maxConcurrentRequests: 2,
      uplink: () => ({ up: false, since: null }),
      metrics: new ConsoleMetrics({ actions: ctx.actions, outbox: ctx.outbox }),
      metricsListen: '127.0.0.1:0',
    }));
  });
  afterAll(async () => {
    release();
    await server?.stop();
    ctx?.dispose();
  });

  it('answers 400 to a request target that is no URL path or a body cut off, logs no error, and goes on serving', async () => {
    const raw = (target: string) =>
      new Promise<string>((resolve, reject) => {
        const s = connect(port, '127.0.0.1');
        let got = '';
        s.on('data', (c: Buffer) => (got += c.toString()));
        s.on('end', () => resolve(got.split('\r\n')[0] ?? ''));
        s.on('error', reject);
        s.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      });
    await new Promise<void>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.write('POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":');
      setTimeout(() => {
        s.destroy();
        resolve();
      }, 100);
    });
    expect(await raw('//[')).toBe('HTTP/1.1 400 Bad Request');
    expect(await raw('http://[::1')).toBe('HTTP/1.1 400 Bad Request');
    // Broken percent-escapes: the client's error, said clearly (was 500 from decodeURIComponent).
    for (const target of ['/%', '/%zz', '/app.js%', '/%e4%b8', '/vendor/%ZZ.js', '/%00.js']) {
      const r = await send(port, 'GET', target);
      expect(r.status, target).toBe(400);
      expect(r.json().error, target).toMatch(/percent-escape|NUL/);
    }
    expect((await send(port, 'GET', '/api/session')).status).toBe(200);
    expect(ctx.logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('shows only the set-up notice until an admin exists (no default password)', async () => {
    expect((await send(port, 'GET', '/api/session')).json()).toMatchObject({ authenticated: false, setupNeeded: true });
    const s = await session('admin', 'admin');
    expect(s.r.status).toBe(409);
    expect(s.r.json()).toMatchObject({ code: 'setup_needed' });
    await admin.run('users/add', { name: 'li', role: 'admin', password: 'Gate box 7 night!' }, CLI);
    await admin.run('users/add', { name: 'wang', role: 'operator', password: 'Op3rator on duty' }, CLI);
    await admin.run('users/add', { name: 'zhao', role: 'viewer', password: 'Just looking 42' }, CLI);
    expect((await send(port, 'GET', '/api/session')).json()).toMatchObject({ setupNeeded: false });
  });

  it('refuses a DNS-rebinding page: a Host that is not this console, on every path', async () => {
    // The curl: -H 'Host: evil.test:8080' -H 'Origin: http://evil.test:8080' ... /api/actions/gate/open
    const evil = { host: 'evil.test:8080', origin: 'http://evil.test:8080' };
    const r = await send(port, 'POST', '/api/actions/gate/open', evil, { gateId: 'gate-1' });
    expect(r.status).toBe(403);
    const s = await session('wang', 'Op3rator on duty');
    expect((await post(s, '/api/actions/gate/open', { gateId: 'gate-1' }, evil)).status).toBe(403);
    for (const path of ['/', '/healthz', '/metrics', '/api/session', '/js/main.js'])
      expect((await send(port, 'GET', path, { host: 'evil.test' })).status, path).toBe(403);
    expect((await send(port, 'GET', '/healthz', { host: 'gate-box.local:8080' })).status).toBe(200);
    expect((await send(port, 'GET', '/healthz', { host: 'localhost:8080' })).status).toBe(200);
    expect(opened).toEqual([]);
  });

  it('answers no API, event stream or snapshot without a session', async () => {
    for (const path of [
      '/api/status',
      '/api/events',
      '/api/events/stream',
      '/api/actions',
      '/api/snapshots/x.jpg',
      '/api/cameras/door/latest.jpg',
    ])
      expect((await send(port, 'GET', path)).status, path).toBe(401);
    expect((await send(port, 'POST', '/api/actions/gate/open', {}, { gateId: 'gate-1' })).status).toBe(401);
    expect((await send(port, 'GET', '/api/status', { cookie: 'se_session=forged' })).status).toBe(401);
    expect((await send(port, 'GET', '/')).status).toBe(200); // the login page itself
    expect(opened).toEqual([]);
  });

  it('logs in with a login token, sets an HttpOnly SameSite=Strict cookie, and rotates it at the next login', async () => {
    const pre = await send(port, 'GET', '/api/session');
    const bad = await send(
      port,
      'POST',
      '/api/login',
      { 'x-csrf-token': 'guess', cookie: String(pre.headers['set-cookie']).split(';')[0] as string },
      { name: 'li', password: 'Gate box 7 night!' },
    );
    expect(bad.status).toBe(403); // a login form posted from another site has no token
    const a = await session('li', 'Gate box 7 night!');
    expect(a.r.status).toBe(200);
    expect(a.setCookie).toMatch(/HttpOnly/);
    expect(a.setCookie).toMatch(/SameSite=Strict/);
    expect((await send(port, 'GET', '/api/status', { cookie: a.cookie })).json()).toMatchObject({
      nodeId: ctx.nodeId,
      user: { name: 'li', role: 'admin' },
    });
    const b = await session('li', 'Gate box 7 night!');
    expect(b.cookie).not.toBe(a.cookie);
    const rows = ctx.db
      .prepare<{ action: string; by: string; ok: number }>("SELECT action, by, ok FROM audit_log WHERE action = 'console/login' AND ok = 1")
      .all();
    expect(rows.map((r) => r.by)).toEqual(['wang', 'li', 'li']);
  });

  it('needs the CSRF token and the same origin for every change', async () => {
    const s = await session('wang', 'Op3rator on duty');
    expect((await send(port, 'POST', '/api/actions/gate/open', { cookie: s.cookie }, { gateId: 'gate-1' })).status).toBe(403);
    expect(
      (await send(port, 'POST', '/api/actions/gate/open', { cookie: s.cookie, 'x-csrf-token': 'x'.repeat(43) }, { gateId: 'gate-1' }))
        .status,
    ).toBe(403);
    expect((await post(s, '/api/actions/gate/open', { gateId: 'gate-1' }, { origin: 'http://127.0.0.1:3000' })).status).toBe(403);
    expect((await post(s, '/api/actions/gate/open', { gateId: 'gate-1' }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect(opened).toEqual([]);
    const ok = await post(s, '/api/actions/gate/open', { gateId: 'gate-1' });
    expect(ok.json()).toMatchObject({ status: 'ok', data: { gateId: 'gate-1' } });
    expect(opened).toEqual(['gate-1']);
  });

  it("runs actions as the session's user with their role; a viewer cannot open a gate; changes and refusals are audited with who", async () => {
    const viewer = await session('zhao', 'Just looking 42');
    const r = await post(viewer, '/api/actions/gate/open', { gateId: 'gate-1' });
    expect(r.status).toBe(403);
    expect(r.json()).toMatchObject({ code: 'forbidden' });
    expect(opened).toEqual(['gate-1']);
    const audit = ctx.db
      .prepare<{ by: string; channel: string; ok: number; code: string | null }>(
        "SELECT by, channel, ok, code FROM audit_log WHERE action = 'gate/open' ORDER BY ts",
      )
      .all();
    expect(audit).toEqual([
      { by: 'wang', channel: 'console', ok: 1, code: null },
      { by: 'zhao', channel: 'console', ok: 0, code: 'forbidden' },
    ]);
    // The input cannot name another actor: the schema refuses unknown fields.
    const s = await session('wang', 'Op3rator on duty');
    expect(
      (await post(s, '/api/actions/gate/open', { gateId: 'gate-1', actor: { name: 'platform', role: 'admin' } })).json(),
    ).toMatchObject({ code: 'invalid_input' });
  });

  it('locks an account after 5 failures, with backoff, even for the right password, and audits it', async () => {
    for (let i = 0; i < 5; i++) expect((await session('zhao', `wrong-${i}`)).r.status).toBe(401);
    const sixth = await session('zhao', 'wrong-again');
    expect(sixth.r.status).toBe(401);
    const locked = await session('zhao', 'Just looking 42');
    expect(locked.r.status).toBe(429);
    expect(locked.r.json()).toMatchObject({ code: 'locked' });
    expect(Number(locked.r.headers['retry-after'])).toBeGreaterThanOrEqual(25);
    const lock = ctx.db.prepare<{ by: string; detail: string }>("SELECT by, detail FROM audit_log WHERE action = 'console/lockout'").all();
    expect(lock).toHaveLength(1);
    expect(JSON.parse(lock[0]!.detail)).toMatchObject({ input: { seconds: 30, by: 'account+address' } });
    // Another account from the same address still logs in (the address has 10 free failures).
    expect((await session('wang', 'Op3rator on duty')).r.status).toBe(200);
    // Unknown names fail the same way, without telling they do not exist.
    const ghost = await session('nobody', 'whatever-1');
    expect(ghost.r.json()).toEqual(sixth.r.json());
  });

  it('ends a session at logout and when the password changes', async () => {
    const s = await session('li', 'Gate box 7 night!');
    const out = await post(s, '/api/logout', {});
    expect(String(out.headers['set-cookie'])).toMatch(/se_session=; .*Max-Age=0/);
    expect((await send(port, 'GET', '/api/status', { cookie: s.cookie })).status).toBe(401);
    const t = await session('li', 'Gate box 7 night!');
    expect((await send(port, 'GET', '/api/status', { cookie: t.cookie })).status).toBe(200);
    await admin.run('users/passwd', { name: 'li', password: 'New gate pass 8!' }, CLI);
    expect((await send(port, 'GET', '/api/status', { cookie: t.cookie })).status).toBe(401);
    expect(ctx.db.prepare("SELECT 1 FROM audit_log WHERE action = 'console/logout'").all()).toHaveLength(1);
  });

  it('refuses work beyond the limits with "busy": requests in flight, and each action per user per minute', async () => {
    const s = await session('wang', 'Op3rator on duty');
    const slow = post(s, '/api/actions/test/slow', {});
    const slow2 = post(s, '/api/actions/test/slow', {});
    await new Promise((r) => setTimeout(r, 200));
    const third = await send(port, 'GET', '/api/status', { cookie: s.cookie });
    expect(third.status).toBe(503);
    expect(third.json()).toMatchObject({ code: 'busy' });
    release();
    expect((await Promise.all([slow, slow2])).map((r) => r.status)).toEqual([200, 200]);
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await post(s, '/api/actions/gate/open', { gateId: 'gate-2' })).status);
    expect(codes.filter((c) => c === 200).length).toBeLessThanOrEqual(5); // 30 a minute, bursts of 5 (one used above)
    const refused = await post(s, '/api/actions/gate/open', { gateId: 'gate-2' });
    expect(refused.status).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'busy' });
  });

  it('never answers a secret: camera and cloud credentials are redacted in config, events and the stream', async () => {
    const s = await session('li', 'New gate pass 8!');
    ctx.events.publish('camera.offline', {
      cameraId: 'door',
      reason: 'exited',
      message: 'ffmpeg: rtsp://admin:Cam3ra-pw@10.0.0.5/stream1: 401',
    } as never);
    ctx.events.flush();
    for (const r of [
      await post(s, '/api/actions/config/get', {}),
      await send(port, 'GET', '/api/events?limit=500', { cookie: s.cookie }),
    ]) {
      expect(r.status).toBe(200);
      expect(r.text).not.toContain('hunter2');
      expect(r.text).not.toContain('Cam3ra-pw');
    }
    expect((await post(s, '/api/actions/config/get', {})).text).toContain('mqtts://box-7:***@mqtt.example.com');
  });

  it('serves /metrics without a token only on its own listen address, never on the console port (a local proxy makes everyone local)', async () => {
    const here = await send(port, 'GET', '/metrics');
    expect(here.status).toBe(403);
    expect(here.json().error).toMatch(/served on 127\.0\.0\.1:0 \(console\.metricsListen\)/);
    const own = new URL(server.metricsUrl as string);
    expect((await send(Number(own.port), 'GET', '/api/status')).status).toBe(404);
    expect((await send(Number(own.port), 'GET', '/metrics', { host: 'evil.test' })).status).toBe(403);
    const r = await send(Number(own.port), 'GET', '/metrics');
    expect(r.status).toBe(200);
    expect(r.text).toMatch(/^sharpeyes_outbox_unsent \d+$/m);
    expect(r.text).toMatch(/sharpeyes_console_sessions \d+/);
  });

  it('lets the live view websocket in only with a session, from this origin', async () => {
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api/live/door`, { headers });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('error', () => undefined);
      });
    const s = await session('zhao', 'Just looking 42').catch(() => undefined);
    const viewer = s?.cookie ? s : await session('wang', 'Op3rator on duty');
    expect(await status({})).toBe(401);
    expect(await status({ origin: 'http://evil.test:8080', cookie: viewer.cookie })).toBe(403);
    expect(await status({ host: 'evil.test:8080', cookie: viewer.cookie })).toBe(403);
    expect(await status({ origin: `http://127.0.0.1:${port}`, cookie: viewer.cookie })).toBe(503); // no cameras room here: the checks passed
  });
});
