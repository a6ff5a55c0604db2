/**
 * Every `code` an error response can carry (MQTT `response/<action>`, the console's API, the
 * CLI), in one spelling. The README's table is generated from this list.
 */
export const ERROR_CODES = {
  bad_request: 'The request could not be read: not JSON, or not {transaction, input}.',
  too_large: 'The request is larger than cloud.maxRequestBytes.',
  unknown_action: 'No such action on this box (the message lists the ones it answers).',
  invalid_input: "The input does not match the action's schema, or a value is out of range; the message names the field.",
  not_found: 'The gate, camera, resident, vehicle, snapshot or alarm named does not exist.',
  unsupported: "The device's profile has no such command.",
  photo_refused: 'An enrolment photo was refused (no face, several faces, too small, blurred, turned away); the message says which.',
  unavailable: 'The feature is not running now: models missing, camera without a frame yet, recognition disabled.',
  offline: 'The device does not answer (serial line down or silent).',
  refused: 'Refused by the fail-safe policy (a fire alarm holds the gate open).',
  failed: 'The device did not acknowledge, or the action could not be carried out.',
  stale: 'A change without ts (ISO 8601 with a zone) and nonce, older than cloud.requestMaxAgeS, or dated in the future.',
  replayed: 'A change whose nonce the same account already used (also before a restart).',
  forbidden: "The requester's role may not run this action, or its MQTT account has no role (cloud.accounts).",
  busy: 'Too many requests at once, or this action too often: try again shortly.',
  internal: 'An unexpected error inside the gateway (logged).',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
