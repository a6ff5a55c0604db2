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
  stale: 'A gate command older than cloud.requestMaxAgeS, or dated in the future.',
  replayed: 'A gate command whose nonce was already used.',
  forbidden: "The requester's role may not run this action.",
  busy: 'Too many requests at once, or this action too often: try again shortly.',
  internal: 'An unexpected error inside the gateway (logged).',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
