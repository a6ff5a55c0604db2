import { readFileSync } from 'node:fs';
import { readSecretFile, resolveConfigPath, type LoadedConfig } from '../gateway/config/load.js';
import { ConfigError } from '../gateway/config/errors.js';
import type { ConfigFindings } from '../gateway/config/references.js';
import { cameraIdsOf } from '../gateway/config/sections/cameras.js';
import { errMessage } from '../gateway/core/errors.js';
import { viidCameraIds } from './gat1400/ids.js';

/**
 * The uplinks' config rules (city MQTT broker, GA/T 1400): files the settings name exist and
 * can be read, secrets are not readable by every user, options that go together are given
 * together, and each camera gets its own VIID id. Run by the one config check
 * (gateway/check-config.ts) with every other rule, so `config check`, `doctor` and the daemon
 * report the same problems; the rooms only read what was checked.
 */
export function uplinkConfigFindings(loaded: LoadedConfig): ConfigFindings {
  const errors: string[] = [];
  const warnings: string[] = [];
  const readable = (setting: string, p: string | undefined) => {
    if (p === undefined) return;
    const path = resolveConfigPath(loaded, p);
    try {
      readFileSync(path);
    } catch (err) {
      errors.push(`${setting}: cannot read ${path}: ${errMessage(err)}`);
    }
  };
  const secret = (setting: string, p: string | undefined) => {
    if (p === undefined) return;
    try {
      readSecretFile(loaded, p, setting);
    } catch (err) {
      errors.push(err instanceof ConfigError ? err.problems.join('; ') : `${setting}: ${errMessage(err)}`);
    }
  };

  const cloud = loaded.config.cloud;
  if (cloud.url) {
    secret('cloud.passwordFile', cloud.passwordFile);
    const { caFile, certFile, keyFile } = cloud.tls;
    if (Boolean(certFile) !== Boolean(keyFile)) errors.push('cloud.tls: certFile and keyFile go together (mutual TLS needs both)');
    readable('cloud.tls.caFile', caFile);
    readable('cloud.tls.certFile', certFile);
    secret('cloud.tls.keyFile', keyFile);
    // The CLI's own files are read by the CLI's user when it connects, not checked here.
    if (Boolean(cloud.cli.certFile) !== Boolean(cloud.cli.keyFile)) errors.push('cloud.cli: certFile and keyFile go together');
  }

  const gat = loaded.config.gat1400;
  if (gat.enabled && !gat.faces && !gat.strangers && !gat.vehicles)
    warnings.push('gat1400.enabled, but gat1400.faces, .strangers and .vehicles are all off: nothing is pushed');
  if (gat.enabled && gat.url && gat.deviceId) {
    secret('gat1400.passwordFile', gat.passwordFile);
    readable('gat1400.caFile', gat.caFile);
    const ids = viidCameraIds(gat, cameraIdsOf(loaded.config.cameras));
    const seen = new Map<string, string>();
    for (const c of ids) {
      const other = seen.get(c.deviceId);
      if (other !== undefined)
        errors.push(`gat1400.cameras: cameras "${other}" and "${c.camera}" get the same VIID DeviceID ${c.deviceId}; set them explicitly`);
      else seen.set(c.deviceId, c.camera);
    }
  }
  return { errors, warnings };
}
