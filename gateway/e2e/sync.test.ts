import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quietRoomsYaml } from '../../cloud-bridge/testing/daemon.js';
import { Gateway } from './support.js';

/**
 * The platform synchronises vehicles and the watchlist over MQTT as it would in the field:
 * requests delivered twice and out of order (a QoS 1 redelivery, a retry after a timeout, two
 * consumers racing), against the real daemon. The box ends in the platform's latest state and
 * says on each response what it holds.
 */
describe('sync from the platform over MQTT', { timeout: 120_000 }, () => {
  // Gateway sets the console's port itself (0); the other rooms' demo peers stay off.
  const gw = new Gateway('sync', quietRoomsYaml().replace('console:\n  enabled: false\n', ''));
  beforeAll(() => gw.start(), 120_000);
  afterAll(() => gw.stop());

  it('vehicles: duplicated and out-of-order upserts and deletes end in the latest state, one event per change', async () => {
    const plate = '粤B·D12345';
    const send = (action: string, input: object) => gw.request(action, input);
    const answers = [];
    // The platform's history: v1 add (owner a), v2 change (owner b), v3 delete, v4 add (owner d); delivered scrambled.
    answers.push(await send('vehicles/upsert', { plate, ownerId: 'b', version: 2 }));
    answers.push(await send('vehicles/upsert', { plate, ownerId: 'a', version: 1 }));
    answers.push(await send('vehicles/delete', { plate, version: 3 }));
    answers.push(await send('vehicles/upsert', { plate, ownerId: 'b', version: 2 }));
    answers.push(await send('vehicles/upsert', { plate, ownerId: 'd', version: 4 }));
    answers.push(await send('vehicles/delete', { plate, version: 3 }));
    answers.push(await send('vehicles/upsert', { plate, ownerId: 'd', version: 4 }));
    expect(answers.map((a) => [a.status, (a.data as { outcome: string }).outcome])).toEqual([
      ['ok', 'applied'],
      ['ok', 'stale'],
      ['ok', 'applied'],
      ['ok', 'stale'],
      ['ok', 'applied'],
      ['ok', 'stale'],
      ['ok', 'duplicate'],
    ]);
    expect(answers[1]!.data).toMatchObject({ version: 2, deleted: false, vehicle: { ownerId: 'b' } });
    const list = await send('vehicles/list', {});
    expect(list.data).toEqual([expect.objectContaining({ plate: '粤BD12345', ownerId: 'd' })]);
    // The platform hears each applied change once: added (b), removed, added (d).
    await gw.waitForEvent('vehicle.added', (d) => d.ownerId === 'd');
    expect(gw.events('vehicle.added').map((e) => (e.data as { ownerId: string }).ownerId)).toEqual(['b', 'd']);
    expect(gw.events('vehicle.removed')).toHaveLength(1);
    // Every request is in the audit trail, with who asked.
    await gw.waitForEvent('audit.action', (d) => d.action === 'vehicles/delete');
    expect(gw.events('audit.action').filter((e) => (e.data as { action: string }).action.startsWith('vehicles/'))).toHaveLength(7);
  });

  it('watchlist entries, and input errors that name the field', async () => {
    expect((await gw.request('watchlist/upsert', { subject: 'r-9', reason: '法院通知', version: 1700000000000 })).data).toMatchObject({
      outcome: 'applied',
      entry: { subject: 'r-9', reason: '法院通知' },
    });
    expect((await gw.request('watchlist/delete', { subject: 'r-9', version: 1699999999999 })).data).toMatchObject({
      outcome: 'stale',
      version: 1700000000000,
    });
    const bad = await gw.request('watchlist/upsert', { subject: 'r-9', version: '2' });
    expect(bad).toMatchObject({ status: 'error', code: 'invalid_input', error: expect.stringMatching(/input\.version/) });
    expect((await gw.request('watchlist/get', {})).data).toEqual({ entries: [expect.objectContaining({ subject: 'r-9' })] });
  });

  it('residents/upsert says why it cannot enrol when recognition is off', async () => {
    const r = await gw.request('residents/upsert', { id: 'r-1', name: '李雷', photos: ['aGVsbG8='], version: 1 });
    expect(r).toMatchObject({ status: 'error', code: 'unavailable', error: expect.stringMatching(/disabled/) });
    const again = await gw.request('residents/upsert', { id: 'r-1', name: '李雷', version: 1 });
    expect(again).toMatchObject({ status: 'error', code: 'invalid_input', error: expect.stringMatching(/no face on this box/) });
  });

  it('sharpeyes residents import goes through the daemon: a row it refuses is reported, and an import it cannot take stops saying why', async () => {
    const csv = join(gw.dir, 'residents.csv');
    writeFileSync(join(gw.dir, 'lilei.jpg'), 'photo bytes');
    writeFileSync(csv, '编号,姓名,照片\nr-2,韩梅梅,\nr-3,李雷,lilei.jpg\nr-4,王芳,lilei.jpg\n');
    const r = await promisify(execFile)(
      process.execPath,
      [resolve('scripts/sharpeyes.mjs'), 'residents', 'import', csv, '-c', gw.daemon.configFile],
      {
        env: { ...process.env, LANG: 'zh_CN.UTF-8', LC_ALL: '' },
        timeout: 60_000,
      },
    ).then(
      (ok) => ({ code: 0, ...ok }),
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('共 3 行：写入 0，已是最新 0，版本较旧 0，拒绝 2，未处理 1\n');
    expect(r.stdout).toContain('第 2 行 r-2: 拒绝：内容不合格：r-2 has no face on this box');
    expect(r.stdout).toMatch(/第 3 行 r-3: 拒绝：人脸识别不可用：.*disabled/);
    expect(r.stderr).toMatch(/导入已停止，网关无法接收任何一行：.*disabled/);
    await gw.waitForEvent('audit.action', (d) => d.action === 'residents/upsert' && JSON.stringify(d).includes('r-3'));
  });
});
