/**
 * The one table of wire spellings renamed by envelope version 2 (cloud-bridge/mqtt/payloads.ts
 * ENVELOPE_VERSION): values are snake_case, event names dotted lowercase with snake_case
 * segments, and a British/American pair takes the American form the wire already used
 * (`recognized`, HTTP's 401 "Unauthorized"). Input in the old spelling is accepted and turned
 * into the new one until release OLD_SPELLINGS_UNTIL; stored rows were rewritten by store
 * migrations 014 (outbox, access decisions) and 016 (a device profile's names in the outbox,
 * gate commands and device inputs), the GA/T 1400 dead letters are read through `currentValue`.
 * Pure: no I/O.
 */

/** The release after which the old spellings are refused like any unknown value. */
export const OLD_SPELLINGS_UNTIL = '0.3.0';

/** Event names: old → new. */
export const RENAMED_EVENTS: Readonly<Record<string, string>> = {
  'camera.clock-skew': 'camera.clock_skew',
  'alarm.fire-fault': 'alarm.fire_fault',
};

/** The fields of RENAMED_VALUES that hold a device profile's names (a rename applies to its field only). */
export const PROFILE_FIELDS = {
  deviceKind: 'device.online kind, profile kind',
  inputKind: 'device.input kind, profile inputs.*.kind',
  command: 'gate.command command, profile commands',
} as const;

/** Values of event payloads and action answers, old → new, with the field that carries them. */
export const RENAMED_VALUES: Readonly<Record<string, { now: string; field: string }>> = {
  unauthorised: { now: 'unauthorized', field: 'camera.offline reason' },
  'not-found': { now: 'not_found', field: 'camera.offline reason' },
  'unsupported-codec': { now: 'unsupported_codec', field: 'camera.offline reason' },
  'not-rtsp': { now: 'not_rtsp', field: 'camera.offline reason' },
  'invalid-data': { now: 'invalid_data', field: 'camera.offline reason' },
  'below-unknown-threshold': { now: 'below_unknown_threshold', field: 'face.unknown reason' },
  'visitor-valid': { now: 'visitor_valid', field: 'access.decision reason' },
  'visitor-not-yet-valid': { now: 'visitor_not_yet_valid', field: 'access.decision reason' },
  'visitor-expired': { now: 'visitor_expired', field: 'access.decision reason' },
  'gate-fault': { now: 'gate_fault', field: 'access.decision reason' },
  'invalid-event': { now: 'invalid_event', field: 'gat1400.rejected reason, gat1400/dead-letters' },
  'fail-safe': { now: 'fail_safe', field: 'gate.command origin' },
  'write-failed': { now: 'write_failed', field: 'gate.command error' },
  // Answers of actions (nothing sends them to the box).
  'embedded-broker': { now: 'embedded_broker', field: 'uplinks/status kind' },
  'city-mqtt': { now: 'city_mqtt', field: 'uplinks/status kind' },
  'sent-flag': { now: 'sent_flag', field: 'uplinks/status delivery.by' },
  'not-reported': { now: 'not_reported', field: 'devices/list position' },
  // Names a device profile defines (its kind, its inputs' kinds, its commands), which `device.*`
  // and `gate.command` carry: a profile file in the old spelling is read in the new one
  // (lib/device-profiles/profiles.ts, with a warning), and so is a `gate/command` request.
  'pedestrian-gate': { now: 'pedestrian_gate', field: PROFILE_FIELDS.deviceKind },
  'alarm-post': { now: 'alarm_post', field: PROFILE_FIELDS.deviceKind },
  'io-board': { now: 'io_board', field: PROFILE_FIELDS.deviceKind },
  'door-contact': { now: 'door_contact', field: PROFILE_FIELDS.inputKind },
  'vehicle-loop': { now: 'vehicle_loop', field: PROFILE_FIELDS.inputKind },
  'fire-alarm': { now: 'fire_alarm', field: PROFILE_FIELDS.inputKind },
  'hold-open': { now: 'hold_open', field: PROFILE_FIELDS.command },
  'siren-on': { now: 'siren_on', field: PROFILE_FIELDS.command },
  'siren-off': { now: 'siren_off', field: PROFILE_FIELDS.command },
  'light-on': { now: 'light_on', field: PROFILE_FIELDS.command },
  'light-off': { now: 'light_off', field: PROFILE_FIELDS.command },
};

/** Values with a number at the end (`exception-2`, a Modbus exception code), old prefix → new. */
export const RENAMED_PREFIXES: Readonly<Record<string, { now: string; field: string }>> = {
  'exception-': { now: 'exception_', field: 'gate.command error' },
};

/**
 * A value of one field in today's spelling: renamed only if the alias table renames it in that
 * field (`field` as RENAMED_VALUES names it), anything else returned as is.
 */
export function currentValueOf(field: string, value: string): string {
  return Object.hasOwn(RENAMED_VALUES, value) && RENAMED_VALUES[value]!.field === field ? RENAMED_VALUES[value]!.now : value;
}

/** An event name in today's spelling (an old name is renamed; anything else is returned as is). */
export function currentEventName(kind: string): string {
  return Object.hasOwn(RENAMED_EVENTS, kind) ? RENAMED_EVENTS[kind]! : kind;
}

/** An enum value in today's spelling (an old value is renamed; anything else is returned as is). */
export function currentValue(value: string): string {
  if (Object.hasOwn(RENAMED_VALUES, value)) return RENAMED_VALUES[value]!.now;
  for (const [old, { now }] of Object.entries(RENAMED_PREFIXES)) {
    if (value.startsWith(old) && /^\d+$/.test(value.slice(old.length))) return now + value.slice(old.length);
  }
  return value;
}
