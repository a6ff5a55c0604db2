import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where a daemon using the embedded broker writes its port (in its data folder), for CLI clients. */
export const EMBEDDED_BROKER_FILE = 'embedded-broker.json';

/**
 * The embedded broker's two identities, generated at the first start in
 * `<dataDir>/broker-credentials.json` (mode 0600, readable only by the gateway's user):
 *
 *   gateway   user name = node id; publishes status, availability, events, responses; reads requests
 *   platform  user name `platform`; publishes requests, reads everything (the CLI uses it)
 *
 * The rules are those of cloud-bridge/mqtt/city/acl.mosquitto, so a box moved to an external mosquitto
 * keeps the same split. Anonymous clients are refused.
 */
export const BROKER_CREDENTIALS_FILE = 'broker-credentials.json';
export const PLATFORM_USER = 'platform';

export interface Identity {
  username: string;
  password: string;
}

export interface BrokerCredentials {
  gateway: Identity;
  platform: Identity;
}

interface Stored {
  gatewayPassword: string;
  platformPassword: string;
}

const newPassword = () => randomBytes(24).toString('base64url');

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Reads the file, creating it (0600) when absent; a file others can read is made 0600 again. */
export function ensureBrokerCredentials(dataDir: string, nodeId: string, warn: (msg: string) => void): BrokerCredentials {
  if (nodeId === PLATFORM_USER)
    throw new Error(`node.id "${PLATFORM_USER}" is the embedded broker's platform identity; choose another node id`);
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, BROKER_CREDENTIALS_FILE);
  let fd: number | undefined;
  try {
    // 'wx': two starts racing never overwrite each other's passwords.
    fd = openSync(file, 'wx', 0o600);
    writeFileSync(fd, `${JSON.stringify({ gatewayPassword: newPassword(), platformPassword: newPassword() } satisfies Stored)}\n`);
    // On the disk before anyone uses it (once, at the first start): a power cut soon after would
    // otherwise leave an empty file, and the gateway would refuse to start.
    fsyncSync(fd);
    fsyncDir(dataDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) {
    chmodSync(file, 0o600);
    warn(`${file} was readable by others (mode ${mode.toString(8)}); set to 0600`);
  }
  return toCredentials(readStored(file), nodeId);
}

/** For CLI clients: the credentials of a daemon that has started once with this data folder. */
export function readBrokerCredentials(dataDir: string, nodeId: string): BrokerCredentials {
  return toCredentials(readStored(join(dataDir, BROKER_CREDENTIALS_FILE)), nodeId);
}

function readStored(file: string): Stored {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const hint =
      e.code === 'EACCES'
        ? "run the command as the gateway's user (e.g. sudo -u sharpeyes)"
        : e.code === 'ENOENT'
          ? 'start the gateway once (sharpeyes start) to create it'
          : 'check the data folder';
    throw new Error(`cannot read the embedded broker credentials ${file}: ${e.message}; ${hint}`, { cause: err });
  }
  let parsed: Partial<Stored> = {};
  try {
    parsed = JSON.parse(text) as Partial<Stored>;
  } catch {
    // reported below
  }
  if (
    typeof parsed.gatewayPassword !== 'string' ||
    typeof parsed.platformPassword !== 'string' ||
    !parsed.gatewayPassword ||
    !parsed.platformPassword
  )
    throw new Error(`${file}: expected {"gatewayPassword", "platformPassword"}; delete it and restart the gateway to create a new one`);
  return parsed as Stored;
}

function toCredentials(s: Stored, nodeId: string): BrokerCredentials {
  return {
    gateway: { username: nodeId, password: s.gatewayPassword },
    platform: { username: PLATFORM_USER, password: s.platformPassword },
  };
}
