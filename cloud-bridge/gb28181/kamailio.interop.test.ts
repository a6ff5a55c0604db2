import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRoom, testContext, until, type TestContext } from '../../gateway/testing/context.js';
import { Gb28181Room } from './room.js';
import { haveKamailio, Kamailio } from './testing/kamailio.js';

/**
 * The box's GB/T 28181 device side against a real SIP registrar nobody here wrote: Debian's
 * kamailio (auth, registrar, usrloc, tm, sl; one plain-text password, no database), configured
 * as in /work/shared/TEST-PEERS.md. kamailio challenges with Digest qop=auth and checks the
 * answer with its own code; it keeps the registration in its location table, answers the
 * keepalive MESSAGEs, and removes the contact on `Expires: 0`. It does not speak MANSCDP: the
 * Catalog, INVITE and media checks stay with the SIPp platform (gb28181.interop.test.ts).
 */
const MISSING = haveKamailio() ? '' : 'kamailio is not installed (scripts/install-system-deps.sh installs it)';

const DEVICE = '34020000001180000001';
const SERVER = '34020000002000000001';
const REALM = '3402000000';
const PASSWORD = 'Gb-28181-secret';

/** kamailio on a free port and the GB/T 28181 room registering to it with `password` (no cameras, no devices). */
async function deviceAgainstKamailio(password: string, server: Record<string, unknown>, gb28181: Record<string, unknown>) {
  const kam = new Kamailio({ realm: REALM, password: PASSWORD });
  await kam.start();
  try {
    return await startDevice(kam, password, server, gb28181);
  } catch (err) {
    await kam.stop(); // never leave the peer running
    throw err;
  }
}

async function startDevice(kam: Kamailio, password: string, server: Record<string, unknown>, gb28181: Record<string, unknown>) {
  const ctx = testContext({
    cameras: { demo: false, liveView: { enabled: false } },
    devices: [],
    console: { enabled: false },
    gb28181: {
      enabled: true,
      server: { id: SERVER, host: '127.0.0.1', port: kam.port, ...server },
      deviceId: DEVICE,
      passwordFile: 'gb.pw',
      localPort: 0,
      ...gb28181,
    },
  });
  writeFileSync(join(ctx.dataDir, 'gb.pw'), `${password}\n`, { mode: 0o600 });
  const gb = new Gb28181Room(ctx, { cameras: { cameraIds: () => [], pictures: () => undefined }, devices: { info: () => undefined } });
  return { kam, ctx, stopGb: await startRoom(ctx, gb) };
}

it('the kamailio peer is installed (a missing peer is a failure, not a skip)', () => {
  expect(MISSING).toBe('');
});

describe.skipIf(MISSING).each(['udp', 'tcp'] as const)('GB/T 28181 device against kamailio as the registrar, SIP over %s', (transport) => {
  let kam: Kamailio;
  let ctx: TestContext;
  let stopGb: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    // renewed about every second (renewAfterMs)
    ({ kam, ctx, stopGb } = await deviceAgainstKamailio(PASSWORD, { transport }, { registerExpiresS: 10, keepaliveIntervalS: 1 }));
  });
  afterAll(async () => {
    await stopGb?.();
    await kam?.stop();
    ctx?.dispose();
  });

  const registered = () => kam.lines().filter((l) => l.startsWith(`registered ${DEVICE} proto ${transport} `));

  it('registers with Digest qop=auth (kamailio checks the answer), renews, and its keepalive MESSAGEs are delivered', async () => {
    await until(
      () => registered().length >= 3,
      () => `a registration and two renewals; kamailio said:\n${kam.log()}`,
      20_000,
    );
    // A REGISTER without credentials is challenged; the answer carries qop=auth (kamailio's workers log in any order).
    expect(kam.lines()).toContain(`challenge ${DEVICE} proto ${transport} auth [<null>]`);
    const reg = registered();
    expect(reg[0]).toMatch(
      new RegExp(`^registered ${DEVICE} proto ${transport} expires 10 auth \\[Digest username="${DEVICE}", realm="${REALM}"`),
    );
    expect(reg[0]).toMatch(/qop=auth, nc=[0-9a-f]{8}, cnonce="[^"]+"/);
    expect(reg.every((l) => / expires 10 /.test(l))).toBe(true);
    await until(
      () => /SE-TEST MESSAGE from [^\n]*\n?[^]*<CmdType>Keepalive<\/CmdType>/.test(kam.log()),
      'a keepalive MESSAGE at kamailio',
      10_000,
    );
    expect(
      kam.lines().filter((l) => l.startsWith(`MESSAGE from ${DEVICE} proto ${transport} type Application/MANSCDP+xml`)).length,
    ).toBeGreaterThan(0);
    await until(() => ctx.logs.some((l) => l.msg === 'registered with the GB/T 28181 platform'), 'the box says it registered');
    expect(ctx.logs.some((l) => /registration failed/.test(String(l.msg)))).toBe(false);
  });

  it('unregisters with Expires: 0 on stop, accepted by kamailio', async () => {
    await stopGb?.();
    stopGb = undefined;
    await until(
      () => registered().some((l) => / expires 0 /.test(l)),
      () => `the Expires: 0 REGISTER; kamailio said:\n${kam.log()}`,
      10_000,
    );
    const bye = ctx.logs.find((l) => l.msg === 'unregistered from the GB/T 28181 platform (Expires: 0)');
    expect(bye?.status).toBe(200);
  });
});

describe.skipIf(MISSING)('GB/T 28181 device against kamailio with the wrong password', () => {
  let kam: Kamailio;
  let ctx: TestContext;
  let stopGb: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ kam, ctx, stopGb } = await deviceAgainstKamailio('not-the-password', {}, { retryMinMs: 300, retryMaxMs: 5000 }));
  });
  afterAll(async () => {
    await stopGb?.();
    await kam?.stop();
    ctx?.dispose();
  });

  it('is challenged again (kamailio answers 401 to a wrong Digest answer), says so, and backs off', async () => {
    await until(() => ctx.logs.filter((l) => /registration failed/.test(String(l.msg))).length >= 3, 'three failed registrations', 20_000);
    const answered = kam.lines().filter((l) => l.startsWith(`challenge ${DEVICE} proto udp auth [Digest `));
    expect(answered.length).toBeGreaterThanOrEqual(3); // the box's answers, refused by kamailio's own check
    expect(kam.lines().some((l) => l.startsWith('registered '))).toBe(false);
    const errors = ctx.logs.filter((l) => /registration failed/.test(String(l.msg)));
    expect(String(errors[0]?.msg)).toMatch(/refused the credentials \(401 Unauthorized\).*passwordFile/);
    expect(errors[2]!.retryInMs as number).toBeGreaterThan(errors[0]!.retryInMs as number);
  });
});
