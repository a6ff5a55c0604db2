import { isIP } from 'node:net';

/**
 * The address of the client a request came from, behind reverse proxies (pure). A proxy the box
 * trusts (`console.trustedProxies`: the README's local TLS proxy is 127.0.0.1) appends the
 * address it got the request from to X-Forwarded-For; reading that header from right to left,
 * the first address that is not a trusted proxy is the client. From a peer that is not trusted,
 * the header is ignored (anybody can send one), so the peer is the client. Lockouts, audit lines
 * and the address checks of /metrics all use this address.
 */
export function forwardedClient(peer: string, forwardedFor: string | string[] | undefined, trusted: readonly string[]): string {
  const norm = (a: string) => a.trim().replace(/^::ffff:/, '');
  let client = norm(peer);
  if (!trusted.includes(client) || forwardedFor === undefined) return client;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',').map(norm);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    // A malformed hop ends the chain: what lies left of it cannot be trusted either.
    if (isIP(hop) === 0) return client;
    client = hop;
    if (!trusted.includes(hop)) return hop;
  }
  return client;
}
