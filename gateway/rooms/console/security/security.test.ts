import { describe, expect, it } from 'vitest';
import { allowedNames, hostAllowed, hostName, sameOrigin } from './host-check.js';
import { SessionStore, tokensEqual } from './sessions.js';
import { Lockout } from './lockout.js';
import { actionRatePerMinute } from './rates.js';
import { liveRoute } from '../routes/live.js';
import { forwardedClient } from './forwarded.js';

describe('client address behind trusted proxies', () => {
  it('reads X-Forwarded-For right to left past trusted proxies only; from anyone else it is ignored', () => {
    const trusted = ['127.0.0.1', '10.0.0.2'];
    expect(forwardedClient('127.0.0.1', '203.0.113.7', trusted)).toBe('203.0.113.7');
    expect(forwardedClient('::ffff:127.0.0.1', '198.51.100.1, 203.0.113.7, 10.0.0.2', trusted)).toBe('203.0.113.7');
    expect(forwardedClient('192.0.2.9', '203.0.113.7', trusted)).toBe('192.0.2.9'); // not a proxy of ours
    expect(forwardedClient('127.0.0.1', undefined, trusted)).toBe('127.0.0.1');
    expect(forwardedClient('127.0.0.1', 'garbage', trusted)).toBe('127.0.0.1');
    expect(forwardedClient('127.0.0.1', '203.0.113.7, garbage', trusted)).toBe('127.0.0.1');
    expect(forwardedClient('127.0.0.1', '203.0.113.7', [])).toBe('127.0.0.1');
  });
});

describe('Host check (DNS rebinding)', () => {
  const names = allowedNames('127.0.0.1', ['gate-box.local']);
  it('accepts IP literals, localhost and the configured names, with or without a port', () => {
    for (const h of [
      '127.0.0.1:8080',
      '127.0.0.1',
      '[::1]:8080',
      '192.168.1.20:8080',
      'localhost:8080',
      'GATE-BOX.local:443',
      'gate-box.local',
    ])
      expect(hostAllowed(h, names), h).toBe(true);
  });
  it('refuses any other name, a missing or malformed Host', () => {
    for (const h of [
      'evil.test:8080',
      'evil.test',
      '127.0.0.1.evil.test',
      'localhost.evil.test',
      'gate-box.local.evil.test',
      '',
      'a b',
      '[::1',
      'x:99999999',
    ])
      expect(hostAllowed(h, names), h).toBe(false);
    expect(hostAllowed(undefined, names)).toBe(false);
  });
  it('allows console.host when it is a name, not when it is the any-address', () => {
    expect(allowedNames('console.example', [])).toEqual(['console.example']);
    expect(allowedNames('0.0.0.0', [])).toEqual([]);
    expect(hostName('Console.Example:8080')).toBe('console.example');
  });
  it('refuses cross-origin and cross-site browser requests, lets same-origin and non-browser ones through', () => {
    expect(sameOrigin({ host: '127.0.0.1:8080', origin: 'http://127.0.0.1:8080' })).toBe(true);
    expect(sameOrigin({ host: '127.0.0.1:8080' })).toBe(true); // curl, scripts
    expect(sameOrigin({ host: '127.0.0.1:8080', origin: 'http://evil.test:8080' })).toBe(false);
    expect(sameOrigin({ host: '127.0.0.1:8080', origin: 'http://127.0.0.1:3000' })).toBe(false); // another local app
    expect(sameOrigin({ host: '127.0.0.1:8080', origin: 'null' })).toBe(false);
    expect(sameOrigin({ host: '127.0.0.1:8080', 'sec-fetch-site': 'same-site' })).toBe(false);
    expect(sameOrigin({ host: '127.0.0.1:8080', 'sec-fetch-site': 'cross-site' })).toBe(false);
    expect(sameOrigin({ host: '127.0.0.1:8080', 'sec-fetch-site': 'same-origin', origin: 'http://127.0.0.1:8080' })).toBe(true);
  });
});

