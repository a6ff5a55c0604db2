import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRoom, testContext, type TestContext } from '../gateway/testing/context.js';
import { startMosquitto, type Mosquitto } from './testing/mosquitto.js';
import { CloudBridgeRoom } from './room.js';
import { RequestClient } from './request-client.js';

// The sharpeyes CLI on a box whose gateway uses an external broker under the shipped ACL: the
// gateway's own account may not send requests, so the CLI needs an account that may (cloud.cli).
describe('the CLI on a box connected to an external broker', () => {
  let broker: Mosquitto;
  let ctx: TestContext;
  let stopRoom: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    broker = await startMosquitto({
      users: { 'gw-1': 'gw-1-pw', platform: 'platform-pw' },
      acl: readFileSync(join(import.meta.dirname, 'city', 'acl.mosquitto'), 'utf8'),
    });
    ctx = testContext(`node:\n  id: gw-1\ncloud:\n  url: ${broker.url}\n  username: gw-1\n  passwordFile: gw.pw\n`);
    writeFileSync(join(ctx.dataDir, 'gw.pw'), 'gw-1-pw\n', { mode: 0o600 });
    writeFileSync(join(ctx.dataDir, 'cli.pw'), 'platform-pw\n', { mode: 0o600 });
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
    // The daemon kept its session.
    expect(ctx.logs.filter((l) => l.msg === 'lost the broker connection')).toEqual([]);
  });

  it('with cloud.cli naming an account the ACL lets send requests, the daemon answers', async () => {
    const cloud = { ...ctx.loaded.config.cloud, cli: { username: 'platform', passwordFile: 'cli.pw' } };
    const client = await RequestClient.connect({ ...ctx.loaded, config: { ...ctx.loaded.config, cloud } });
    try {
      await expect(client.call('ping')).resolves.toMatchObject({ nodeId: 'gw-1' });
    } finally {
      await client.close();
    }
  });
});
