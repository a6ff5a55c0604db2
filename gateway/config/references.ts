import type { GatewayConfig } from './schema.js';
import { cameraIdsOf } from './sections/cameras.js';
import { readProfileFile, resolveProfileFile } from '../lib/device-profiles/profiles.js';
import type { DeviceKind, DeviceProfile } from '../lib/device-profiles/profile-schema.js';
import { errMessage } from '../core/errors.js';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/**
 * The checks between sections that the schema alone cannot make: every camera, gate and device
 * a section names exists, device profiles resolve and are valid, and what each device needs
 * for its transport is there. The daemon runs them before any room starts and `sharpeyes config
 * check` runs the same, so a file the daemon would refuse never reads "config ok". Everything
 * found is reported at once: errors (the daemon refuses to start) and warnings (it starts, but
 * part of the config has no effect).
 */
export interface ConfigFindings {
  errors: string[];
  warnings: string[];
}

const GATE_KINDS = new Set<DeviceKind>(['barrier', 'turnstile', 'pedestrian_gate', 'io_board']);

export function checkReferences(config: GatewayConfig, opts: { baseDir: string }): ConfigFindings {
  const errors: string[] = [];
  const warnings: string[] = [];
  const cameras = new Set(cameraIdsOf(config.cameras));
  const known = (set: Set<string>) => [...set].join(', ') || 'none';
  const camera = (path: string, id: string) => {
    if (!cameras.has(id)) errors.push(`${path}: unknown camera "${id}" (known: ${known(cameras)})`);
  };

  const profiles = new Map<string, DeviceProfile>();
  config.devices.forEach((d, i) => {
    try {
      const { profile: p, warnings: spelling } = readProfileFile(resolveProfileFile(d.profile, { baseDir: opts.baseDir }));
      profiles.set(d.id, p);
      warnings.push(...spelling.map((w) => `devices[${i}] (${d.id}): ${w}`));
      if (p.transport.type === 'serial' && !d.simulate && !d.port)
        errors.push(`devices[${i}] (${d.id}): a serial device needs "port" (or simulate: true)`);
      if (p.transport.type === 'gpio' && d.simulate)
        warnings.push(`devices[${i}] (${d.id}): gpio devices cannot be simulated here; the real chip is used`);
    } catch (err) {
      errors.push(`devices[${i}] (${d.id}): ${errMessage(err)}`);
    }
    if (d.camera !== undefined) camera(`devices[${i}].camera`, d.camera);
  });
  const devices = new Set(config.devices.map((d) => d.id));

  config.access.points.forEach((p, i) => {
    camera(`access.points[${i}].camera`, p.camera);
    if (!devices.has(p.gate)) errors.push(`access.points[${i}].gate: unknown device "${p.gate}" (known: ${known(devices)})`);
    else {
      const profile = profiles.get(p.gate);
      if (profile && (!GATE_KINDS.has(profile.kind) || !profile.commands.open))
        errors.push(`access.points[${i}].gate: device "${p.gate}" (${profile.model}, ${profile.kind}) has no "open" command to open`);
    }
    if (p.via === 'plate' && !config.plates.enabled)
      warnings.push(`access.points[${i}]: opens by plate, but plates.enabled is false: no plate will ever decide it`);
    if (p.via === 'face' && !config.faces.enabled)
      warnings.push(`access.points[${i}]: opens by face, but faces.enabled is false: no face will ever decide it`);
  });
  config.devices.forEach((d, i) =>
    d.egress.forEach((g, j) => {
      const profile = profiles.get(g);
      if (profile && !GATE_KINDS.has(profile.kind))
        errors.push(`devices[${i}].egress[${j}]: "${g}" (${profile.kind}) is not a gate to hold open`);
    }),
  );
  // rtsps:// cameras: the CA file must be there; an unchecked certificate is said out loud.
  for (const cam of config.cameras.list.filter((c) => c.enabled && c.tls)) {
    const { caFile, insecure } = cam.tls as { caFile?: string; insecure: boolean };
    if (caFile) {
      const path = isAbsolute(caFile) ? caFile : resolve(opts.baseDir, caFile);
      try {
        readFileSync(path);
      } catch (err) {
        errors.push(`cameras.list[${cam.id}].tls.caFile: cannot read ${path}: ${errMessage(err)}`);
      }
    }
    if (insecure)
      warnings.push(
        `cameras.list[${cam.id}].tls.insecure: the camera's certificate is not checked; anyone on the network path can pose as it`,
      );
  }
  config.faces.cameras.forEach((c, i) => camera(`faces.cameras[${i}]`, c));
  config.plates.cameras.forEach((c, i) => camera(`plates.cameras[${i}]`, c));
  // Options a site may set on purpose, but that let a read open a barrier for a plate it is not.
  const match = config.plates.match;
  if (config.plates.enabled && match.maxDistance > 0)
    warnings.push(
      `plates.match.maxDistance ${match.maxDistance}: LESS SAFE, a read within this edit distance of a known plate opens its barrier ` +
        `(at 1, 粤B12346 opens the barrier of 粤B12345); look-alike glyphs alone (plates.match.lookalikes, maxDistance 0) are the default`,
    );
  if (config.plates.enabled && match.maxDistance > 0 && match.crossProvince)
    warnings.push("plates.match.crossProvince: LESS SAFE, a plate of another province (湘 for 粤) may open a known plate's barrier");
  for (const id of Object.keys(config.gb28181.channelIds))
    if (!cameras.has(id) && !devices.has(id))
      errors.push(`gb28181.channelIds.${id}: no camera or device "${id}" (cameras: ${known(cameras)}; devices: ${known(devices)})`);
  return { errors, warnings };
}