describe('sessions', () => {
  const user = { userId: 1, name: 'wang', role: 'operator' as const, generation: 1, address: '127.0.0.1' };
  it('end after the idle time without a request, and after the absolute time whatever happens', () => {
    const s = new SessionStore({ idleMs: 1000, absoluteMs: 5000, maxPerUser: 10 });
    const { id } = s.create(user, 0);
    expect(s.get(id, 900)).toBeDefined(); // touched at 900
    expect(s.get(id, 1800)).toBeDefined(); // 900 ms idle
    expect(s.get(id, 2800)).toBeUndefined(); // 1000 ms idle: over
    const b = s.create(user, 10_000).id;
    for (let t = 10_500; t < 15_000; t += 500) expect(s.get(b, t)).toBeDefined();
    expect(s.get(b, 15_000)).toBeUndefined(); // 5 s after login, though active
  });
  it('rotate at login (the previous cookie ends), keep only a hash, and have their own CSRF token', () => {
    const s = new SessionStore({ idleMs: 60_000, absoluteMs: 60_000, maxPerUser: 10 });
    const a = s.create(user, 0);
    const b = s.create(user, 1, a.id);
    expect(b.id).not.toBe(a.id);
    expect(s.get(a.id, 2)).toBeUndefined();
    expect(s.get(b.id, 2)?.csrf).toBe(b.session.csrf);
    expect(b.session.csrf).not.toBe(a.session.csrf);
    expect(JSON.stringify([...(s as unknown as { sessions: Map<string, unknown> }).sessions.keys()])).not.toContain(b.id);
    expect(b.id).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
  });
  it("end every session of a user at once; beyond the cap an account ends its own oldest, never another account's", () => {
    const s = new SessionStore({ idleMs: 60_000, absoluteMs: 60_000, maxPerUser: 2 });
    const admin = s.create({ ...user, userId: 2, role: 'admin' }, 0).id;
    const a = s.create(user, 0).id;
    const b = s.create(user, 0).id;
    for (let i = 0; i < 50; i++) s.create(user, 0); // a viewer logging in again and again
    expect(s.get(admin, 1)).toBeDefined();
    expect(s.get(a, 1)).toBeUndefined();
    expect(s.get(b, 1)).toBeUndefined();
    expect(s.size).toBe(3);
    expect(s.destroyUser(1)).toBe(2);
    expect(s.get(admin, 1)).toBeDefined();
  });
});

describe('CSRF token comparison', () => {
  it('needs an exact, non-empty match', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abc', 'abd')).toBe(false);
    expect(tokensEqual('abc', 'abcd')).toBe(false);
    expect(tokensEqual('', '')).toBe(false);
    expect(tokensEqual(undefined, 'abc')).toBe(false);
  });
});

describe('lockout', () => {
  const policy = { freeFailures: 3, baseMs: 1000, maxMs: 8000, forgetMs: 60_000, maxKeys: 3 };
  it('locks after the free failures, doubling up to the maximum, and a success clears it', () => {
    const l = new Lockout(policy);
    expect([l.fail('a', 0), l.fail('a', 0), l.fail('a', 0)]).toEqual([0, 0, 0]);
    expect(l.fail('a', 0)).toBe(1000);
    expect(l.retryAfterMs('a', 400)).toBe(600);
    expect(l.retryAfterMs('a', 1000)).toBe(0);
    expect([l.fail('a', 1000), l.fail('a', 1000), l.fail('a', 1000), l.fail('a', 1000)]).toEqual([2000, 4000, 8000, 8000]);
    l.succeed('a');
    expect(l.retryAfterMs('a', 1001)).toBe(0);
    expect(l.fail('a', 1001)).toBe(0);
  });
  it('forgets old failures and bounds its memory', () => {
    const l = new Lockout(policy);
    for (let i = 0; i < 4; i++) l.fail('a', 0);
    expect(l.retryAfterMs('a', 60_000)).toBe(0);
    for (const k of ['b', 'c', 'd', 'e']) l.fail(k, 0);
    expect(l.failures('b')).toBe(0); // dropped: at most 3 keys
    expect(l.failures('e')).toBe(1);
  });
});

describe('console rates', () => {
  it('are tighter for gate commands and enrolment than for reads, and overridable by name', () => {
    expect(actionRatePerMinute('gate/open', 'operator', {})).toBe(30);
    expect(actionRatePerMinute('residents/check', 'operator', {})).toBe(12);
    expect(actionRatePerMinute('devices/list', 'viewer', {})).toBe(600);
    expect(actionRatePerMinute('gate/open', 'operator', { 'gate/open': 5 })).toBe(5);
  });
});

describe('live view route', () => {
  it('maps /api/live/<id> only', () => {
    expect(liveRoute('/api/live/gate-1?x=1')).toEqual({ cameraId: 'gate-1' });
    expect(liveRoute('/api/live/../etc')).toBeUndefined();
    expect(liveRoute('/live/gate-1')).toBeUndefined();
  });
});
