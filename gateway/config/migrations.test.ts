import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './errors.js';
import { parseConfig } from './load.js';
import { CONFIG_VERSION, migrateConfig } from './migrations/index.js';

const opts = { source: 'test.yaml', baseDir: '/etc/sharpeyes', env: {} };
const run = promisify(execFile);
const sharpeyes = (...args: string[]) =>
  run(process.execPath, ['scripts/sharpeyes.mjs', ...args]).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
  );

/** A config as written for version 1 (before versions existed), with every key a later version changed. */
const V1 = `node:\n  id: box-7\ncameras:\n  snapshots:\n    maxCount: 2000\n    quality: 70\nfaces:\n  snapshotQuality: 90\n`;

describe('config versions', () => {
  it('a version 1 file is upgraded at load, saying what changed', () => {
    const loaded = parseConfig(V1, opts);
    expect(loaded.fileVersion).toBe(1);
    expect(loaded.config.cameras.snapshots.maxMb).toBe(200);
    expect(loaded.migrationNotes).toEqual([
      'version 1 -> 2: cameras.snapshots.maxCount 2000 became cameras.snapshots.maxMb 200 (snapshots are now bounded by size)',
      'version 1 -> 2: faces.snapshotQuality removed: face crops use cameras.snapshots.quality',
    ]);
    expect(loaded.migrated).toMatchObject({ version: CONFIG_VERSION, cameras: { snapshots: { maxMb: 200, quality: 70 } } });
  });

  it('a version 2 file gets its regions of interest moved under the cameras, one note per key', () => {
    const V2 = `version: 2
cameras:
  list:
    - id: gate-cam
      rtsp: rtsp://10.0.0.5/main
      motion:
        pixelThreshold: 30
        regions: [{ name: lane-1, gate: gate-1, rect: [0, 0.5, 0.5, 0.5] }]
    - { id: door-cam, rtsp: "rtsp://10.0.0.6/main" }
faces:
  cameras: [{ id: door-cam, roi: [0.25, 0, 0.5, 1] }, { id: gate-cam }, { id: gone-cam, roi: [0, 0, 1, 1] }]
plates:
  roi: { gate-cam: [0.1, 0.4, 0.8, 0.6], demo-lane: [0, 0, 1, 1] }
`;
    const loaded = parseConfig(V2, opts);
    expect(loaded.fileVersion).toBe(2);
    expect(loaded.migrationNotes).toEqual([
      'version 2 -> 3: cameras.list[0].motion.regions moved to cameras.list[0].regions.motion',
      'version 2 -> 3: faces.cameras[0].roi moved to cameras.list[1].regions.faces',
      'version 2 -> 3: faces.cameras[2].roi dropped: camera "gone-cam" is not in cameras.list',
      'version 2 -> 3: faces.cameras is now a list of camera ids',
      'version 2 -> 3: plates.roi.gate-cam moved to cameras.list[0].regions.plates',
      'version 2 -> 3: plates.roi.demo-lane dropped: camera "demo-lane" is not in cameras.list',
    ]);
    const [gate, door] = loaded.config.cameras.list;
    expect(gate!.motion.pixelThreshold).toBe(30);
    expect(gate!.regions).toEqual({ motion: [{ name: 'lane-1', gate: 'gate-1', rect: [0, 0.5, 0.5, 0.5] }], plates: [0.1, 0.4, 0.8, 0.6] });
    expect(door!.regions).toEqual({ motion: [], faces: [0.25, 0, 0.5, 1] });
    expect(loaded.config.faces.cameras).toEqual(['door-cam', 'gate-cam', 'gone-cam']);
    expect(loaded.migrated).not.toHaveProperty('plates.roi');
  });

  it('a version 1 file with regions goes through every step', () => {
    const V1_REGIONS = `cameras:
  snapshots: { maxCount: 2000 }
  list:
    - { id: c1, rtsp: "rtsp://10.0.0.7/x", motion: { regions: [{ name: all, rect: [0, 0, 1, 1] }] } }
faces:
  cameras: [{ id: c1, roi: [0, 0, 0.5, 0.5] }]
plates:
  roi: { c1: [0.5, 0.5, 0.5, 0.5] }
`;
    const loaded = parseConfig(V1_REGIONS, opts);
    expect(loaded.fileVersion).toBe(1);
    expect(loaded.migrationNotes.filter((n) => n.startsWith('version 2 -> 3'))).toHaveLength(4);
    expect(loaded.config.cameras.list[0]!.regions).toEqual({
      motion: [{ name: 'all', rect: [0, 0, 1, 1] }],
      faces: [0, 0, 0.5, 0.5],
      plates: [0.5, 0.5, 0.5, 0.5],
    });
    expect(loaded.config.cameras.snapshots.maxMb).toBe(200);
  });

  it('a version 3 file loses the keys that no longer do anything, one note each', () => {
    const loaded = parseConfig(
      'version: 3\nconsole:\n  tokenFile: /etc/sharpeyes/token\ncameras:\n  liveView: { host: 0.0.0.0, port: 9999, maxViewers: 3 }\n',
      opts,
    );
    expect(loaded.migrationNotes).toEqual([
      'version 3 -> 4: console.tokenFile removed: the console has accounts (create the first admin with `sharpeyes users add NAME --role admin`)',
      'version 3 -> 4: cameras.liveView.host removed: live view is served by the console, behind its login, not on a port of its own',
      'version 3 -> 4: cameras.liveView.port removed: live view is served by the console, behind its login, not on a port of its own',
    ]);
    expect(loaded.config.cameras.liveView.maxViewers).toBe(3);
    expect(loaded.migrated).not.toHaveProperty('console.tokenFile');
    expect(() => parseConfig(`version: ${CONFIG_VERSION}\nconsole:\n  tokenFile: /x\n`, opts)).toThrow(/tokenFile: unknown key/);
  });

  it('a version 4 file has its fireUnknown hold-open spelled hold_open, one note per device', () => {
    const loaded = parseConfig(
      `version: 4
devices:
  - { id: board-1, profile: relay-board-4ch-modbus, simulate: true, egress: [gate-1], fireUnknown: hold-open }
  - { id: gate-1, profile: barrier-bg300-framed, simulate: true, fireUnknown: ignore }
  - { id: post-1, profile: alarm-post-sos200, simulate: true }
`,
      { ...opts, baseDir: process.cwd() },
    );
    expect(loaded.migrationNotes).toEqual([
      "version 4 -> 5: devices[0].fireUnknown hold-open became hold_open (the command's name in the device profiles)",
    ]);
    expect(loaded.config.devices.map((d) => d.fireUnknown)).toEqual(['hold_open', 'ignore', 'hold_open']);
    expect(loaded.migrated).toMatchObject({ devices: [{ fireUnknown: 'hold_open' }, { fireUnknown: 'ignore' }, {}] });
    // In a current file the old spelling is an error like any unknown value.
    expect(() =>
      parseConfig(`version: ${CONFIG_VERSION}\ndevices:\n  - { id: b, profile: barrier-bg300-framed, fireUnknown: hold-open }\n`, opts),
    ).toThrow(/fireUnknown/);
  });

  it('a current file loads as written; the old keys in it are errors', () => {
    const loaded = parseConfig(`version: ${CONFIG_VERSION}\ncameras:\n  snapshots:\n    maxMb: 50\n`, opts);
    expect(loaded.migrationNotes).toEqual([]);
    expect(loaded.config.cameras.snapshots.maxMb).toBe(50);
    expect(() => parseConfig(`version: ${CONFIG_VERSION}\ncameras:\n  snapshots:\n    maxCount: 50\n`, opts)).toThrow(
      /maxCount: unknown key/,
    );
  });

  it('refuses a version from a newer gateway, and a version that is not a number', () => {
    expect(() => migrateConfig({ version: CONFIG_VERSION + 1 })).toThrow(/newer than this gateway understands/);
    expect(() => parseConfig('version: two\n', opts)).toThrow(ConfigError);
  });

  it('`config migrate --write` rewrites an old file in the current format and keeps the old one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'se-migrate-'));
    const file = join(dir, 'gateway.yaml');
    writeFileSync(file, V1);
    const dry = await sharpeyes('config', 'migrate', '--config', file);
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/maxCount 2000 became cameras.snapshots.maxMb 200/);
    expect(readFileSync(file, 'utf8')).toBe(V1); // nothing written without --write
    expect((await sharpeyes('config', 'migrate', '--write', '--config', file)).code).toBe(0);
    expect(readFileSync(`${file}.bak`, 'utf8')).toBe(V1);
    expect(parseConfig(readFileSync(file, 'utf8'), opts)).toMatchObject({ fileVersion: CONFIG_VERSION, migrationNotes: [] });
    expect((await sharpeyes('config', 'migrate', '--config', file)).out).toMatch(/already version/);
  });
});
