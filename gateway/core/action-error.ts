import type { ErrorCode } from './error-codes.js';

/** An error whose message is safe and useful to return to the requester. */
export class ActionError extends Error {
  constructor(
    message: string,
    readonly code: ErrorCode = 'failed',
  ) {
    super(message);
    this.name = 'ActionError';
  }
}
