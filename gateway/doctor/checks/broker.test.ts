import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { checkBroker } from './broker.js';

const DAY = 86_400_000;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'doctor-broker-'));
  // A real CA certificate valid for 10 days from now (openssl, as the platform would issue it).
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(dir, 'ca.key'),
      '-out',
      join(dir, 'ca.pem'),
      '-days',
      '10',
      '-subj',
      '/CN=platform-ca',
    ],
    { stdio: 'ignore' },
  );
  // Port 1 on loopback: nothing listens, the connection is refused at once.
  writeFileSync(
    join(dir, 'c.yaml'),
    `node:\n  id: t\n  dataDir: ${join(dir, 'data')}\ncloud:\n  url: mqtts://127.0.0.1:1\n  tls:\n    caFile: ca.pem\n`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('doctor: the broker and its certificates', () => {
  const at = (offsetDays: number) => checkBroker(loadConfig(join(dir, 'c.yaml'), {}), new Date(Date.now() + offsetDays * DAY));

  it('fails on a certificate expired or not valid yet, without connecting', async () => {
    const expired = await at(20);
    expect(expired).toEqual([
      expect.objectContaining({
        status: 'fail',
        text: expect.objectContaining({ en: expect.stringMatching(/ca\.pem expired on \d{4}-/) }),
      }),
    ]);
    const early = await at(-1);
    expect(early[0]!.text.zh).toMatch(/尚未生效.*时钟是否正确/);
  });

  it('warns a month before the certificate expires, then says why the broker cannot be reached', async () => {
    const soon = await at(0);
    expect(soon.map((f) => [f.status, f.text.en.replace(/^.*ca\.pem /, '').replace(/: .*$/, '')])).toEqual([
      ['warn', 'expires in 9 days'],
      ['fail', 'cannot connect to mqtts://127.0.0.1:1'],
    ]);
    expect(soon[1]!.text.en).toMatch(/refused|ECONNREFUSED/i);
  });
});
