import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../gateway/core/logger.js';
import { startMosquitto, type Mosquitto } from '../testing/mosquitto.js';
import { MqttConnection, type ConnectOptions } from './mqtt-client.js';
import { ACL_TEMPLATE, EmbeddedBroker, embeddedAcl } from './embedded-broker.js';
import { ensureBrokerCredentials, type BrokerCredentials } from './broker-credentials.js';
import { filterCovers, parseAcl } from './broker-acl.js';
import { until } from '../../gateway/testing/context.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One table of who may do what, run against the embedded broker (aedes, credentials generated at
 * first start) and against a real mosquitto loaded with the shipped template
 * cloud-bridge/mqtt/city/acl.mosquitto: both must agree, so a box moved to an external broker keeps
 * the same split. The node is gw-1; `platform` is the platform (and CLI) identity.
 */
interface Broker {
  url: string;
  protocolVersion: 4 | 5;
  creds: BrokerCredentials;
}

type Who = 'gateway' | 'platform' | 'anonymous' | 'wrong-password';

function connectAs(b: Broker, who: Who): Promise<MqttConnection> {
  const opts: ConnectOptions = {
    url: b.url,
    clientId: `acl-${who}-${Math.random().toString(36).slice(2, 8)}`,
    protocolVersion: b.protocolVersion,
  };
  if (who === 'gateway' || who === 'platform') Object.assign(opts, b.creds[who]);
  if (who === 'wrong-password') Object.assign(opts, { username: b.creds.platform.username, password: 'guess' });
  return MqttConnection.open(opts);
}

const PUBLISHES: [Who, string, boolean][] = [
  ['gateway', 'sharpeyes/gw-1/status', true],
  ['gateway', 'sharpeyes/gw-1/events/access.granted', true],
  ['gateway', 'sharpeyes/gw-1/response/gate/open', true],
  ['gateway', 'sharpeyes/gw-1/request/gate/open', false],
  ['gateway', 'sharpeyes/gw-2/events/access.granted', false],
  ['platform', 'sharpeyes/gw-1/request/gate/open', true],
  ['platform', 'sharpeyes/gw-1/status', false],
  ['platform', 'sharpeyes/gw-1/events/alarm.raised', false],
  // Requests in an account's own name (from/<user>/), and their answers by the node only.
  ['platform', 'sharpeyes/gw-1/from/platform/request/gate/open', true],
  ['platform', 'sharpeyes/gw-1/from/ops-desk/request/gate/open', false],
  ['gateway', 'sharpeyes/gw-1/from/platform/request/gate/open', false],
  ['gateway', 'sharpeyes/gw-1/from/platform/response/gate/open', true],
  ['gateway', 'sharpeyes/gw-2/from/platform/response/gate/open', false],
  ['platform', 'sharpeyes/gw-1/from/platform/response/gate/open', false],
];

// Subscriptions are granted (mosquitto 2.0 does so, even for `#`); what counts is what arrives.
const READS: [Who, string, string[]][] = [
  ['gateway', '#', ['sharpeyes/gw-1/request/gate/open']],
  ['gateway', 'sharpeyes/gw-1/events/#', []],
  ['platform', '#', ['sharpeyes/gw-1/status', 'sharpeyes/gw-1/events/access.granted', 'sharpeyes/gw-1/request/gate/open']],
  ['platform', 'sharpeyes/+/status', ['sharpeyes/gw-1/status']],
];

