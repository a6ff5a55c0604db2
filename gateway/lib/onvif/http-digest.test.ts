import { describe, expect, it } from 'vitest';
import { digestAuthorization, parseChallenges, pickDigest } from './http-digest.js';

const param = (header: string, name: string) => new RegExp(`${name}="?([^",]*)"?`).exec(header)?.[1];

describe('HTTP Digest', () => {
  it("answers RFC 2617's worked example (MD5, qop=auth)", () => {
    const [c] = parseChallenges(
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
    const header = digestAuthorization(c!, {
      username: 'Mufasa',
      password: 'Circle Of Life',
      method: 'GET',
      uri: '/dir/index.html',
      cnonce: '0a4f113b',
      nc: 1,
    });
    expect(param(header, 'response')).toBe('6629fae49393a05397450978507c4ef1');
    expect(param(header, 'nc')).toBe('00000001');
    expect(param(header, 'opaque')).toBe('5ccc069c403ebaf9f0171e9517f40e41');
  });

  it("answers RFC 7616's worked example with SHA-256, preferred over MD5 when both are offered", () => {
    const header =
      'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
    const all = parseChallenges(header);
    expect(all.map((c) => c.params.algorithm)).toEqual(['SHA-256', 'MD5']);
    const req = {
      username: 'Mufasa',
      password: 'Circle of Life',
      method: 'GET',
      uri: '/dir/index.html',
      cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
      nc: 1,
    };
    expect(param(digestAuthorization(pickDigest(all)!, req), 'response')).toBe(
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    );
    expect(param(digestAuthorization(all[1]!, req), 'response')).toBe('8ca523f5e9506fed4657c9700eebdbec');
  });

  it('parses Basic beside Digest, escaped quotes, and refuses what it cannot answer', () => {
    const all = parseChallenges('Basic realm="cam", Digest realm="a \\"b\\"", nonce=abc, qop="auth-int"');
    expect(all).toEqual([
      { scheme: 'basic', params: { realm: 'cam' } },
      { scheme: 'digest', params: { realm: 'a "b"', nonce: 'abc', qop: 'auth-int' } },
    ]);
    expect(pickDigest(all)).toBeUndefined(); // only auth-int offered
    expect(pickDigest(parseChallenges('Digest realm="x", nonce="n", algorithm=SHA-512-256'))).toBeUndefined();
    expect(pickDigest(parseChallenges('Digest realm="x"'))).toBeUndefined(); // no nonce
    expect(parseChallenges('')).toEqual([]);
    expect(parseChallenges('=,,="')).toEqual([]);
  });

  it('without qop, answers in RFC 2069 form (no nc or cnonce)', () => {
    const [c] = parseChallenges('Digest realm="r", nonce="n"');
    const header = digestAuthorization(c!, { username: 'u', password: 'p', method: 'GET', uri: '/s.jpg', cnonce: 'c', nc: 1 });
    expect(header).not.toMatch(/qop|nc=|cnonce/);
    expect(header).toMatch(/^Digest username="u", realm="r", nonce="n", uri="\/s.jpg", response="[0-9a-f]{32}"$/);
  });
});
