/** ONVIF device addresses as people write them: host, host:port, or a device service URL. Pure. */
export interface OnvifAddress {
  hostname: string;
  port: number;
  path: string;
}

export function parseOnvifAddress(address: string): OnvifAddress {
  const text = address.trim();
  const withScheme = /^[a-z]+:\/\//i.test(text) ? text : `http://${text}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new Error(`"${address}" is not an ONVIF address (host, host:port or http://host:port/onvif/device_service)`);
  }
  if (u.protocol !== 'http:') throw new Error(`"${address}": only http:// ONVIF addresses are supported`);
  const path = u.pathname && u.pathname !== '/' ? u.pathname : '/onvif/device_service';
  return { hostname: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : 80, path };
}

export function formatOnvifAddress(a: OnvifAddress): string {
  const host = a.hostname.includes(':') ? `[${a.hostname}]` : a.hostname;
  return `http://${host}${a.port === 80 ? '' : `:${a.port}`}${a.path}`;
}
