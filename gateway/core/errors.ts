/**
 * The one way to turn a caught value into something to log or return: `catch (err)` gives
 * `unknown`, and a thrown string, a Node system error and an Error all read the same here.
 */

/** The readable message of anything thrown. */
export function errMessage(err: unknown): string {
  // eslint-disable-next-line no-restricted-syntax -- the one place that turns a thrown value into text
  return err instanceof Error ? err.message : String(err);
}

/**
 * The code of anything thrown, when it has one: Node's ('ENOENT', 'ECONNREFUSED' ...), or a
 * protocol's numeric reason code as text (MQTT's 135 reads '135').
 */
export function errCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : typeof code === 'number' ? String(code) : undefined;
}

/**
 * The one shape of a logged error: text with the message and, when the message does not already
 * say it, Node's or a protocol's code ("connect ECONNREFUSED 127.0.0.1:1883", "not authorised
 * (135)"). The logger applies it to every `err` field (core/logger.ts), so call sites log the
 * caught value as it is: `log.warn({ err }, '...')`.
 */
export function errText(err: unknown): string {
  const m = typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
  const message = typeof m === 'string' ? m : errMessage(err);
  const code = errCode(err);
  return code !== undefined && !message.includes(code) ? `${message} (${code})` : message;
}
