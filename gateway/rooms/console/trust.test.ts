import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { testContext, type TestContext } from '../../testing/context.js';
import { ActionTable } from '../../core/actions.js';
import type { ConsoleServer } from './server.js';
import { FAST_KDF, startTestConsole } from './testing/console-server.js';
import { UserStore } from './accounts/user-store.js';
import { registerUserActions } from './accounts/actions.js';
import { login, send } from '../../testing/console-http.js';
import { z } from 'zod';

const CLI = { actor: { channel: 'cli' as const, name: 'root@box', role: 'admin' as const }, transaction: 't' };

/**
 * The console behind the README's local TLS proxy (127.0.0.1, a trusted proxy): lockouts per
 * account and address, a per-address slowdown, sessions capped per account, and event streams
 * that drop a reader who does not keep up. The real console server over HTTP.
 */
describe('console: who may act, behind a trusted proxy', () => {
  let ctx: TestContext;
  let server: ConsoleServer;
  let port: number;
  const users = () => new UserStore(ctx.db);
  const held: Array<() => void> = [];

  const session = (name: string, password: string, from?: string) => login(port, name, password, from ? { 'x-forwarded-for': from } : {});
  const alive = async (cookie: string) => (await send(port, 'GET', '/api/status', { cookie })).status === 200;

  beforeAll(async () => {
    ctx = testContext();
    const admin = new ActionTable();
    registerUserActions(admin, users(), FAST_KDF);
    await admin.run('users/add', { name: 'admin', role: 'admin', password: 'Gate seven boss!' }, CLI);
    await admin.run('users/add', { name: 'zhao', role: 'viewer', password: 'Just looking 42' }, CLI);
    ctx.actions.register('test/slow', {
      role: 'viewer',
      description: 'holds its request until released',
      input: z.strictObject({}).prefault({}),
      handle: () => new Promise<string>((resolve) => void held.push(() => resolve('done'))),
    });
    ctx.actions.register('alarm/list', {
      role: 'viewer',
      description: 'probe',
      input: z.strictObject({}).prefault({}),
      handle: () => ({ alarms: [] }),
    });
    ({ server, port } = await startTestConsole(
      ctx,
      { trustedProxies: ['127.0.0.1'], maxStreamBufferBytes: 64 * 1024, uplink: () => ({ up: false, since: null }) },
      { maxSessionsPerUser: 3 },
    ));
  });
  afterAll(async () => {
    held.splice(0).forEach((r) => r());
    await server?.stop();
    ctx?.dispose();
  });

  it('a stranger guessing admin locks out only their own address; the admin still logs in from theirs', async () => {
    const stranger = '203.0.113.66';
    for (let i = 0; i < 5; i++) expect((await session('admin', `guess-${i}`, stranger)).r.status).toBe(401);
    expect((await session('admin', 'guess-5', stranger)).r.status).toBe(401); // starts the lock
    const locked = await session('admin', 'Gate seven boss!', stranger);
    expect(locked.r.status).toBe(429);
    expect(locked.r.json()).toMatchObject({ code: 'locked' });
    // The admin, from their desk behind the same proxy: not locked.
    expect((await session('admin', 'Gate seven boss!', '198.51.100.10')).r.status).toBe(200);
    // The lock and the failures are audited with the stranger's address, not the proxy's.
    const rows = ctx.db
      .prepare<{ action: string; detail: string }>("SELECT action, detail FROM audit_log WHERE action = 'console/lockout'")
      .all();
    expect(JSON.parse(rows[0]!.detail)).toMatchObject({ input: { address: stranger, by: 'account+address' } });
  });

  it('slows one address down whatever account it tries (X-Forwarded-For from the trusted proxy)', async () => {
    const roamer = '203.0.113.77';
    for (let i = 0; i < 10; i++) expect((await session(`user-${i}`, 'whatever-1', roamer)).r.status).toBe(401);
    expect((await session('user-10', 'whatever-1', roamer)).r.status).toBe(401);
    expect((await session('zhao', 'Just looking 42', roamer)).r.status).toBe(429);
    expect((await session('zhao', 'Just looking 42', '198.51.100.11')).r.status).toBe(200);
  });

  it("caps sessions per account: a viewer logging in again and again ends only its own oldest, never the admin's", async () => {
    const adminSession = await session('admin', 'Gate seven boss!', '198.51.100.10');
    const first = await session('zhao', 'Just looking 42', '198.51.100.12');
    const logins = [];
    for (let i = 0; i < 20; i++) logins.push(await session('zhao', 'Just looking 42', '198.51.100.12'));
    expect(await alive(adminSession.cookie)).toBe(true);
    expect(await alive(first.cookie)).toBe(false);
    expect(await Promise.all(logins.slice(-3).map((l) => alive(l.cookie)))).toEqual([true, true, true]);
    expect(await alive(logins[0]!.cookie)).toBe(false);
  });

  it("alarm/list still answers while one viewer fills every console slot, and that viewer's ceiling is its own", async () => {
    const flood = await session('zhao', 'Just looking 42', '198.51.100.14');
    const guard = await session('admin', 'Gate seven boss!', '198.51.100.10');
    const post = (u: { cookie: string; csrf: string }, path: string) =>
      send(port, 'POST', path, { cookie: u.cookie, 'x-csrf-token': u.csrf, origin: `http://127.0.0.1:${port}` }, {});
    const slow = Array.from({ length: 8 }, () => post(flood, '/api/actions/test/slow'));
    await new Promise((r) => setTimeout(r, 300));
    expect((await send(port, 'GET', '/api/status', { cookie: guard.cookie })).status).toBe(503); // the console is full
    expect((await post(guard, '/api/actions/alarm/list')).status).toBe(200);
    held.splice(0).forEach((r) => r());
    await Promise.all(slow);
    // The viewer polls alarm/list past its own rate: only its own bucket empties.
    const codes: number[] = [];
    for (let i = 0; i < 700; i++) codes.push((await post(flood, '/api/actions/alarm/list')).status);
    expect(codes).toContain(429);
    expect((await post(guard, '/api/actions/alarm/list')).status).toBe(200);
  });

  it('drops an event stream whose reader does not keep up, and keeps the one that reads', async () => {
    const viewer = await session('zhao', 'Just looking 42', '198.51.100.13');
    const open = (read: boolean) =>
      new Promise<{ closed: Promise<void>; got: () => number; end: () => void; resume: () => void }>((resolve) => {
        const s = connect(port, '127.0.0.1');
        let got = 0;
        const closed = new Promise<void>((done) => s.on('close', () => done()));
        s.on('data', (c: Buffer) => {
          got += c.length;
          if (!read) s.pause();
        });
        s.on('error', () => undefined);
        s.write(`GET /api/events/stream HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: ${viewer.cookie}\r\n\r\n`);
        setTimeout(
          () => resolve({ closed, got: () => got, end: () => s.destroy(), resume: () => void (s.removeAllListeners('data'), s.resume()) }),
          300,
        );
      });
    const slow = await open(false);
    const fast = await open(true);
    expect(server.streams.size).toBe(2);
    const dropped = () => ctx.logs.some((l) => l.msg === 'console: event stream dropped (its reader does not keep up)');
    const blob = 'x'.repeat(8000);
    for (let i = 0; i < 4000 && !dropped(); i++) {
      ctx.events.publish('camera.offline', { cameraId: `cam-${i}`, reason: 'exited', message: blob } as never);
      if (i % 50 === 0) {
        ctx.events.flush();
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    ctx.events.flush();
    expect(dropped()).toBe(true);
    expect(server.streams.size).toBe(1);
    // The slow reader's connection was closed by the server (it sees the end once it reads again).
    slow.resume();
    await slow.closed;
    expect(fast.got()).toBeGreaterThan(1_000_000);
    fast.end();
  });
});
