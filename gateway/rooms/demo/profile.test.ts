import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.js';
import { applyDemoProfile, demoCameras } from './profile.js';

/** The config the daemon runs with (the controller applies the demo profile to what was loaded). */
const load = (yaml?: string, env: NodeJS.ProcessEnv = {}) => {
  const loaded = parseConfig(yaml, { source: 'test', baseDir: '/tmp', env });
  return applyDemoProfile(loaded.config, loaded.raw);
};

describe('embedded defaults: the demo profile', () => {
  it('runs the demo without cameras: faces at demo-door, plates at demo-lane, both gates and the alarm post linked to a camera', () => {
    const c = load();
    expect(c.cameras.demo).toBe(true);
    expect(c.faces.cameras).toEqual(['demo-door']);
    expect(c.plates).toMatchObject({ enabled: true, cameras: ['demo-lane'] });
    // The demo room brings both cameras: plates are read in the lower part of the lane only.
    expect(demoCameras(c).map((cam) => [cam.id, cam.regions])).toEqual([
      ['demo-door', { motion: [] }],
      ['demo-lane', { motion: [], plates: [0.15, 0.5, 0.7, 0.5] }],
    ]);
    expect(c.access.points).toEqual([
      { camera: 'demo-door', gate: 'door-1', via: 'face' },
      { camera: 'demo-lane', gate: 'gate-1', via: 'plate' },
    ]);
    expect(c.devices.map((d) => [d.id, d.profile, d.simulate])).toEqual([
      ['door-1', 'turnstile-ts100-framed', true],
      ['gate-1', 'barrier-bg300-framed', true],
      ['alarm-1', 'alarm-post-sos200', true],
    ]);
    expect(c.devices.find((d) => d.id === 'alarm-1')?.camera).toBe('demo-door');
  });

  it('keeps what the config or the environment says, even for the demo', () => {
    const c = load('plates:\n  enabled: false\nfaces:\n  cameras: []\n');
    expect(c.plates.enabled).toBe(false);
    expect(c.faces.cameras).toEqual([]);
    expect(load(undefined, { SHARPEYES__PLATES__ENABLED: 'false' }).plates.enabled).toBe(false);
  });

  it('leaves the loaded config alone (rooms built from it in tests keep the schema defaults)', () => {
    const c = parseConfig(undefined, { source: 'test', baseDir: '/tmp', env: {} }).config;
    expect(c.plates.enabled).toBe(false);
    expect(c.faces.cameras).toEqual([]);
  });

  it('is a real install as soon as the config lists cameras (or turns the demo off): no demo settings', () => {
    for (const yaml of ['cameras:\n  list:\n    - {id: gate-cam, rtsp: "rtsp://10.0.0.5/main"}\n', 'cameras:\n  demo: false\n']) {
      const c = load(yaml);
      expect(c.plates.enabled).toBe(false);
      expect(c.plates.cameras).toEqual([]);
      expect(demoCameras(c)).toEqual([]);
      expect(c.faces.cameras).toEqual([]);
    }
  });
});
