import type { IncomingMessage } from 'node:http';
import type { RateLimiter } from '../../../core/limits.js';
import type { Authenticated } from '../auth.js';

/**
 * What the routes need of the console server, which implements it: the routes take this rather
 * than the server class, so the server and its routes do not import each other.
 */
export interface RouteHost {
  readonly rates: RateLimiter;
  authenticate(req: IncomingMessage): Authenticated | undefined;
  requireSession(req: IncomingMessage): Authenticated;
  dropEnded(): void;
}
