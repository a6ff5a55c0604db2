/**
 * The one place that knows which gateway event means an alarm for the platform: every
 * alarm.raised (a post's button, a tamper input, a fire contact).
 */
import type { Scope } from '../../gateway/core/room.js';

export interface AlarmPress {
  deviceId: string;
  input: string;
  kind: string;
  /** ms since the epoch */
  ts: number;
}

export function onAlarmRaised(scope: Scope, listener: (e: AlarmPress) => void | Promise<void>): void {
  scope.on('alarm.raised', (e) => listener({ deviceId: e.deviceId, input: e.input, kind: e.kind, ts: Date.parse(e.ts) }));
}
