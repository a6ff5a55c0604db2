/**
 * The one way to turn a caught value into something to log or return: `catch (err)` gives
 * `unknown`, and a thrown string, a Node system error and an Error all read the same here.
 */

/** The readable message of anything thrown. */
export function errMessage(err: unknown): string {
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

/** A log field for anything thrown: its message, and Node's error code when it has one. */
export function errInfo(err: unknown): { message: string; code?: string } {
  const code = errCode(err);
  return code === undefined ? { message: errMessage(err) } : { message: errMessage(err), code };
}
