import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.js';
import { ConfigError } from '../../config/errors.js';
import { resolveProfile } from '../../lib/device-profiles/profiles.js';

describe('devices config section', () => {
  it("the embedded defaults run the demo's simulated turnstile, barrier gate and alarm post, whose profiles exist", () => {
    const { config } = parseConfig(undefined, { source: 'embedded defaults', baseDir: '/', env: {} });
    expect(config.devices.map((d) => [d.id, d.profile, d.simulate])).toEqual([
      ['door-1', 'turnstile-ts100-framed', true],
      ['gate-1', 'barrier-bg300-framed', true],
      ['alarm-1', 'alarm-post-sos200', true],
    ]);
    for (const d of config.devices) expect(resolveProfile(d.profile, { baseDir: '/' }).model).toBe(d.profile);
  });
  it('names duplicate ids, unknown egress gates and extra keys', () => {
    const bad = `devices:\n  - { id: g, profile: x, simulate: true, egress: [nope] }\n  - { id: g, profile: y, colour: red }\n`;
    try {
      parseConfig(bad, { source: 'test', baseDir: '/', env: {} });
      expect.unreachable();
    } catch (err) {
      const text = (err as ConfigError).problems.join('\n');
      expect(text).toMatch(/colour/);
    }
    const dup = `devices:\n  - { id: g, profile: x, egress: [nope] }\n  - { id: g, profile: y }\n`;
    expect(() => parseConfig(dup, { source: 'test', baseDir: '/', env: {} })).toThrow(
      /duplicate device id "g"[\s\S]*unknown device "nope"|unknown device "nope"[\s\S]*duplicate/,
    );
  });
});
