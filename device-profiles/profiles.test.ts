import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listProfileFiles, loadProfileFile, parseProfile, PROFILES_DIR } from '../gateway/lib/device-profiles/profiles.js';
import { CHECKSUMS } from '../gateway/lib/device-profiles/checksums.js';
import { checkProfileReferences } from '../gateway/lib/device-profiles/profile-check.js';

/** Invariants over every device profile in this folder (as zigbee-herdsman-converters does). */
const files = listProfileFiles(PROFILES_DIR);
const profiles = files.map((f) => ({ file: f, p: loadProfileFile(f) }));

describe('device profiles', () => {
  it('the required kinds are present', () => {
    const kinds = profiles.map(({ p }) => `${p.kind}/${p.protocol.type}`);
    for (const want of ['io_board/modbus-rtu', 'barrier/framed', 'turnstile/framed', 'alarm_post/framed', 'pedestrian_gate/gpio'])
      expect(kinds).toContain(want);
  });

  it('model names are unique and match the file name', () => {
    const models = profiles.map(({ p }) => p.model);
    expect(new Set(models).size).toBe(models.length);
    for (const { file, p } of profiles) expect(basename(file).replace(/\.ya?ml$/, '')).toBe(p.model);
  });

  describe.each(profiles.map(({ file, p }) => [basename(file), p] as const))('%s', (_name, p) => {
    it('has no reference problems', () => {
      expect(checkProfileReferences(p)).toEqual([]);
    });
    it('has a Chinese and an English display name (the console shows them per locale)', () => {
      expect(p.displayName?.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(p.displayName?.en).toMatch(/^[\x20-\x7e]+$/);
    });
    it('uses a known checksum', () => {
      if (p.protocol.type === 'framed') expect(Object.keys(CHECKSUMS)).toContain(p.protocol.checksum.algorithm);
    });
    it('every command field is defined (messages, resources, labels)', () => {
      for (const c of Object.values(p.commands)) {
        if (!c) continue;
        for (const ref of [c.send, c.expect]) {
          if (!ref) continue;
          const m = p.messages[ref.message];
          expect(m, ref.message).toBeDefined();
          const fields = new Set(m!.payload.flatMap((f) => [f.name, ...Object.keys(f.bits ?? {})]));
          for (const k of Object.keys(ref.values)) expect(fields.has(k), `${ref.message}.${k}`).toBe(true);
        }
        for (const w of c.writes ?? []) expect(p.resources[w.resource], w.resource).toBeDefined();
        for (const rn of Object.keys(c.effects)) expect(p.resources[rn], rn).toBeDefined();
      }
    });
    it('numeric resources have ranges and params have bounds', () => {
      for (const [rn, r] of Object.entries(p.resources))
        if (r.type === 'uint' || r.type === 'int') expect([rn, r.min, r.max].some((v) => v === undefined)).toBe(false);
      for (const c of Object.values(p.commands)) if (c?.param) expect(c.param.min).toBeLessThanOrEqual(c.param.max);
    });
    it('inputs are debounced and commands time out', () => {
      for (const [n, i] of Object.entries(p.inputs)) expect(i.debounceMs, n).toBeGreaterThan(0);
      for (const c of Object.values(p.commands)) if (c) expect(c.timeoutMs).toBeGreaterThan(0);
    });
    it('gates can be opened and closed (fail-safe needs close)', () => {
      if (p.gate) {
        expect(p.commands.open).toBeDefined();
        expect(p.commands.close).toBeDefined();
      }
    });
  });
});

describe('profile validation names the fault', () => {
  const barrier = readFileSync(
    files.find((f) => f.includes('barrier'))!,
    'utf8',
  );
  it('an unknown checksum is refused', () => {
    expect(() => parseProfile(barrier.replace('algorithm: xor', 'algorithm: md5'), 'x.yaml')).toThrow(/checksum\.algorithm/);
  });
  it('a command referring to an unknown label is refused', () => {
    expect(() => parseProfile(barrier.replace('values: { action: open }', 'values: { action: lift }'), 'x.yaml')).toThrow(
      /"lift" is not a label of action/,
    );
  });
  it('a numeric resource without a range is refused', () => {
    expect(() =>
      parseProfile(barrier.replace('min: 1000, max: 60000, units: ms, description', 'units: ms, description'), 'x.yaml'),
    ).toThrow(/need min and max/);
  });
  it('an extra key is refused', () => {
    expect(() => parseProfile(`${barrier}\nfoo: 1\n`, 'x.yaml')).toThrow(/foo/);
  });
});
