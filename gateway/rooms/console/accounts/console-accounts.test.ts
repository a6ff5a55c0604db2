import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testContext, type TestContext } from '../../../testing/context.js';
import { login as loginHttp, send } from '../../../testing/console-http.js';
import { AuditLog } from '../../../core/audit/log.js';
import { ActionTable } from '../../../core/actions.js';
import type { ConsoleServer } from '../server.js';
import { FAST_KDF, startTestConsole } from '../testing/console-server.js';
import { UserStore } from './user-store.js';
import { registerUserActions } from './actions.js';
import { registerConsoleAccountActions } from './console-actions.js';

const CLI = { actor: { channel: 'cli' as const, name: 'root@box', role: 'admin' as const }, transaction: 't' };

/** Accounts and the audit log from the console, over its real HTTP server and store. */
describe('console accounts and audit log', () => {
  let ctx: TestContext;
  let server: ConsoleServer;
  let port = 0;
  const users = () => new UserStore(ctx.db);
  const cli = new ActionTable();

  const login = async (name: string, password: string) => {
    const s = await loginHttp(port, name, password);
    return { status: s.r.status, cookie: s.cookie, csrf: s.csrf };
  };
  type S = Awaited<ReturnType<typeof login>>;
  const post = (s: S, path: string, body: unknown) =>
    send(port, 'POST', path, { cookie: s.cookie, 'x-csrf-token': s.csrf, origin: `http://127.0.0.1:${port}` }, body);
  const get = (s: S, path: string) => send(port, 'GET', path, { cookie: s.cookie });
  const account = (s: S, action: string, body: unknown = {}) => post(s, `/api/accounts/${action}`, body);

  beforeAll(async () => {
    ctx = testContext({});
    registerUserActions(cli, users(), FAST_KDF);
    const audit = new AuditLog({ db: ctx.db, events: ctx.events });
    const accounts = new ActionTable({ onAudit: (e) => audit.record(e) });
    registerConsoleAccountActions(accounts, users(), { audit: (e) => audit.record(e), params: FAST_KDF });
    ({ server, port } = await startTestConsole(ctx, { accounts }));
    await cli.run('users/add', { name: 'li', role: 'admin', password: 'Gate box 7 night!' }, CLI);
  });
  afterAll(async () => {
    await server?.stop();
    ctx?.dispose();
  });

  it('an admin adds an operator, changes the role, resets the password (shown once), disables and enables the account', async () => {
    const li = await login('li', 'Gate box 7 night!');
    expect((await account(li, 'users/add', { name: 'wang', role: 'operator', password: 'Op3rator on duty' })).status).toBe(200);
    expect((await account(li, 'users/role', { name: 'wang', role: 'viewer' })).json()).toMatchObject({ status: 'ok' });
    const wang = await login('wang', 'Op3rator on duty');
    expect(wang.status).toBe(200);
    const reset = (await account(li, 'users/reset-password', { name: 'wang' })).json() as { data: { generated: string } };
    expect(reset.data.generated).toMatch(/^[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}$/);
    expect((await get(wang, '/api/status')).status).toBe(401); // the reset ended wang's sessions
    expect((await login('wang', 'Op3rator on duty')).status).toBe(401);
    expect((await login('wang', reset.data.generated)).status).toBe(200);
    // The new password is in no audit row; the reset is.
    expect(JSON.stringify(ctx.db.prepare('SELECT * FROM audit_log').all())).not.toContain(reset.data.generated);
    expect((await account(li, 'users/disable', { name: 'wang', disabled: true })).status).toBe(200);
    expect((await login('wang', reset.data.generated)).status).toBe(401);
    const list = (await account(li, 'users/list')).json() as { data: { users: Array<{ name: string; role: string; disabled: boolean }> } };
    expect(list.data.users.map((u) => [u.name, u.role, u.disabled])).toEqual([
      ['li', 'admin', false],
      ['wang', 'viewer', true],
    ]);
    await account(li, 'users/disable', { name: 'wang', disabled: false });
    expect((await login('wang', reset.data.generated)).status).toBe(200); // enabled again, with its password
  });

  it('refuses what would lock everyone out, and account changes to anyone but an admin', async () => {
    const li = await login('li', 'Gate box 7 night!');
    expect((await account(li, 'users/disable', { name: 'li', disabled: true })).json()).toMatchObject({ code: 'refused' });
    expect((await account(li, 'users/role', { name: 'li', role: 'viewer' })).json()).toMatchObject({ code: 'refused' });
    const wang = await login(
      'wang',
      ((await account(li, 'users/reset-password', { name: 'wang' })).json() as { data: { generated: string } }).data.generated,
    );
    const r = await account(wang, 'users/add', { name: 'eve', role: 'admin', password: 'Sneaky admin 99' });
    expect([r.status, r.json().code]).toEqual([403, 'forbidden']);
    expect((await get(wang, '/api/audit')).status).toBe(403);
    // The account actions are not on the shared table the platform's MQTT requests reach.
    expect(ctx.actions.get('users/add')).toBeUndefined();
    expect(ctx.actions.get('users/reset-password')).toBeUndefined();
  });

  it('every user changes their own password with the current one; then logs in again', async () => {
    await cli.run('users/add', { name: 'zhao', role: 'viewer', password: 'Just looking 42' }, CLI);
    const zhao = await login('zhao', 'Just looking 42');
    expect((await account(zhao, 'account/passwd', { current: 'wrong one!!', password: 'Brand new 2026 pw' })).json()).toMatchObject({
      code: 'refused',
    });
    expect((await account(zhao, 'account/passwd', { current: 'Just looking 42', password: 'short' })).json()).toMatchObject({
      code: 'invalid_input',
    });
    expect((await account(zhao, 'account/passwd', { current: 'Just looking 42', password: 'Brand new 2026 pw' })).status).toBe(200);
    expect((await get(zhao, '/api/status')).status).toBe(401);
    expect((await login('zhao', 'Brand new 2026 pw')).status).toBe(200);
  });

  it('the audit page filters by who, action, result and time', async () => {
    const li = await login('li', 'Gate box 7 night!');
    const entries = async (q: string) =>
      ((await get(li, `/api/audit?${q}`)).json() as { entries: Array<{ by: string; action: string; ok: boolean; ts: string }> }).entries;
    const mine = await entries('by=zhao&action=account/passwd');
    expect(mine.map((e) => [e.action, e.ok])).toEqual([
      ['account/passwd', true],
      ['account/passwd', false],
      ['account/passwd', false],
    ]);
    expect((await entries('action=users/')).every((e) => e.action.startsWith('users/'))).toBe(true);
    expect((await entries('action=users/reset-password')).length).toBe(2);
    expect((await entries('ok=false')).every((e) => !e.ok)).toBe(true);
    expect((await entries('ok=false')).length).toBeGreaterThanOrEqual(5);
    expect(await entries(`from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);
    expect((await entries(`to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}&limit=2`)).length).toBe(2);
  });
});
