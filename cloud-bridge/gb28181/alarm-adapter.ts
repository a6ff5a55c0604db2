/**
 * The one place that knows which bus event means "an alarm post was pressed". The devices room
 * emits `alarm.pressed` today (its outbox record is `alarm.raised`); when the event catalogue
 * unifies the names, only this file changes.
 */
import type { EventBus } from '../../gateway/core/bus.js';
import '../../gateway/devices/events.js';

export interface AlarmPress {
  deviceId: string;
  input: string;
  ts: number;
}

export function onAlarmRaised(bus: EventBus, listener: (e: AlarmPress) => void | Promise<void>): () => void {
  return bus.on('alarm.pressed', (e) => listener({ deviceId: e.deviceId, input: e.input, ts: e.ts }));
}
