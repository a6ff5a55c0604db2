import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Console passwords: scrypt (memory-hard, salted), stored as
 * `$scrypt$ln=15,r=8,p=3$<salt b64>$<hash b64>` so the parameters can be raised later (a login
 * with older parameters is rehashed). N=2^15, r=8, p=3 is one of OWASP's recommended scrypt
 * settings (32 MiB per hash): median 0.5 s (0.47-0.66 s, 9 hashes) on this shared 2-core box at
 * load 10; logins are hashed one at a time (auth.ts), so a login flood cannot take the box's
 * memory or cores.
 */
export interface ScryptParams {
  /** log2 of N, the CPU/memory cost. */
  ln: number;
  r: number;
  p: number;
}

export const DEFAULT_PARAMS: ScryptParams = { ln: 15, r: 8, p: 3 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const opts: ScryptOptions = { N: 2 ** params.ln, r: params.r, p: params.p, maxmem: 129 * params.r * 2 ** params.ln * 2 };
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFC'), salt, KEY_BYTES, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export function parseHash(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | undefined {
  const m = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return undefined;
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (params.ln < 10 || params.ln > 20 || params.r < 1 || params.p < 1) return undefined;
  return { params, salt: Buffer.from(m[4] as string, 'base64'), key: Buffer.from(m[5] as string, 'base64') };
}

/** Constant-time check of a password against a stored hash; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** Whether a stored hash uses weaker parameters than `target` (rehash it at the next login). */
export function needsRehash(stored: string, target: ScryptParams = DEFAULT_PARAMS): boolean {
  const p = parseHash(stored)?.params;
  return !p || p.ln < target.ln || p.r < target.r || p.p < target.p;
}

/** Why a new password is refused, or undefined when acceptable. Checked by the CLI and the console. */
export function passwordProblem(password: string, userName: string): string | undefined {
  if (password.length < 10) return 'at least 10 characters';
  if (password.length > 256) return 'at most 256 characters';
  if (password.toLowerCase().includes(userName.toLowerCase())) return 'must not contain the user name';
  if (new Set(password).size < 4) return 'too few different characters';
  return undefined;
}
