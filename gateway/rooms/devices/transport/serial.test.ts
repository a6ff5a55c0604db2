import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startPtyPair, type PtyPair } from '../sim/pty-pair.js';
import { SerialLink } from './serial.js';
import { quietLog, tempDir, until } from '../testing/helpers.js';

/**
 * The serial line under unplugs and peers that stop reading: every write settles (resolves or
 * rejects) within a bound, so the command queue behind it never stalls.
 */
const LINE = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 } as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SerialLink writes', () => {
  let pty: PtyPair | undefined;
  let links: SerialLink[] = [];
  afterEach(async () => {
    for (const l of links) await l.stop();
    links = [];
    await pty?.stop();
    pty = undefined;
  });

  it('every write settles while the line is unplugged and replugged again and again', async () => {
    const dir = tempDir('se-serial-');
    const names = { gatewaySide: join(dir, 'gw'), deviceSide: join(dir, 'dev') };
    pty = await startPtyPair(names);
    const log = quietLog();
    const peer = new SerialLink({
      path: names.deviceSide,
      line: LINE,
      log,
      minBackoffMs: 20,
      maxBackoffMs: 100,
      watchPathMs: 50,
      onData: () => undefined,
      onUp: () => undefined,
      onDown: () => undefined,
    });
    let ups = 0;
    const link = new SerialLink({
      path: names.gatewaySide,
      line: LINE,
      log,
      minBackoffMs: 20,
      maxBackoffMs: 100,
      onData: () => undefined,
      onUp: () => ups++,
      onDown: () => undefined,
    });
    links = [link, peer];
    peer.start();
    link.start();
    await until(() => link.isOpen, 'port open');
    const started = new Map<number, number>();
    let n = 0;
    // A write every millisecond or so, as heartbeats and commands would, whatever the line does.
    const writer = setInterval(() => {
      if (!link.isOpen) return;
      const id = n++;
      started.set(id, performance.now());
      link.write(Buffer.alloc(8, 0x55)).then(
        () => started.delete(id),
        () => started.delete(id),
      );
    }, 1);
    try {
      for (let i = 0; i < 25; i++) {
        await sleep(40 + ((i * 37) % 120));
        await pty.stop();
        await sleep(10 + ((i * 53) % 90));
        pty = await startPtyPair(names);
        await until(() => link.isOpen, 'reopened', 10_000);
      }
    } finally {
      clearInterval(writer);
    }
    await until(() => started.size === 0, `every write settled (${started.size} pending)`, 3000).catch(() => undefined);
    expect([...started.values()].map((t) => Math.round(performance.now() - t))).toEqual([]);
    expect(ups).toBeGreaterThanOrEqual(25);
  }, 60_000);

  it('an adapter unplugged for 8 s is open again about a second after it is back (the retry does not grow to 10 s)', async () => {
    const dir = tempDir('se-serial-');
    const names = { gatewaySide: join(dir, 'gw'), deviceSide: join(dir, 'dev') };
    pty = await startPtyPair(names);
    const link = new SerialLink({
      path: names.gatewaySide,
      line: LINE,
      log: quietLog(),
      onData: () => undefined,
      onUp: () => undefined,
      onDown: () => undefined,
    });
    links = [link];
    link.start();
    await until(() => link.isOpen, 'port open');
    await pty.stop();
    await until(() => !link.isOpen, 'port lost', 5000);
    await sleep(8000);
    pty = await startPtyPair(names);
    const back = performance.now();
    await until(() => link.isOpen, 'reopened', 15_000);
    // Retries at most a second apart (with 10 s, this was 4.6 s after the return).
    expect(performance.now() - back).toBeLessThan(2500);
  }, 30_000);

  it('a write the peer never takes fails after the write timeout and the line is reopened', async () => {
    const dir = tempDir('se-serial-');
    pty = await startPtyPair({ gatewaySide: join(dir, 'gw'), deviceSide: join(dir, 'dev') });
    let downs = 0;
    const link = new SerialLink({
      path: pty.gatewaySide,
      line: LINE,
      log: quietLog(),
      writeTimeoutMs: 300,
      onData: () => undefined,
      onUp: () => undefined,
      onDown: () => downs++,
    });
    links = [link];
    link.start();
    await until(() => link.isOpen, 'port open');
    // Nobody opened the device side: once the pty and socat buffers are full, writes block.
    const results: (string | undefined)[] = [];
    const writes = Array.from({ length: 64 }, (_, i) =>
      link.write(Buffer.alloc(1024, i)).then(
        () => void results.push('ok'),
        (err: Error) => void results.push(err.message),
      ),
    );
    await Promise.race([Promise.all(writes), sleep(4000)]);
    expect(results.length).toBe(64);
    expect(results.some((r) => r !== 'ok' && /timed out/.test(r ?? ''))).toBe(true);
    expect(downs).toBeGreaterThan(0);
    await until(() => link.isOpen, 'reopened after the stuck write');
  });
});
