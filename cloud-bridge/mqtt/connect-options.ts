import { readFileSync } from 'node:fs';
import { readSecretFile, resolveConfigPath, type LoadedConfig } from '../../gateway/config/load.js';
import type { ConnectOptions } from './mqtt-client.js';
import type { Identity } from './broker-credentials.js';

/**
 * Connect options from the `cloud` section: the configured broker (as the gateway, or as
 * `identity`), or the embedded one on 127.0.0.1:<port> (MQTT 3.1.1, aedes) as `identity`
 * (broker-credentials.ts). Reads the password and PEM files once (the config check made
 * sure they can be read).
 */
export function brokerOptions(
  loaded: LoadedConfig,
  opts: {
    clientId: string;
    embeddedPort?: number;
    identity?: Identity | undefined;
    /** A client certificate other than cloud.tls's (the CLI's own: cloud.cli.certFile/keyFile), with its settings' names. */
    clientCert?: { certFile: string; keyFile: string; certSetting: string; keySetting: string };
  },
): ConnectOptions {
  const cloud = loaded.config.cloud;
  if (!cloud.url) {
    const out: ConnectOptions = {
      url: `mqtt://127.0.0.1:${opts.embeddedPort ?? cloud.embeddedPort}`,
      clientId: opts.clientId,
      protocolVersion: 4,
      keepaliveS: cloud.keepaliveS,
    };
    if (opts.identity) {
      out.username = opts.identity.username;
      out.password = opts.identity.password;
    }
    return out;
  }
  const out: ConnectOptions = { url: cloud.url, clientId: opts.clientId, protocolVersion: 5, keepaliveS: cloud.keepaliveS };
  if (cloud.username !== undefined) out.username = cloud.username;
  if (cloud.passwordFile !== undefined) out.password = readSecretFile(loaded, cloud.passwordFile, 'cloud.passwordFile');
  if (opts.identity) {
    out.username = opts.identity.username;
    out.password = opts.identity.password;
  }
  const { caFile, certFile, keyFile, rejectUnauthorized } = cloud.tls;
  if (caFile || certFile || keyFile || /^(mqtts|wss):/.test(cloud.url)) {
    // The config check (cloud-bridge/config-rules.ts) made sure these files can be read and go together.
    const pem = (p: string | undefined): Buffer | undefined => (p === undefined ? undefined : readFileSync(resolveConfigPath(loaded, p)));
    out.tls = { rejectUnauthorized };
    const ca = pem(caFile);
    const own = opts.clientCert;
    const cert = pem(own ? own.certFile : certFile);
    const key = own
      ? readKey(loaded, own.keyFile, own.keySetting)
      : keyFile === undefined
        ? undefined
        : readKey(loaded, keyFile, 'cloud.tls.keyFile');
    if (ca) out.tls.ca = ca;
    if (cert) out.tls.cert = cert;
    if (key) out.tls.key = key;
    if (own) out.tls.certSetting = own.certSetting;
  }
  return out;
}

function readKey(loaded: LoadedConfig, p: string, setting: string): Buffer {
  return Buffer.from(readSecretFile(loaded, p, setting) + '\n');
}

export function defaultClientId(loaded: LoadedConfig): string {
  return loaded.config.cloud.clientId ?? `sharpeyes-${loaded.nodeId}`;
}
