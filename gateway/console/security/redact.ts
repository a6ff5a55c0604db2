/**
 * Nothing the console sends may carry a secret: credentials written into URLs (rtsp://user:pw@,
 * mqtts://user:pw@ in cloud.url, or in an ffmpeg message quoting one) and values under
 * secret-looking keys are replaced. Applied to every JSON answer and event the console serves.
 */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/?#]+):([^\s@/?#]*)@/gi;
const SECRET_KEY = /pass(word)?|secret|token|credential|apikey|api_key|privatekey/i;

export function redactText(s: string): string {
  return s.replace(URL_CREDENTIALS, '$1$2:***@');
}

export function redactSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    // *File keys name where a secret is kept (a path), not the secret: the path may stay.
    out[k] = SECRET_KEY.test(k) && !/file$/i.test(k) && typeof v === 'string' ? '***' : redactSecrets(v, depth + 1);
  }
  return out;
}
