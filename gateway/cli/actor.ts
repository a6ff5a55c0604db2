import { hostname, userInfo } from 'node:os';
import type { Actor } from '../core/actions.js';

/** Who runs the CLI on the box: the local user, with the rights of whoever may run it (root). */
export function cliActor(): Actor {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (a container's uid): keep "unknown"
  }
  return { channel: 'cli', name: `${user}@${hostname()}`, role: 'admin' };
}
