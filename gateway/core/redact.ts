/**
 * The one redactor (the console's own copy is gone): it keeps secrets out of every sink the
 * gateway writes text to. Applied where text enters each sink:
 *   - log lines: the logger's streamWrite hook (core/logger.ts);
 *   - published events, outbox and journal: the publisher (core/publisher.ts);
 *   - answers over MQTT and the console: action results and error messages (core/actions.ts),
 *     every JSON answer and event stream of the console (console/http-util.ts, event-streams.ts);
 *   - database rows written beside an event: audit_log (audit/log.ts), camera_status
 *     (cameras/status-recorder.ts);
 *   - config errors and the config copy (config/errors.ts, config/load.ts).
 *
 * Three rules:
 *   - the password of any `scheme://user:password@host` is replaced by `***` (ffmpeg prints the
 *     camera URL in its error lines; a `cloud.url` may carry one);
 *   - every secret the gateway reads (password files, camera passwords it puts into URLs) is
 *     registered with `registerSecret` and replaced wherever it appears, as is or percent-encoded,
 *     so a secret printed on its own (a decoded URL, a SIP digest dump) is caught too.
 * Pure string work apart from the process-wide registry of secrets.
 */
const MASK = '***';
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^/\s:@"'<>]*):([^/\s"'<>]*)@/gi;
/**
 * Keys whose string values are secret (with `byKey`): passwords, tokens, keys and the files that
 * hold them. Not `pass` inside other words (a passage, a bypass).
 */
const SECRET_KEY = /^pass$|password|passphrase|secret|token|credential|api_?key|private_?key|keyfile$/i;

const secrets = new Set<string>();
let pattern: RegExp | undefined;

/**
 * Secrets shorter than this are not matched on their own: a camera password such as `admin` or
 * `12345` would otherwise mask user names and ids in events. In URLs they are masked whatever
 * their length.
 */
const MIN_SECRET_LENGTH = 8;
/** Binary payloads (base64 JPEGs): a secret's letters can occur in them by chance; never rewritten. */
const BINARY_KEY = /^(base64|jpeg|photos?)$/i;

export function registerSecret(secret: string | undefined): void {
  if (!secret || secret.length < MIN_SECRET_LENGTH) return;
  const forms = [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
  let changed = false;
  for (const f of forms)
    if (!secrets.has(f)) {
      secrets.add(f);
      changed = true;
    }
  if (changed) {
    const alternatives = [...secrets].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    pattern = new RegExp(alternatives.join('|'), 'g');
  }
}

/**
 * Registers the password of every `scheme://user:password@` URL in a value (the config), as
 * written and decoded, so it is masked also where it appears without its URL.
 */
export function registerUrlSecrets(value: unknown, depth = 0): void {
  if (typeof value === 'string') {
    if (!value.includes('://')) return;
    for (const m of value.matchAll(URL_CREDENTIALS)) {
      const pw = m[3] ?? '';
      registerSecret(pw);
      try {
        registerSecret(decodeURIComponent(pw));
      } catch {
        // not valid percent-encoding: the raw form is registered
      }
    }
    return;
  }
  if (depth > 32 || value === null || typeof value !== 'object') return;
  for (const v of Array.isArray(value) ? value : Object.values(value)) registerUrlSecrets(v, depth + 1);
}

/** The text with URL passwords and registered secrets replaced by `***`. */
export function redactText(text: string): string {
  let out = text.includes('://') ? text.replace(URL_CREDENTIALS, `$1$2:${MASK}@`) : text;
  if (pattern) out = out.replace(pattern, MASK);
  return out;
}

/**
 * A copy of a value with every string redacted; with `byKey`, values under secret-looking keys
 * (password, passwordFile, token, keyFile, apiKey, ...) become `***` too (configuration, the
 * console's answers). Buffers and other non-plain objects are kept as they are.
 */
export function redactValue<T>(value: T, opts: { byKey?: boolean } = {}): T {
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return redactText(v);
    if (depth > 32 || v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return v;
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [
        k,
        opts.byKey && SECRET_KEY.test(k) && typeof x === 'string' ? MASK : BINARY_KEY.test(k) ? x : walk(x, depth + 1),
      ]),
    );
  };
  return walk(value, 0) as T;
}
