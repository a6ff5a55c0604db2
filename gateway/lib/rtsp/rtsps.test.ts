import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startRoom, testContext, until } from '../../testing/context.js';
import { startRtspServer, type RtspServer } from '../rtsp-server/rtsp-server.js';
import { CamerasRoom } from '../../rooms/cameras/room.js';
import { probeTarget } from '../../rooms/cameras/probe.js';
import { parseConfig } from '../../config/load.js';
import { checkConfig } from '../../check-config.js';
import { stringify } from 'yaml';
import { openRtsp, type RtspTlsOptions } from './client.js';
import { RtspFailure } from './failure.js';
import type { AccessUnit } from './depacketize.js';

// rtsps:// against a real TLS RTSP peer: GStreamer's RTSP server with its own TLS (GIO,
// RTSPAuth.set_tls_certificate), Digest inside. Certificates made by openssl for the run: a CA
// that signs the camera's certificate (127.0.0.1 and cam.local), and a second CA that does not.

const ROOT = resolve(import.meta.dirname, '../../..');

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function makeCerts(dir: string): void {
  for (const ca of ['ca', 'other-ca'])
    openssl(
      dir,
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${ca}`,
      '-keyout',
      `${ca}.key`,
      '-out',
      `${ca}.pem`,
    );
  openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=camera', '-keyout', 'cam.key', '-out', 'cam.csr');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:cam.local\n');
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    'cam.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'san.ext',
    '-out',
    'cam.pem',
  );
}

describe('rtsps:// cameras (GStreamer RTSP server over TLS)', () => {
  let dir: string;
  let cam: RtspServer;
  const url = () => cam.url('/cam').replace('rtsps://', 'rtsps://admin:s3cret@');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sharpeyes-rtsps-'));
    makeCerts(dir);
    cam = await startRtspServer({
      patterns: { '/cam': '320x180@10' },
      auth: 'admin:s3cret',
      authMethod: 'digest',
      tls: { cert: join(dir, 'cam.pem'), key: join(dir, 'cam.key') },
    });
  }, 60_000);
  afterAll(async () => {
    await cam?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens, waits for a keyframe, closes: the pictures seen. */
  async function play(u: string, tls: RtspTlsOptions | undefined): Promise<AccessUnit[]> {
    const units: AccessUnit[] = [];
    const s = await openRtsp({ url: u, tls, timeoutS: 10, onUnit: (au) => units.push(au), onEnd: () => undefined });
    try {
      expect(s.track.codec).toBe('h264');
      await until(() => units.some((au) => au.keyframe), 'a keyframe over rtsps', 20_000);
    } finally {
      await s.close();
    }
    return units;
  }

  async function failure(u: string, tls: RtspTlsOptions | undefined): Promise<RtspFailure> {
    const err = await openRtsp({ url: u, tls, timeoutS: 10, onUnit: () => undefined, onEnd: () => undefined }).then(
      async (s) => {
        await s.close();
        throw new Error('the session opened');
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RtspFailure);
    return err as RtspFailure;
  }

  it('plays with the camera CA pinned, and with a serverName the certificate carries', async () => {
    const ca = join(dir, 'ca.pem');
    expect(cam.url('/cam')).toMatch(/^rtsps:\/\//);
    const units = await play(url(), { ca: readFileSync(ca) });
    expect(units.find((au) => au.keyframe)?.data.subarray(0, 4)).toEqual(Buffer.from([0, 0, 0, 1]));
    await play(url(), { ca: readFileSync(ca), serverName: 'cam.local' });
  });

  it("refuses a certificate the system's CAs, another CA or another name do not vouch for", async () => {
    const system = await failure(url(), undefined);
    expect(system.failure.reason).toBe('unauthorized');
    expect(system.failure.message).toMatch(/TLS certificate is not trusted .*tls\.caFile/);
    const other = await failure(url(), { ca: readFileSync(join(dir, 'other-ca.pem')) });
    expect(other.failure.reason).toBe('unauthorized');
    const name = await failure(url(), { ca: readFileSync(join(dir, 'ca.pem')), serverName: 'not-the-camera.local' });
    expect(name.failure).toMatchObject({ reason: 'unauthorized' });
    expect(name.failure.message).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID/);
  });

  it('plays without checking only when told insecure; plain rtsp:// to it fails', async () => {
    await play(url(), { insecure: true });
    const plain = await failure(url().replace('rtsps://', 'rtsp://'), undefined);
    expect(plain.failure.reason).not.toBe('unauthorized');
  });

  it('sharpeyes probe decodes an rtsps:// camera with its CA, and says why not without', async () => {
    const ok = await probeTarget(cam.url('/cam'), {
      username: 'admin',
      password: 's3cret',
      tls: { ca: readFileSync(join(dir, 'ca.pem')) },
    });
    expect(ok).toMatchObject({ kind: 'rtsp', ok: true });
    expect(ok.target).not.toContain('s3cret');
    const refused = await probeTarget(cam.url('/cam'), { username: 'admin', password: 's3cret' });
    expect(refused).toMatchObject({ ok: false, reason: 'unauthorized' });
  });

  it('sharpeyes probe (the CLI) takes --ca-file or --insecure for an rtsps:// camera', async () => {
    writeFileSync(join(dir, 'probe.pw'), 's3cret\n', { mode: 0o600 });
    const probe = (...extra: string[]) =>
      new Promise<{ code: number; out: { ok: boolean; reason?: string } }>((done) =>
        execFile(
          process.execPath,
          [
            'scripts/sharpeyes.mjs',
            'probe',
            cam.url('/cam'),
            '--user',
            'admin',
            '--password-file',
            join(dir, 'probe.pw'),
            '--json',
            ...extra,
          ],
          { cwd: ROOT, timeout: 60_000 },
          (err, stdout) => done({ code: err ? Number((err as { code?: number }).code) : 0, out: JSON.parse(stdout) }),
        ),
      );
    expect(await probe('--ca-file', join(dir, 'ca.pem'))).toMatchObject({ code: 0, out: { ok: true } });
    expect(await probe('--insecure')).toMatchObject({ code: 0, out: { ok: true } });
    expect(await probe()).toMatchObject({ code: 1, out: { ok: false, reason: 'unauthorized' } });
  });

  it('config check: a missing CA file is an error, insecure a warning, both at once refused', () => {
    const check = (tls: Record<string, unknown>) => () =>
      checkConfig(
        parseConfig(
          stringify({
            devices: [],
            access: { points: [] },
            cameras: { demo: false, list: [{ id: 'c', rtsp: 'rtsps://cam.local/s', tls }] },
          }),
          {
            source: 'test',
            baseDir: dir,
            env: {},
          },
        ),
      );
    expect(check({ caFile: 'no-such-ca.pem' })).toThrow(/cameras\.list\[c\]\.tls\.caFile: cannot read .*no-such-ca\.pem/);
    expect(check({ caFile: 'ca.pem' })().warnings.join('\n')).not.toMatch(/tls/);
    expect(check({ insecure: true })().warnings.join('\n')).toMatch(/cameras\.list\[c\]\.tls\.insecure: .*pose as it/);
    expect(check({ insecure: true, caFile: 'ca.pem' })).toThrow(/tls\.caFile or tls\.insecure, not both/);
  });

  it('the cameras room reads an rtsps:// camera with tls.caFile from the config', async () => {
    writeFileSync(join(dir, 'cam.pw'), 's3cret\n', { mode: 0o600 });
    const ctx = testContext({
      cameras: {
        demo: false,
        liveView: { enabled: false },
        analysis: { fps: 2, width: 64, height: 64 },
        list: [
          {
            id: 'tls-cam',
            rtsp: cam.url('/cam'),
            username: 'admin',
            passwordFile: join(dir, 'cam.pw'),
            tls: { caFile: join(dir, 'ca.pem') },
          },
          { id: 'untrusted', rtsp: cam.url('/cam'), username: 'admin', passwordFile: join(dir, 'cam.pw') },
        ],
      },
    });
    const room = new CamerasRoom(ctx);
    const stop = await startRoom(ctx, room);
    try {
      const framesIn = (id: string) => room.counters().find((c) => c.cameraId === id)?.framesIn ?? 0;
      await until(() => framesIn('tls-cam') > 0, 'frames from the rtsps:// camera', 30_000);
      await until(
        () => room.streamStats().find((s) => s.name === 'untrusted/main')?.lastFailure?.reason === 'unauthorized',
        'the untrusted camera refused for its certificate',
        30_000,
      );
      expect(framesIn('untrusted')).toBe(0);
    } finally {
      await stop();
      ctx.dispose();
    }
  });
});
