import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { startRoom, testContext, type TestContext } from '../../gateway/testing/context.js';
import { startMosquitto, type Mosquitto } from '../testing/mosquitto.js';
import { CloudBridgeRoom } from './room.js';
import { RequestClient } from './request-client.js';
import { MqttConnection } from './mqtt-client.js';
import type { LoadedConfig } from '../../gateway/config/load.js';

// The sharpeyes CLI and operator tools on a box whose gateway uses an external mosquitto under the
// shipped templates (acl.mosquitto, listener.conf): each account acts with the role cloud.accounts
// gives it, as a console account would; the gateway's own account sends no requests.
const CITY = join(import.meta.dirname, 'city');

describe('MQTT accounts and their roles, on mosquitto with the shipped templates', () => {
  let broker: Mosquitto;
  let ctx: TestContext;
  let stopRoom: (() => Promise<void>) | undefined;
  const simulated: string[] = [];

  const withCli = (username: string, file: string): LoadedConfig => {
    const cloud = { ...ctx.loaded.config.cloud, cli: { username, passwordFile: file } };
    return { ...ctx.loaded, config: { ...ctx.loaded.config, cloud } };
  };

  beforeAll(async () => {
    broker = await startMosquitto({
      users: { 'gw-1': 'gw-1-pw', platform: 'platform-pw', 'ops-cli': 'ops-pw', 'wall-display': 'wall-pw', 'gw-2': 'gw-2-pw' },
      acl: readFileSync(join(CITY, 'acl.mosquitto'), 'utf8'),
      extraConfig: readFileSync(join(CITY, 'listener.conf'), 'utf8'),
    });
    ctx = testContext(
      `node:\n  id: gw-1\ncloud:\n  url: ${broker.url}\n  username: gw-1\n  passwordFile: gw.pw\n` +
        `  accounts: { platform: admin, ops-cli: operator, wall-display: viewer }\n`,
    );
    // Stand-ins with the roles of the real actions (the devices room is not started here).
    ctx.actions.register('devices/simulate', {
      role: 'admin',
      description: 'probe',
      input: z.strictObject({ deviceId: z.string() }),
      handle: ({ deviceId }) => void simulated.push(deviceId),
    });
    ctx.actions.register('gate/open', {
      role: 'operator',
      description: 'probe',
      input: z.strictObject({ gateId: z.string() }),
      handle: () => 'opened',
    });
    writeFileSync(join(ctx.dataDir, 'gw.pw'), 'gw-1-pw\n', { mode: 0o600 });
    writeFileSync(join(ctx.dataDir, 'cli.pw'), 'platform-pw\n', { mode: 0o600 });
    writeFileSync(join(ctx.dataDir, 'ops.pw'), 'ops-pw\n', { mode: 0o600 });
    writeFileSync(join(ctx.dataDir, 'wall.pw'), 'wall-pw\n', { mode: 0o600 });
    writeFileSync(join(ctx.dataDir, 'gw2.pw'), 'gw-2-pw\n', { mode: 0o600 });
    stopRoom = await startRoom(ctx, new CloudBridgeRoom(ctx));
    await ctx.waitForLog((l) => l.msg === 'connected to the broker');
  });
  afterAll(async () => {
    await stopRoom?.();
    ctx?.dispose();
    await broker?.dispose();
  });

  it("without cloud.cli, the CLI does not connect as the gateway's account, and the error says which setting to add", async () => {
    await expect(RequestClient.connect(ctx.loaded)).rejects.toThrow(
      /gateway's own account \(gw-1\).*cloud\.cli\.username and cloud\.cli\.passwordFile/,
    );
    expect(ctx.logs.filter((l) => l.msg === 'lost the broker connection')).toEqual([]);
  });

  it('the platform account (admin) runs everything', async () => {
    const client = await RequestClient.connect(withCli('platform', 'cli.pw'));
    try {
      await expect(client.call('ping')).resolves.toMatchObject({ nodeId: 'gw-1' });
      await expect(client.call('config/get')).resolves.toBeTruthy();
      await client.call('devices/simulate', { deviceId: 'alarm-1' });
      expect(simulated).toEqual(['alarm-1']);
    } finally {
      await client.close();
    }
  });

  it("the CLI's operator account opens gates, but may not simulate devices or read the configuration; refusals are audited", async () => {
    const client = await RequestClient.connect(withCli('ops-cli', 'ops.pw'));
    try {
      await expect(client.call('gate/open', { gateId: 'north' })).resolves.toBe('opened');
      expect(await client.request('devices/simulate', { deviceId: 'alarm-1' })).toMatchObject({
        status: 'error',
        code: 'forbidden',
        error: 'devices/simulate needs the admin role; ops-cli is operator',
      });
      expect(await client.request('config/get')).toMatchObject({ status: 'error', code: 'forbidden' });
      expect(simulated).toEqual(['alarm-1']);
    } finally {
      await client.close();
    }
    const audit = ctx.db
      .prepare<{ action: string; by: string; ok: number; code: string | null }>(
        "SELECT action, by, ok, code FROM audit_log WHERE by = 'ops-cli' ORDER BY ts",
      )
      .all();
    expect(audit).toEqual([
      { action: 'gate/open', by: 'ops-cli', ok: 1, code: null },
      { action: 'devices/simulate', by: 'ops-cli', ok: 0, code: 'forbidden' },
      { action: 'config/get', by: 'ops-cli', ok: 0, code: 'forbidden' },
    ]);
  });

  it('a viewer account reads but changes nothing; an account not in cloud.accounts is refused', async () => {
    const wall = await RequestClient.connect(withCli('wall-display', 'wall.pw'));
    try {
      await expect(wall.call('ping')).resolves.toMatchObject({ nodeId: 'gw-1' });
      expect(await wall.request('gate/open', { gateId: 'north' })).toMatchObject({ status: 'error', code: 'forbidden' });
    } finally {
      await wall.close();
    }
    const other = await RequestClient.connect(withCli('gw-2', 'gw2.pw'));
    try {
      expect(await other.request('ping')).toMatchObject({
        status: 'error',
        code: 'forbidden',
        error: expect.stringContaining('MQTT account "gw-2" has no role on this node (cloud.accounts)'),
      });
    } finally {
      await other.close();
    }
  });

  it("no account can send a request in another's name, nor on the platform's legacy topic", async () => {
    const ops = await MqttConnection.open({ url: broker.url, clientId: 'x', username: 'ops-cli', password: 'ops-pw' });
    try {
      const stamp = JSON.stringify({ transaction: 't', ts: new Date().toISOString(), nonce: 'nonce-0001', input: { deviceId: 'a' } });
      await expect(ops.publish('sharpeyes/gw-1/from/platform/request/devices/simulate', stamp, { qos: 1 })).rejects.toThrow();
      await expect(ops.publish('sharpeyes/gw-1/request/devices/simulate', stamp, { qos: 1 })).rejects.toThrow();
    } finally {
      await ops.close().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(simulated).toEqual(['alarm-1']);
  });
});
