/**
 * DNS-rebinding defence: a browser that resolved an attacker's name to this box still sends the
 * attacker's name in `Host`, so every request must name this console. Pure.
 *
 * Allowed: IP literals (a page can only be same-origin with an IP it was loaded from, so they
 * cannot be rebound), `localhost`, the configured `console.host` and `console.allowedHosts`
 * (names of installs reached behind a name).
 */
export function hostAllowed(hostHeader: string | undefined, allowedNames: readonly string[]): boolean {
  const name = hostName(hostHeader);
  if (name === undefined) return false;
  if (name === 'localhost' || isIpLiteral(name)) return true;
  return allowedNames.some((n) => n.toLowerCase() === name);
}

/** The host name of a Host header value (lower case, without port or IPv6 brackets), or undefined if malformed. */
export function hostName(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) {
    const m = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/.exec(h);
    return m ? m[1] : undefined;
  }
  const m = /^([a-z0-9.-]{1,253})(?::(\d{1,5}))?$/.exec(h);
  return m ? m[1] : undefined;
}

export function isIpLiteral(name: string): boolean {
  if (/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(name)) return true;
  return name.includes(':') && /^[0-9a-f:.]+$/.test(name);
}

/**
 * Whether a browser request comes from this console's own pages: `Origin` (when sent) must be
 * http(s)://<the request's Host>, and Fetch Metadata must not say cross-site. Requests without
 * either header (curl, scripts) are not cross-site browser requests.
 */
export function sameOrigin(headers: { origin?: string; host?: string; 'sec-fetch-site'?: string }): boolean {
  const site = headers['sec-fetch-site'];
  if (site && site !== 'same-origin' && site !== 'none') return false;
  const origin = headers.origin;
  if (origin === undefined) return true;
  if (!headers.host) return false;
  return origin === `http://${headers.host}` || origin === `https://${headers.host}`;
}

/** The names to allow for a console listening on `host` (an IP or a name) plus the configured extra names. */
export function allowedNames(host: string, extra: readonly string[]): string[] {
  const names = extra.map((n) => n.toLowerCase());
  if (!isIpLiteral(host.toLowerCase()) && host !== '0.0.0.0' && host !== '::') names.push(host.toLowerCase());
  return names;
}
