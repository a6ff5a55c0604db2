import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CamerasRoom } from '../rooms/cameras/room.js';
import { startRtspServer, type RtspServer } from '../lib/rtsp-server/rtsp-server.js';
import { h264Clip } from '../rooms/cameras/testing/clips.js';
import { startRoom, testContext, until, type TestContext } from '../testing/context.js';
import { dispatchRequest } from '../../cloud-bridge/mqtt/requests.js';
import { parseConfig } from '../config/load.js';
import type { Actor } from './actions.js';
import { errMessage } from './errors.js';

// Camera passwords reach no sink: MQTT answers, database rows (the SQLite file's bytes), log
// lines, config errors. Real peers: GStreamer's RTSP server refusing the credentials, real ffmpeg.
// Each password is made for this run, so it appears nowhere but where the test put it.
const inUrl = `Ur1-${randomBytes(6).toString('hex')}!x`;
const inFile = `Fi1-${randomBytes(6).toString('hex')}`;
const forms = (pw: string) => [pw, encodeURIComponent(pw), pw.slice(0, 8)];
const PLATFORM: Actor = { channel: 'platform', name: 'platform', role: 'admin' };

/** Every file under a folder, but the password file the test wrote. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return filesUnder(p);
    return f === 'cam.pw' ? [] : [p];
  });
}

function leaks(text: string | Buffer): string[] {
  const found: string[] = [];
  for (const pw of [inUrl, inFile]) for (const f of forms(pw)) if (text.includes(f)) found.push(f);
  return found;
}

describe('camera passwords in no sink', () => {
  let rtsp: RtspServer;
  let ctx: TestContext;
  let stopRoom: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    rtsp = await startRtspServer({ files: { '/s': h264Clip() }, auth: 'admin:secret' });
    ctx = testContext({
      cameras: {
        restartMinMs: 300,
        restartMaxMs: 1000,
        analysis: { width: 320, height: 180, fps: 5 },
        list: [
          { id: 'in-url', rtsp: rtsp.url('/s').replace('rtsp://', `rtsp://admin:${encodeURIComponent(inUrl)}@`) },
          { id: 'in-file', rtsp: rtsp.url('/s'), username: 'admin', passwordFile: 'cam.pw' },
        ],
      },
    });
    writeFileSync(join(ctx.dataDir, 'cam.pw'), `${inFile}\n`, { mode: 0o600 });
    stopRoom = await startRoom(ctx, new CamerasRoom(ctx));
  });

  afterAll(async () => {
    await stopRoom?.();
    await rtsp?.stop();
    ctx?.dispose();
  });

  it('answers, database rows and logs carry neither password (the camera refused both)', async () => {
    const offline = () =>
      ctx.db.prepare<{ camera_id: string; message: string }>("SELECT camera_id, message FROM camera_status WHERE state = 'offline'").all();
    await until(() => offline().length === 2, 'both cameras offline (401)', 60_000);
    expect(offline().map((r) => r.message)).toEqual([expect.stringContaining('401'), expect.stringContaining('401')]);

    // MQTT answers: the handler's error quotes ffmpeg's last line (the camera URL); an invalid
    // input echoes the value it got. Each request carries a zoned ts and a nonce, as every change must.
    let nonces = 0;
    const stamp = () => ({ ts: new Date().toISOString(), nonce: `redact-test-${++nonces}` });
    const answers = [];
    for (const cameraId of ['in-url', 'in-file'])
      answers.push(
        await dispatchRequest(
          { actions: ctx.actions, maxRequestBytes: 65536, actor: PLATFORM },
          'cameras/snapshot',
          Buffer.from(JSON.stringify({ transaction: `t-${cameraId}`, input: { cameraId, main: true }, ...stamp() })),
        ),
      );
    answers.push(
      await dispatchRequest(
        { actions: ctx.actions, maxRequestBytes: 65536, actor: PLATFORM },
        'cameras/snapshot',
        Buffer.from(JSON.stringify({ transaction: 't-echo', input: { cameraId: [`rtsp://admin:${inUrl}@10.0.0.9/s`] }, ...stamp() })),
      ),
    );
    expect(answers.map((a) => [a.status, 'code' in a ? a.code : ''])).toEqual([
      ['error', 'unavailable'],
      ['error', 'unavailable'],
      ['error', 'invalid_input'],
    ]);
    expect(JSON.stringify(answers)).toContain('401');
    expect(leaks(JSON.stringify(answers))).toEqual([]);

    // Database rows (camera_status, audit_log, outbox...): the SQLite files' bytes.
    ctx.events.flush();
    const audit = ctx.db.prepare<{ detail: string }>("SELECT detail FROM audit_log WHERE action = 'cameras/snapshot'").all();
    expect(audit).toHaveLength(3); // both failures and the refused invalid input (refusals are audited too)
    ctx.db.exec('PRAGMA wal_checkpoint(FULL)');
    const files = filesUnder(ctx.dataDir);
    expect(files.some((f) => f.endsWith('.db') || f.endsWith('.sqlite'))).toBe(true);
    for (const f of files) expect([f, leaks(readFileSync(f))]).toEqual([f, []]);

    // Log lines.
    expect(ctx.logs.length).toBeGreaterThan(0);
    expect(leaks(JSON.stringify(ctx.logs))).toEqual([]);
  });

  it('a config error quoting a camera URL shows no part of its password', () => {
    const text = `cameras:\n  list: "rtsp://camera-operator-north-gate:${encodeURIComponent(inUrl)}@10.0.0.9/s"\n`;
    let message = '';
    try {
      parseConfig(text, { source: 'test.yaml', baseDir: ctx.dataDir, env: {} });
    } catch (err) {
      message = errMessage(err);
    }
    expect(message).toContain('cameras.list');
    expect(message).toContain('camera-operator-north-gate:***@');
    expect(leaks(message)).toEqual([]);
  });
});
