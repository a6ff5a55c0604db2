import { createHash } from 'node:crypto';

/** WS-UsernameToken PasswordDigest: Base64(SHA-1(nonce + created + password)). Pure. */
export function passwordDigest(nonceB64: string, created: string, password: string): string {
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(nonceB64, 'base64'), Buffer.from(created, 'utf8'), Buffer.from(password, 'utf8')]))
    .digest('base64');
}

export interface UsernameToken {
  username: string;
  password: string;
  digest: boolean;
  nonce: string | undefined;
  created: string | undefined;
}

function tag(xml: string, name: string): { attrs: string; text: string } | undefined {
  const m = new RegExp(`<(?:[A-Za-z0-9_.-]+:)?${name}\\b([^>]*)>([\\s\\S]*?)</(?:[A-Za-z0-9_.-]+:)?${name}>`).exec(xml);
  return m ? { attrs: m[1] ?? '', text: (m[2] ?? '').trim() } : undefined;
}

/** The UsernameToken of a SOAP request's Security header, if any. */
export function parseUsernameToken(xml: string): UsernameToken | undefined {
  const token = tag(xml, 'UsernameToken');
  if (!token) return undefined;
  const username = tag(token.text, 'Username')?.text ?? '';
  const pw = tag(token.text, 'Password');
  return {
    username,
    password: pw?.text ?? '',
    digest: /PasswordDigest/.test(pw?.attrs ?? ''),
    nonce: tag(token.text, 'Nonce')?.text,
    created: tag(token.text, 'Created')?.text,
  };
}

/** Whether a token proves the password (digest or text), with `created` within maxSkewS of now. */
export function verifyUsernameToken(
  t: UsernameToken | undefined,
  user: string,
  password: string,
  now = Date.now(),
  maxSkewS = 300,
): boolean {
  if (!t || t.username !== user) return false;
  if (!t.digest) return t.password === password;
  if (!t.nonce || !t.created) return false;
  const created = Date.parse(t.created);
  if (Number.isNaN(created) || Math.abs(now - created) > maxSkewS * 1000) return false;
  return passwordDigest(t.nonce, t.created, password) === t.password;
}

/** Local name of the first element of the SOAP Body: the operation asked for. */
export function soapAction(xml: string): string | undefined {
  const body = /<(?:[A-Za-z0-9_.-]+:)?Body\b[^>]*>\s*<(?:[A-Za-z0-9_.-]+:)?([A-Za-z0-9_]+)/.exec(xml);
  return body?.[1];
}
