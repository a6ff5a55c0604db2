import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.js';
import { FramedCodec } from './codec/framed.js';
import { loadProfileFile, PROFILES_DIR } from '../../lib/device-profiles/profiles.js';
import { openSimLine, type SimLine } from './testing/sim-line.js';
import { ModbusSession } from './modbus-session.js';
import { parseResponse } from './codec/modbus-rtu.js';
import { recordingObserver, serialDevice, tempDir, until } from './testing/helpers.js';
import type { Device } from './device.js';
import { seededRandom } from '../../testing/seeded-random.js';

const FRAMES = 10_000;
const flip = (b: Buffer, i: number, mask: number) => {
  b[i] = (b[i] as number) ^ mask;
};

describe('fuzz: 10,000 random and mutated frames on the wire', () => {
  const dir = tempDir();
  const profile = loadProfileFile(join(PROFILES_DIR, 'barrier-bg300-framed.yaml'));
  const codec = new FramedCodec(profile);
  const logLines: string[] = [];
  const log = createLogger({ level: 'warn', destination: { write: (s: string) => void logLines.push(s) } });
  let line: SimLine;
  let device: Device;

  beforeAll(async () => {
    line = await openSimLine({ id: 'dev', profile, dir });
    device = serialDevice({ id: 'fuzzed', profile, path: line.gatewaySide, observer: recordingObserver().observer, log, heartbeatMs: 200 });
    device.start();
    await until(() => device.online, 'online');
  });
  afterAll(async () => {
    await device?.stop();
    await line?.stop();
  });

  it('counts every kind of bad frame, logs at a bounded rate, and keeps working', async () => {
    const rand = seededRandom(20261124);
    const int = (n: number) => Math.floor(rand() * n);
    const good = () => codec.encode('status-reply', { barrier: int(5), loopA: int(2), loopB: 0, motorFault: 0 }, 1);
    const kinds = ['bit-flip', 'truncated', 'oversized', 'wrong-unit', 'random', 'unknown-code', 'bad-checksum'] as const;
    const batch: Buffer[] = [];
    for (let i = 0; i < FRAMES; i++) {
      const kind = kinds[i % kinds.length]!;
      let f: Buffer;
      switch (kind) {
        case 'bit-flip':
          f = Buffer.from(good());
          flip(f, 2 + int(f.length - 2), 1 << int(8));
          break;
        case 'truncated':
          f = good().subarray(0, 2 + int(4));
          break;
        case 'oversized':
          f = Buffer.concat([Buffer.from([0xaa, 0x55, 1, 0x91, 200 + int(55)]), Buffer.alloc(int(40), 0x11)]);
          break;
        case 'wrong-unit':
          f = codec.encode('status-reply', { barrier: 0 }, 2 + int(250));
          break;
        case 'random':
          f = Buffer.from(Array.from({ length: 1 + int(64) }, () => int(256)));
          break;
        case 'unknown-code':
          f = codec.encodeRaw({ fields: { cmd: 0x30 + int(0x40) }, payload: Buffer.alloc(int(8)) }, 1);
          break;
        default:
          f = Buffer.from(good());
          flip(f, f.length - 1, 0xff);
      }
      batch.push(f);
      if (batch.length === 200) await line.write(Buffer.concat(batch.splice(0)));
    }
    if (batch.length) await line.write(Buffer.concat(batch));
    // Everything above is parsed once the gateway side has read it all.
    await until(() => (device.faults['wrong-unit'] ?? 0) >= FRAMES / kinds.length - 1, 'all frames read', 60_000);
    const f = device.faults;
    for (const k of ['checksum', 'oversized', 'wrong-unit', 'noise', 'unknown-message'])
      expect(f[k] ?? 0, `${k} in ${JSON.stringify(f)}`).toBeGreaterThan(0);
    const total = Object.values(f).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(FRAMES * 0.7);
    const faultLines = logLines.filter((l) => l.includes('device wire fault'));
    expect(faultLines.length).toBeLessThanOrEqual(20);
    // Still answering and still online.
    await until(() => device.online, 'online after the storm');
    expect((await device.command('open')).ok).toBe(true);
  });
});

describe('fuzz: Modbus response parser and master session (10,000 random responses)', () => {
  it('never throws and counts what it drops', async () => {
    const rand = seededRandom(7);
    const int = (n: number) => Math.floor(rand() * n);
    for (let i = 0; i < 10_000; i++) {
      const b = Buffer.from(Array.from({ length: int(40) }, () => int(256)));
      expect(() => parseResponse(b)).not.toThrow();
    }
    const profile = loadProfileFile(join(PROFILES_DIR, 'relay-board-4ch-modbus.yaml'));
    const faults: Record<string, number> = {};
    const session = new ModbusSession({
      profile,
      unitId: 1,
      timeoutMs: 20,
      write: async () => {
        for (let i = 0; i < 5; i++) session.onBytes(Buffer.from(Array.from({ length: 1 + int(20) }, () => int(256))));
      },
      hooks: {
        onValues: () => undefined,
        onAlive: () => undefined,
        mayRelease: () => true,
        onFault: (k) => void (faults[k] = (faults[k] ?? 0) + 1),
      },
    });
    for (let i = 0; i < 60; i++) await session.heartbeat();
    session.stop();
    expect(Object.values(faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(50);
  });
});
