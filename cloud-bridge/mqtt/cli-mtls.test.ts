import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { startRoom, testContext, type TestContext } from '../../gateway/testing/context.js';
import { startMosquitto, type Mosquitto } from '../testing/mosquitto.js';
import { CloudBridgeRoom } from './room.js';
import { RequestClient } from './request-client.js';
import type { LoadedConfig } from '../../gateway/config/load.js';

// With mutual TLS, the sharpeyes CLI presents its own certificate (cloud.cli.certFile/keyFile),
// never the gateway's: on mosquitto with require_certificate and use_identity_as_username, and the
// shipped ACL and listener templates, the certificate's CN is the account the broker and the node
// see, so the CLI acts with the role cloud.accounts gives that account.
const CITY = join(import.meta.dirname, 'city');

describe('the CLI over mutual TLS (mosquitto, use_identity_as_username, shipped templates)', () => {
  let broker: Mosquitto;
  let ctx: TestContext;
  let stopRoom: (() => Promise<void>) | undefined;
  const opened: string[] = [];

  const withCli = (cli: Record<string, string>): LoadedConfig => {
    const cloud = { ...ctx.loaded.config.cloud, cli };
    return { ...ctx.loaded, config: { ...ctx.loaded.config, cloud } };
  };

  beforeAll(async () => {
    broker = await startMosquitto({
      tls: 'mutual',
      clientNames: ['gw-tls', 'ops-cli'],
      acl: readFileSync(join(CITY, 'acl.mosquitto'), 'utf8'),
      extraConfig: readFileSync(join(CITY, 'listener.conf'), 'utf8'),
    });
    const certs = broker.certs!;
    const gw = certs.clients['gw-tls']!;
    ctx = testContext(
      `node:\n  id: gw-tls\ncloud:\n  url: ${broker.url}\n  reconnectMinMs: 200\n  reconnectMaxMs: 1000\n` +
        `  accounts: { platform: admin, ops-cli: operator }\n` +
        `  tls:\n    caFile: ${certs.caFile}\n    certFile: ${gw.certFile}\n    keyFile: ${gw.keyFile}\n`,
    );
    ctx.actions.register('gate/open', {
      role: 'operator',
      description: 'probe',
      input: z.strictObject({ gateId: z.string() }),
      handle: ({ gateId }) => void opened.push(gateId),
    });
    ctx.actions.register('devices/simulate', {
      role: 'admin',
      description: 'probe',
      input: z.strictObject({ deviceId: z.string() }),
      handle: () => 'simulated',
    });
    stopRoom = await startRoom(ctx, new CloudBridgeRoom(ctx));
    await ctx.waitForLog((l) => l.msg === 'connected to the broker');
  });
  afterAll(async () => {
    await stopRoom?.();
    ctx?.dispose();
    await broker?.dispose();
  });

  it("without a certificate of its own the CLI refuses to connect (it would present the gateway's), and says which settings to add", async () => {
    await expect(RequestClient.connect(withCli({ username: 'ops-cli' }))).rejects.toThrow(
      /with mutual TLS the CLI presents one of its own; set cloud\.cli\.certFile and cloud\.cli\.keyFile/,
    );
  });

  it('with cloud.cli.certFile it is the ops-cli account (the CN): it opens a gate as an operator and may not simulate devices', async () => {
    const own = broker.certs!.clients['ops-cli']!;
    const client = await RequestClient.connect(withCli({ username: 'ops-cli', certFile: own.certFile, keyFile: own.keyFile }));
    try {
      await client.call('gate/open', { gateId: 'north' });
      expect(opened).toEqual(['north']);
      expect(await client.request('devices/simulate', { deviceId: 'a' })).toMatchObject({
        status: 'error',
        code: 'forbidden',
        error: 'devices/simulate needs the admin role; ops-cli is operator',
      });
    } finally {
      await client.close();
    }
    const audit = ctx.db.prepare<{ action: string; by: string }>("SELECT action, by FROM audit_log WHERE action = 'gate/open'").all();
    expect(audit).toEqual([{ action: 'gate/open', by: 'ops-cli' }]);
  });

  it('a CLI certificate the broker does not trust is refused, naming the setting to fix: cloud.cli.certFile', async () => {
    const rogue = broker.certs!.rogue;
    await expect(RequestClient.connect(withCli({ username: 'ops-cli', certFile: rogue.certFile, keyFile: rogue.keyFile }))).rejects.toThrow(
      /the broker refused our client certificate: it does not trust the CA that signed cloud\.cli\.certFile\)$/,
    );
  });

  it("the gateway's certificate given as the CLI's is the gateway's account to the broker: its requests in ops-cli's name are refused", async () => {
    const gw = broker.certs!.clients['gw-tls']!;
    const client = await RequestClient.connect(withCli({ username: 'ops-cli', certFile: gw.certFile, keyFile: gw.keyFile }));
    try {
      await expect(client.call('gate/open', { gateId: 'south' })).rejects.toThrow(/^the broker refused the request/);
    } finally {
      await client.close().catch(() => undefined);
    }
    expect(opened).toEqual(['north']);
  });
});
