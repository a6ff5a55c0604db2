/**
 * The one way to turn a caught value into something to log or return: `catch (err)` gives
 * `unknown`, and a thrown string, a Node system error and an Error all read the same here.
 */

/** The readable message of anything thrown. */
export function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A log field for anything thrown: its message, and Node's error code when it has one. */
export function errInfo(err: unknown): { message: string; code?: string } {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return typeof code === 'string' ? { message: err.message, code } : { message: err.message };
  }
  return { message: String(err) };
}
