import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../gateway/core/logger.js';
import { startMosquitto, type Mosquitto } from '../testing/mosquitto.js';
import { MqttConnection } from './mqtt-client.js';
import { ACL_TEMPLATE, EmbeddedBroker, embeddedAcl } from './embedded-broker.js';
import { ensureBrokerCredentials } from './broker-credentials.js';
import { clientIdRefusal } from './client-ids.js';

/**
 * Client ids are bound to accounts: node gw-2 connecting with node gw-1's client id must not
 * take gw-1's place on the broker (MQTT otherwise disconnects the first client with an id).
 * mosquitto with the shipped templates (acl.mosquitto + listener.conf), and the embedded aedes
 * broker with its own rule (client-ids.ts).
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LISTENER = readFileSync(join(import.meta.dirname, 'city', 'listener.conf'), 'utf8');
const USERS = { 'gw-1': 'gw-1-pw', 'gw-2': 'gw-2-pw', platform: 'platform-pw' };

/** Whether `victim` is still connected after `rogue` tried its id, and can still publish. */
async function survives(victim: MqttConnection, topic: string): Promise<boolean> {
  await sleep(700);
  if (!victim.isOpen) return false;
  return victim.publish(topic, 'still here', { qos: 1 }).then(
    () => victim.isOpen,
    () => false,
  );
}

describe('client ids bound to accounts: mosquitto with the shipped templates', () => {
  const brokers: Mosquitto[] = [];
  afterAll(async () => {
    for (const b of brokers) await b.dispose();
  });

  const start = async (extraConfig?: string) => {
    const b = await startMosquitto({ users: USERS, acl: readFileSync(ACL_TEMPLATE, 'utf8'), ...(extraConfig ? { extraConfig } : {}) });
    brokers.push(b);
    return b;
  };

  it("with listener.conf, node gw-2 taking gw-1's client id does not kick gw-1 off", async () => {
    const b = await start(LISTENER);
    const gw1 = await MqttConnection.open({ url: b.url, clientId: 'sharpeyes-gw-1', username: 'gw-1', password: 'gw-1-pw' });
    const rogue = await MqttConnection.open({ url: b.url, clientId: 'sharpeyes-gw-1', username: 'gw-2', password: 'gw-2-pw' }).catch(
      () => undefined,
    );
    try {
      expect(await survives(gw1, 'sharpeyes/gw-1/events/camera.online')).toBe(true);
      // Nor can the rogue pose as gw-1 once connected: its id is its own user name.
      if (rogue) await expect(rogue.publish('sharpeyes/gw-1/events/alarm.raised', '{}', { qos: 1 })).rejects.toThrow();
    } finally {
      await rogue?.close().catch(() => undefined);
      await gw1.close();
    }
  });

  it('without it (the broker as mosquitto ships), the same client id does kick gw-1 off: the line is what binds', async () => {
    const b = await start();
    const gw1 = await MqttConnection.open({ url: b.url, clientId: 'sharpeyes-gw-1', username: 'gw-1', password: 'gw-1-pw' });
    const rogue = await MqttConnection.open({ url: b.url, clientId: 'sharpeyes-gw-1', username: 'gw-2', password: 'gw-2-pw' });
    try {
      expect(await survives(gw1, 'sharpeyes/gw-1/events/camera.online')).toBe(false);
    } finally {
      await rogue.close().catch(() => undefined);
      await gw1.close().catch(() => undefined);
    }
  });
});

describe('client ids bound to accounts: the embedded broker (aedes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'se-ids-'));
  let embedded: EmbeddedBroker | undefined;
  afterAll(async () => {
    await embedded?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses the gateway's id to any other account, and an id another account holds or keeps a session under", async () => {
    const creds = ensureBrokerCredentials(dir, 'gw-1', () => undefined);
    embedded = new EmbeddedBroker({
      log: createLogger({ level: 'silent' }),
      port: 0,
      credentials: creds,
      acl: embeddedAcl('sharpeyes'),
      gatewayClientId: 'sharpeyes-gw-1',
    });
    const url = `mqtt://127.0.0.1:${await embedded.start()}`;
    const as = (who: 'gateway' | 'platform', clientId: string, clean = true) =>
      MqttConnection.open({ url, clientId, protocolVersion: 4, clean, ...creds[who] });

    const gateway = await as('gateway', 'sharpeyes-gw-1');
    await expect(as('platform', 'sharpeyes-gw-1')).rejects.toThrow(/identifier rejected|refused|not authori/i);
    expect(await survives(gateway, 'sharpeyes/gw-1/events/camera.online')).toBe(true);

    const cli = await as('platform', 'sharpeyes-cli-1234');
    await expect(as('gateway', 'sharpeyes-cli-1234')).rejects.toThrow(/identifier rejected|refused|not authori/i);
    expect(await survives(cli, 'sharpeyes/gw-1/from/platform/request/ping')).toBe(true);
    // The same account may take its own id over (a restarted client).
    const again = await as('platform', 'sharpeyes-cli-1234');
    await again.close();
    await cli.close().catch(() => undefined);

    // A kept session (clean: false) stays its account's after the client left.
    const tool = await as('platform', 'ops-tool', false);
    await tool.close();
    await expect(as('gateway', 'ops-tool')).rejects.toThrow(/identifier rejected|refused|not authori/i);
    await gateway.close();
  });
});

describe('client id rule (pure)', () => {
  const claim = (clientId: string, username: string, holder?: string) =>
    clientIdRefusal({ clientId, username, reservedFor: clientId === 'sharpeyes-gw-1' ? 'gw-1' : undefined, holder });
  it('reserves the gateway id, and refuses an id held by another account', () => {
    expect(claim('sharpeyes-gw-1', 'gw-1')).toBeUndefined();
    expect(claim('sharpeyes-gw-1', 'platform')).toMatch(/belongs to account "gw-1"/);
    expect(claim('x', 'platform', 'gw-1')).toMatch(/in use by another account/);
    expect(claim('x', 'platform', 'platform')).toBeUndefined();
    expect(claim('x', 'platform')).toBeUndefined();
  });
});
