import { request as httpRequest } from 'node:http';

/** Tests of the console over HTTP: raw requests (fetch forbids setting Host, Origin and Cookie, as a page could not either). */
export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => Record<string, unknown>;
}

export function send(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          host: `127.0.0.1:${port}`,
          ...(data ? { 'content-type': 'application/json', 'content-length': data.length } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/**
 * Logs in as a page does: the pre-login CSRF cookie and token, then POST /api/login. `headers`
 * go with both requests (an X-Forwarded-For, say). The session cookie and CSRF token are empty
 * when the login was refused.
 */
export async function login(port: number, name: string, password: string, headers: Record<string, string> = {}) {
  const pre = await send(port, 'GET', '/api/session', headers);
  const token = pre.json().loginCsrf as string;
  const loginCookie = String(pre.headers['set-cookie']).split(';')[0] as string;
  const r = await send(port, 'POST', '/api/login', { 'x-csrf-token': token, cookie: loginCookie, ...headers }, { name, password });
  const cookie = ((r.headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith('se_session='));
  return { r, cookie: cookie?.split(';')[0] ?? '', setCookie: cookie ?? '', csrf: r.status === 200 ? (r.json().csrf as string) : '' };
}
