import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type Logger } from '../../../core/logger.js';
import { Device, type DeviceObserver, type GateState } from '../device.js';
import { serialEndpoint } from '../endpoint.js';
import type { DeviceProfile, InputKind } from '../../../lib/device-profiles/profile-schema.js';

/** Test helpers for the devices room (not a test file: imported by *.test.ts). */
export function tempDir(prefix = 'se-dev-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export { until } from '../../../testing/context.js';

export function quietLog(): Logger {
  return createLogger({ level: (process.env.TEST_LOG_LEVEL as 'info' | undefined) ?? 'silent' });
}

export interface Recorded {
  online: number;
  offline: string[];
  inputs: { input: string; kind: InputKind; active: boolean }[];
  gate: GateState[];
}

export function recordingObserver(): { observer: DeviceObserver; rec: Recorded } {
  const rec: Recorded = { online: 0, offline: [], inputs: [], gate: [] };
  return {
    rec,
    observer: {
      online: () => rec.online++,
      offline: (_d, reason) => rec.offline.push(reason),
      input: (_d, e) => rec.inputs.push({ input: e.input, kind: e.kind, active: e.active }),
      gateState: (_d, s) => rec.gate.push(s),
    },
  };
}

export function serialDevice(opts: {
  id: string;
  profile: DeviceProfile;
  path: string;
  observer: DeviceObserver;
  log?: Logger;
  heartbeatMs?: number;
  unitId?: number;
}): Device {
  const log = opts.log ?? quietLog();
  return new Device({
    id: opts.id,
    profile: opts.profile,
    log,
    observer: opts.observer,
    heartbeatMs: opts.heartbeatMs,
    connect: (dev) => serialEndpoint(dev, { path: opts.path, unitId: opts.unitId, log, minBackoffMs: 50, maxBackoffMs: 500 }),
  });
}
