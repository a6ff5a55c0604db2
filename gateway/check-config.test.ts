import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config/errors.js';
import { parseConfig } from './config/load.js';
import { checkConfig } from './check-config.js';
import { PROFILES_DIR } from './lib/device-profiles/profiles.js';

const opts = { source: 'test.yaml', baseDir: '/etc/sharpeyes', env: {} };
const run = promisify(execFile);
const sharpeyes = (...args: string[]) =>
  run(process.execPath, ['scripts/sharpeyes.mjs', ...args], { env: { ...process.env, LANG: 'en_US.UTF-8' } }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
  );
const problems = (yaml: string, baseDir = '/etc/sharpeyes'): string[] => {
  try {
    checkConfig(parseConfig(yaml, { ...opts, baseDir }));
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};
const warnings = (yaml: string) => checkConfig(parseConfig(yaml, opts)).warnings;

const BAD = `
cameras:
  list:
    - { id: north, rtsp: "rtsp://127.0.0.1/x" }
devices:
  - { id: gate-1, profile: barrier-bg300-framed, simulate: true, camera: south }
  - { id: post-1, profile: alarm-post-sos200 }
  - { id: mystery, profile: no-such-model, simulate: true }
access:
  points:
    - { camera: west, gate: gate-1, via: face }
    - { camera: north, gate: gate-9, via: face }
    - { camera: north, gate: post-1, via: face }
faces:
  cameras: [east]
plates:
  cameras: [north, nowhere]
`;

/** Problems of the uplinks' settings: files that cannot be read, secrets others can read, ids that collide. */
function uplinkDir(rest = 'devices: []\naccess:\n  points: []\n'): { dir: string; yaml: string } {
  const dir = mkdtempSync(join(tmpdir(), 'se-check-'));
  writeFileSync(join(dir, 'open-pw'), 'not-secret\n', { mode: 0o644 });
  const yaml = `node:
  dataDir: ${dir}/var
cameras:
  list:
    - { id: c1, rtsp: "rtsp://127.0.0.1/1" }
    - { id: c2, rtsp: "rtsp://127.0.0.1/2" }
cloud:
  url: mqtts://broker.example:8883
  passwordFile: open-pw
  tls: { certFile: no-such-cert.pem, caFile: no-such-ca.pem }
gat1400:
  enabled: true
  url: http://127.0.0.1:9
  deviceId: "34020000001190000001"
  cameras:
    - { id: c1, deviceId: "34020000001190000009" }
    - { id: c2, deviceId: "34020000001190000009" }
${rest}`;
  return { dir, yaml };
}

describe('one validation path: the daemon, config check and doctor check the same way', () => {
  it('names every dangling reference and bad device in one report', () => {
    expect(problems(BAD)).toEqual([
      'devices[0].camera: unknown camera "south" (known: north)',
      'devices[1] (post-1): a serial device needs "port" (or simulate: true)',
      expect.stringMatching(/^devices\[2\] \(mystery\): .*no-such-model/),
      'access.points[0].camera: unknown camera "west" (known: north)',
      'access.points[1].gate: unknown device "gate-9" (known: gate-1, post-1, mystery)',
      'access.points[2].gate: device "post-1" (alarm-post-sos200, alarm_post) has no "open" command to open',
      'faces.cameras[0]: unknown camera "east" (known: north)',
      'plates.cameras[1]: unknown camera "nowhere" (known: north)',
    ]);
  });

  it("names the uplinks' unreadable files, readable secrets, unpaired TLS files and colliding VIID ids with the rest", () => {
    const { dir, yaml } = uplinkDir();
    expect(problems(yaml, dir)).toEqual([
      expect.stringMatching(/^cloud.passwordFile: secret file is readable by every user \(mode 644\)/),
      'cloud.tls: certFile and keyFile go together (mutual TLS needs both)',
      expect.stringMatching(/^cloud.tls.caFile: cannot read .*no-such-ca.pem: .*ENOENT/),
      expect.stringMatching(/^cloud.tls.certFile: cannot read .*no-such-cert.pem: .*ENOENT/),
      'gat1400.cameras: cameras "c1" and "c2" get the same VIID DeviceID 34020000001190000009; set them explicitly',
    ]);
  });

  it("checks the config the daemon runs: the demo's settings are applied first", () => {
    // No camera listed: the demo runs and reads plates on demo-lane, so a plate access point there is no warning.
    const demo = 'access:\n  points:\n    - { camera: demo-lane, gate: gate-1, via: plate }\n';
    expect(warnings(demo)).toEqual([]);
    expect(checkConfig(parseConfig(demo, opts)).config.plates).toMatchObject({ enabled: true, cameras: ['demo-lane'] });
    // With a camera listed, no demo: the same point on a real camera is warned about.
    const real =
      'cameras:\n  list: [{ id: lane, rtsp: "rtsp://127.0.0.1/x" }]\ndevices:\n  - { id: gate-1, profile: barrier-bg300-framed, simulate: true }\n' +
      'access:\n  points:\n    - { camera: lane, gate: gate-1, via: plate }\n';
    expect(warnings(real)).toEqual([expect.stringMatching(/^access.points\[0\]: opens by plate, but plates.enabled is false/)]);
  });

  it("warns about a device profile of the user's written in the spelling before envelope version 2, naming the file", () => {
    const dir = mkdtempSync(join(tmpdir(), 'se-check-spelling-'));
    const old = readFileSync(join(PROFILES_DIR, 'gpio-button-relay.yaml'), 'utf8').replace(
      /^kind: pedestrian_gate$/m,
      'kind: pedestrian-gate',
    );
    writeFileSync(join(dir, 'door.yaml'), old);
    const checked = checkConfig(
      parseConfig('access:\n  points: []\ndevices:\n  - { id: door-9, profile: ./door.yaml, chip: gpiochip0 }\n', {
        ...opts,
        baseDir: dir,
      }),
    );
    expect(checked.warnings).toEqual([
      `devices[0] (door-9): ${join(dir, 'door.yaml')}: device profile in the spelling before envelope version 2, read in the new one (kind: "pedestrian-gate" is now "pedestrian_gate"); rewrite the file, the old spelling is refused from 0.3.0`,
    ]);
  });

  it('warns about plate matching options that open a barrier for a plate that is not the known one', async () => {
    const base = 'plates:\n  enabled: true\n  match:\n';
    expect(warnings(`${base}    lookalikes: 2\n`)).toEqual([]);
    expect(warnings(`${base}    maxDistance: 1\n`)).toEqual([expect.stringMatching(/^plates.match.maxDistance 1: LESS SAFE.*粤B12346/)]);
    expect(warnings(`${base}    maxDistance: 1\n    crossProvince: true\n`)).toHaveLength(2);
    const dir = mkdtempSync(join(tmpdir(), 'se-check-'));
    const file = join(dir, 'gateway.yaml');
    writeFileSync(file, `node:\n  dataDir: ${dir}/var\n${base}    maxDistance: 1\n`);
    const check = await sharpeyes('config', 'check', '--config', file);
    expect(check.code).toBe(0);
    expect(check.err).toMatch(/^warning: plates.match.maxDistance 1: LESS SAFE/m);
  });

  it('config check (exit 2), the daemon (exit 2) and doctor (a failure per problem) report the same problems', async () => {
    // BAD's devices, access points and recognition cameras beside the uplinks' problems (its cameras are the uplinks' c1, c2).
    const { dir, yaml } = uplinkDir(BAD.slice(BAD.indexOf('devices:')));
    const file = join(dir, 'gateway.yaml');
    writeFileSync(file, yaml);
    const expected = problems(yaml, dir);
    expect(expected.length).toBeGreaterThan(10);
    const check = await sharpeyes('config', 'check', '--config', file);
    expect(check.code).toBe(2);
    const listed = (text: string) => [...text.matchAll(/^ {2}- (.*)$/gm)].map((m) => m[1]);
    expect(listed(check.err)).toEqual(expected);
    const start = await sharpeyes('start', '--config', file);
    expect(start.code).toBe(2);
    expect(listed(start.err)).toEqual(expected);
    const doctor = await sharpeyes('doctor', '--json', '--config', file);
    expect(doctor.code).toBe(1);
    const findings = (JSON.parse(doctor.out) as { findings: { check: string; status: string; text: { en: string } }[] }).findings;
    expect(findings.filter((f) => f.check === 'config' && f.status === 'fail').map((f) => f.text.en)).toEqual(
      expected.map((p) => `config: ${p}`),
    );
  });
});
