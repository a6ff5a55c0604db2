import type { InputKind } from './profile-schema.js';

/**
 * In-process events of the devices room, for the access and alarm logic built on top.
 * `gate.request` goes the other way: any room may ask for a gate command through the bus and
 * watch `gate.command` (same requestId) for the result.
 */
declare module '../core/events.js' {
  interface GatewayEvents {
    'device.online': { deviceId: string; model: string; kind: string };
    'device.offline': { deviceId: string; model: string; reason: string };
    /** A debounced input change. `ts` is epoch ms. */
    'device.input': { deviceId: string; input: string; kind: InputKind; active: boolean; ts: number };
    /** The gate position as the device reports it (open, closed, opening, fault, unknown...). */
    'gate.state': { deviceId: string; state: string; ts: number };
    'gate.request': { deviceId: string; command: GateCommand; arg?: number; origin: string; requestId?: string };
    'gate.command': {
      deviceId: string;
      command: string;
      origin: string;
      ok: boolean;
      error?: string;
      attempts: number;
      ms: number;
      requestId?: string;
    };
    /** An alarm button was pressed (the debounced press, not the release). */
    'alarm.pressed': { deviceId: string; input: string; ts: number };
    'alarm.tamper': { deviceId: string; input: string; active: boolean; ts: number };
    'alarm.fire': { deviceId: string; input: string; active: boolean; egress: string[]; ts: number };
  }
}

export type GateCommand = 'open' | 'close' | 'hold-open' | 'release' | 'pulse';
export const GATE_COMMANDS: readonly GateCommand[] = ['open', 'close', 'hold-open', 'release', 'pulse'];
