import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, hashPassword, needsRehash, parseHash, passwordProblem, verifyPassword } from './password.js';

const FAST = { ln: 10, r: 8, p: 1 };

describe('console password hashing', () => {
  it('uses scrypt with N=2^15, r=8, p=3 (32 MiB, an OWASP setting), a 16-byte salt and a 32-byte key', async () => {
    expect(DEFAULT_PARAMS).toEqual({ ln: 15, r: 8, p: 3 });
    const h = await hashPassword('correct horse battery', DEFAULT_PARAMS);
    expect(h).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$/);
    const parsed = parseHash(h)!;
    expect(parsed.salt.length).toBe(16);
    expect(parsed.key.length).toBe(32);
    expect(await verifyPassword('correct horse battery', h)).toBe(true);
  }, 30_000);
  it('salts every hash, refuses wrong passwords and malformed hashes', async () => {
    const a = await hashPassword('s3cret-passw0rd', FAST);
    const b = await hashPassword('s3cret-passw0rd', FAST);
    expect(a).not.toBe(b);
    expect(await verifyPassword('s3cret-passw0rd', b)).toBe(true);
    expect(await verifyPassword('s3cret-passw0rD', a)).toBe(false);
    expect(await verifyPassword('s3cret-passw0rd', 'plain')).toBe(false);
    expect(await verifyPassword('x', '$scrypt$ln=30,r=8,p=1$AAAA$AAAA')).toBe(false); // absurd cost refused, not run
  });
  it('asks for a rehash of hashes with weaker parameters', async () => {
    expect(needsRehash(await hashPassword('s3cret-passw0rd', FAST))).toBe(true);
    expect(needsRehash('$scrypt$ln=15,r=8,p=3$AAAA$AAAA')).toBe(false);
  });
  it('refuses short, name-containing and repetitive passwords', () => {
    expect(passwordProblem('short', 'wang')).toMatch(/10/);
    expect(passwordProblem('wang-2024-gate', 'wang')).toMatch(/user name/);
    expect(passwordProblem('aaaaaaaaaaaa', 'wang')).toMatch(/different/);
    expect(passwordProblem('Gate box 7 night!', 'wang')).toBeUndefined();
  });
});
