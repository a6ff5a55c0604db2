// The alarm actions of the gateway's alarms room (gateway/rooms/alarms), in one place:
//   alarm/list {all?} -> {alarms: [{alarmId, deviceId, deviceName?, kind, state, severity, raisedAt,
//                                   acknowledgedAt?, acknowledgedBy?, resolvedAt?, resolvedBy?, note?, snapshotId?}]}
//   alarm/ack {alarmId, note?}, alarm/resolve {alarmId, note?} (role operator; the action table refuses a viewer).
import { action } from './api.js';

/** Open alarms (raised or acknowledged), oldest first; with all, those resolved in the last 24 hours too. */
export async function listAlarms(all = false) {
  const data = await action('alarm/list', all ? { all: true } : {});
  return data.alarms;
}

export function acknowledge(alarm, note) {
  return action('alarm/ack', { alarmId: alarm.alarmId, ...(note ? { note } : {}) });
}

export function resolve(alarm, note) {
  return action('alarm/resolve', { alarmId: alarm.alarmId, ...(note ? { note } : {}) });
}
