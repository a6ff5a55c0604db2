import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SHARPEYES } from '../../../../cloud-bridge/testing/daemon.js';
import { Database } from '../../../store/database.js';

const run = promisify(execFile);

/** `sharpeyes users` as an installer runs it, on a data folder; output in Chinese unless LANG says English. */
describe('sharpeyes users', () => {
  const dir = mkdtempSync(join(tmpdir(), 'se-users-'));
  const config = join(dir, 'gateway.yaml');
  const pw = join(dir, 'pw');
  const cli = async (args: string[], lang = 'zh_CN.UTF-8') => {
    try {
      const r = await run(process.execPath, [SHARPEYES, 'users', ...args, '--config', config], {
        env: { ...process.env, LANG: lang },
        encoding: 'utf8',
      });
      return { code: 0, out: r.stdout, err: r.stderr };
    } catch (e) {
      const x = e as { code: number; stdout: string; stderr: string };
      return { code: x.code, out: x.stdout, err: x.stderr };
    }
  };
  beforeAll(() => {
    writeFileSync(config, `node:\n  id: users-test\n  dataDir: ${JSON.stringify(dir)}\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adds the first admin from a password file, refuses weak passwords, lists in Chinese by default', async () => {
    writeFileSync(pw, 'short\n');
    const weak = await cli(['add', 'li', '--role', 'admin', '--password-file', pw]);
    expect(weak.code).toBe(2);
    expect(weak.err).toMatch(/at least 10 characters/);
    writeFileSync(pw, 'Gate box 7 night!\n');
    expect(await cli(['add', 'li', '--role', 'admin', '--password-file', pw])).toMatchObject({ code: 0, out: '已添加 li（admin）\n' });
    expect((await cli(['list'])).out).toMatch(/^li\t管理员\tzh\t/);
    expect((await cli(['list'], 'en_US.UTF-8')).out).toMatch(/^li\tadmin\tzh\t/);
  }, 60_000);

  it('keeps the last admin, changes roles and passwords, removes, and audits each change without the password', async () => {
    expect((await cli(['remove', 'li'])).err).toMatch(/last admin/);
    writeFileSync(pw, 'Op3rator on duty\n');
    await cli(['add', 'wang', '--role', 'viewer', '--password-file', pw]);
    expect((await cli(['role', 'wang', 'operator'], 'en_US.UTF-8')).out).toBe('wang is now operator\n');
    writeFileSync(pw, 'Another pass 99!\n');
    expect((await cli(['passwd', 'wang', '--password-file', pw], 'en_US.UTF-8')).out).toMatch(/sessions have ended/);
    expect((await cli(['remove', 'wang'], 'en_US.UTF-8')).out).toMatch(/removed wang/);
    const db = new Database(join(dir, 'gateway.db'));
    try {
      const audit = db
        .prepare<{ action: string; channel: string; ok: number; detail: string }>(
          'SELECT action, channel, ok, detail FROM audit_log ORDER BY ts',
        )
        .all();
      expect(audit.map((a) => [a.action, a.ok])).toEqual([
        ['users/add', 0],
        ['users/add', 1],
        ['users/list', 1], // an admin's read: audited too
        ['users/list', 1],
        ['users/remove', 0],
        ['users/add', 1],
        ['users/role', 1],
        ['users/passwd', 1],
        ['users/remove', 1],
      ]);
      expect(audit.every((a) => a.channel === 'cli')).toBe(true);
      const all = JSON.stringify(audit);
      for (const secret of ['Gate box 7 night!', 'Op3rator on duty', 'Another pass 99!', 'short']) expect(all).not.toContain(secret);
      expect(db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'audit.action'").get()).toEqual({ n: 9 });
    } finally {
      db.close();
    }
  }, 90_000);

  it('reads the password typed on a terminal twice, without echoing it', async () => {
    // A real pty (Python's pty module): the CLI sees a TTY as an installer's shell gives it.
    const script = [
      'import os, pty, sys, time',
      'pid, fd = pty.fork()',
      'if pid == 0:',
      '    os.execvp(sys.argv[1], sys.argv[1:])',
      'out = b""',
      'def until(token):',
      '    global out',
      '    while token not in out:',
      '        out += os.read(fd, 1024)',
      'until("密码".encode())',
      'os.write(fd, b"Typed secret 123\\r")',
      'until("再次输入".encode())',
      'os.write(fd, b"Typed secret 123\\r")',
      'while True:',
      '    try:',
      '        chunk = os.read(fd, 1024)',
      '    except OSError:',
      '        break',
      '    if not chunk:',
      '        break',
      '    out += chunk',
      '_, status = os.waitpid(pid, 0)',
      'sys.stdout.write(out.decode())',
      'sys.exit(os.waitstatus_to_exitcode(status))',
    ].join('\n');
    const r = await run(
      '/usr/bin/python3',
      ['-c', script, process.execPath, SHARPEYES, 'users', 'add', 'zhao', '--role', 'viewer', '--config', config],
      {
        env: { ...process.env, LANG: 'zh_CN.UTF-8' },
        encoding: 'utf8',
      },
    );
    expect(r.stdout).toContain('已添加 zhao（viewer）');
    expect(r.stdout).not.toContain('Typed secret');
  }, 60_000);
});