function suite(name: string, setup: () => Promise<{ broker: Broker; stop: () => Promise<void> }>): void {
  describe(name, () => {
    let broker: Broker;
    let stop: (() => Promise<void>) | undefined;
    let watcher: MqttConnection;
    const seen: string[] = [];

    beforeAll(async () => {
      ({ broker, stop } = await setup());
      watcher = await connectAs(broker, 'platform');
      watcher.onMessage((m) => seen.push(`${m.topic} ${m.payload.toString()}`));
      await watcher.subscribe(['sharpeyes/#'], 1);
    });
    afterAll(async () => {
      await watcher?.close();
      await stop?.();
    });

    it('refuses anonymous clients and a wrong password', async () => {
      await expect(connectAs(broker, 'anonymous')).rejects.toThrow(/not authori[sz]ed|bad user ?name or password|refused/i);
      await expect(connectAs(broker, 'wrong-password')).rejects.toThrow(/not authori[sz]ed|bad user ?name or password|refused/i);
    });

    it.each(PUBLISHES)('%s publishing %s: delivered = %s', async (who, topic, delivered) => {
      const conn = await connectAs(broker, who);
      const marker = `m-${Math.random().toString(36).slice(2)}`;
      // A refusal is a failed PUBACK (MQTT 5), a dropped connection (aedes, 3.1.1) or a silent
      // drop (mosquitto, 3.1.1): only what the watcher receives counts.
      await conn.publish(topic, marker, { qos: 1 }).catch(() => undefined);
      if (delivered) await until(() => seen.includes(`${topic} ${marker}`), `${topic} delivered`);
      else {
        await sleep(300);
        expect(seen.filter((s) => s.endsWith(marker))).toEqual([]);
      }
      await conn.close().catch(() => undefined);
    });

    it.each(READS)('%s subscribed to %s receives %j', async (who, filter, expected) => {
      const reader = await connectAs(broker, who);
      const got: string[] = [];
      reader.onMessage((m) => got.push(m.topic));
      await reader.subscribe([filter], 1).catch(() => undefined);
      const gateway = await connectAs(broker, 'gateway');
      const platform = await connectAs(broker, 'platform');
      try {
        await gateway.publish('sharpeyes/gw-1/status', 'online', { qos: 1 });
        await gateway.publish('sharpeyes/gw-1/events/access.granted', '{}', { qos: 1 });
        await platform.publish('sharpeyes/gw-1/request/gate/open', '{}', { qos: 1 });
        await until(() => seen.some((s) => s.startsWith('sharpeyes/gw-1/request/gate/open')), 'watcher saw the request');
        await sleep(300);
        expect([...new Set(got)].sort()).toEqual([...expected].sort());
      } finally {
        await Promise.all([reader, gateway, platform].map((c) => c.close().catch(() => undefined)));
      }
    });
  });
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

suite('embedded broker (aedes) with generated credentials', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'se-acl-'));
  dirs.push(dir);
  const creds = ensureBrokerCredentials(dir, 'gw-1', () => undefined);
  const embedded = new EmbeddedBroker({
    log: createLogger({ level: 'silent' }),
    port: 0,
    credentials: creds,
    acl: embeddedAcl('sharpeyes'),
    gatewayClientId: 'sharpeyes-gw-1',
  });
  const port = await embedded.start();
  return { broker: { url: `mqtt://127.0.0.1:${port}`, protocolVersion: 4, creds }, stop: () => embedded.stop() };
});

suite('external mosquitto with the shipped template (cloud-bridge/mqtt/city/acl.mosquitto)', async () => {
  const creds: BrokerCredentials = {
    gateway: { username: 'gw-1', password: 'gw-1-pw' },
    platform: { username: 'platform', password: 'platform-pw' },
  };
  const m: Mosquitto = await startMosquitto({
    users: { 'gw-1': 'gw-1-pw', 'gw-2': 'gw-2-pw', platform: 'platform-pw' },
    acl: readFileSync(ACL_TEMPLATE, 'utf8'),
  });
  return { broker: { url: m.url, protocolVersion: 5, creds }, stop: () => m.dispose() };
});

describe('generated credentials', () => {
  it('are created once, mode 0600, and kept across starts; a file others can read is made 0600 again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'se-creds-'));
    dirs.push(dir);
    const warnings: string[] = [];
    const first = ensureBrokerCredentials(dir, 'gw-1', (w) => warnings.push(w));
    expect(statSync(join(dir, 'broker-credentials.json')).mode & 0o777).toBe(0o600);
    expect(first.gateway.password).toHaveLength(32);
    expect(first.platform.password).not.toBe(first.gateway.password);
    const again = ensureBrokerCredentials(dir, 'gw-1', (w) => warnings.push(w));
    expect(again).toEqual(first);
    expect(warnings).toEqual([]);
  });

  it('refuses node id "platform" (it would be both identities)', () => {
    expect(() => ensureBrokerCredentials(mkdtempSync(join(tmpdir(), 'se-creds-')), 'platform', () => undefined)).toThrow(
      /platform identity/,
    );
  });
});

describe('ACL rules (pure)', () => {
  it('a subscription must be covered by a read rule', () => {
    expect(filterCovers('sharpeyes/#', 'sharpeyes/+/status')).toBe(true);
    expect(filterCovers('sharpeyes/+/status', 'sharpeyes/#')).toBe(false);
    expect(filterCovers('sharpeyes/gw-1/request/#', 'sharpeyes/gw-1/request/gate/open')).toBe(true);
    expect(filterCovers('#', '$SYS/broker')).toBe(false);
  });
  it('deny wins; an unknown line is an error naming it', () => {
    const acl = parseAcl('user u\ntopic readwrite a/#\ntopic deny a/secret\n');
    expect(acl.mayPublish({ username: 'u', clientId: 'c' }, 'a/b')).toBe(true);
    expect(acl.mayPublish({ username: 'u', clientId: 'c' }, 'a/secret')).toBe(false);
    expect(() => parseAcl('user u\nallow all\n')).toThrow(/ACL line 2/);
  });
});
