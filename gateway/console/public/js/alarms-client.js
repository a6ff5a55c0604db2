// The alarm contract, in one place. The gateway's alarms room is moving from
//   alarm/list -> {open: [{deviceId, pressedAt}]}, alarm/ack {deviceId, note?}
// to
//   alarm/list -> {alarms: [{alarmId, deviceId, kind, state, severity, raisedAt, acknowledgedAt?, ...}]},
//   alarm/ack {alarmId, note?}, alarm/resolve {alarmId, note?}.
// Pages use the new shape; this module adapts the old answers until every gateway has the new one.
import { action, getJson } from './api.js';
import { hasAction } from './session.js';

let legacy = false;

/** Alarms in the new shape (open ones; with all, recently resolved too). */
export async function listAlarms(all = false) {
  let data;
  try {
    data = await action('alarm/list', all && !legacy ? { all: true } : {});
  } catch (err) {
    if (!all || err.code !== 'invalid_input') throw err;
    data = await action('alarm/list', {}); // a gateway without {all} (the older contract)
  }
  if (Array.isArray(data.alarms)) {
    legacy = false;
    return data.alarms;
  }
  legacy = true;
  const snaps = await pictures();
  return (data.open || []).map((a) => ({
    alarmId: a.deviceId,
    deviceId: a.deviceId,
    kind: 'panic',
    state: 'raised',
    severity: 'high',
    raisedAt: a.pressedAt,
    snapshotId: snaps.get(`${a.deviceId}@${a.pressedAt}`) ?? snaps.get(a.deviceId),
  }));
}

/** Old gateways send the alarm's picture as a separate alarm.snapshot event. */
async function pictures() {
  const { events } = await getJson('/api/events?kind=alarm.snapshot&limit=50');
  const out = new Map();
  for (const e of events.reverse()) {
    if (!e.data.snapshotId) continue;
    out.set(`${e.data.deviceId}@${e.data.pressedAt}`, e.data.snapshotId);
    out.set(e.data.deviceId, e.data.snapshotId);
  }
  return out;
}

export function acknowledge(alarm, note) {
  const n = note ? { note } : {};
  return action('alarm/ack', legacy ? { deviceId: alarm.deviceId, ...n } : { alarmId: alarm.alarmId, ...n });
}

export function canResolve() {
  return !legacy && hasAction('alarm/resolve');
}

export function resolve(alarm, note) {
  return action('alarm/resolve', { alarmId: alarm.alarmId, ...(note ? { note } : {}) });
}
