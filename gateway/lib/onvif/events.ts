/** ONVIF event messages → motion / tamper signals, and their debouncing. Pure. */
export interface OnvifSignal {
  kind: 'motion' | 'tamper';
  state: boolean;
  topic: string;
}

const MOTION = /MotionAlarm|CellMotionDetector|MotionRegionDetector|\/Motion$/i;
const TAMPER = /Tamper|GlobalSceneChange|ImageTooBlurry|ImageTooDark|ImageTooBright/i;
const VALUE_NAMES = /^(IsMotion|State|IsTamper|Value|IsInside)$/i;

/** Reads a notification message as the onvif package delivers it (linerased XML). */
export function signalFromMessage(msg: unknown): OnvifSignal | undefined {
  if (!msg || typeof msg !== 'object') return undefined;
  const m = msg as Record<string, unknown>;
  const t = m.topic as unknown;
  const topic =
    typeof t === 'string'
      ? t
      : t && typeof t === 'object' && typeof (t as Record<string, unknown>)._ === 'string'
        ? ((t as Record<string, unknown>)._ as string)
        : undefined;
  if (!topic) return undefined;
  const kind = MOTION.test(topic) ? 'motion' : TAMPER.test(topic) ? 'tamper' : undefined;
  if (!kind) return undefined;
  const inner = ((m.message as Record<string, unknown> | undefined)?.message ?? {}) as Record<string, unknown>;
  const data = (inner.data ?? {}) as Record<string, unknown>;
  const items = ([] as unknown[]).concat(data.simpleItem ?? []);
  for (const it of items) {
    const attrs = (it as Record<string, unknown>)?.$ as Record<string, unknown> | undefined;
    if (!attrs || typeof attrs.Name !== 'string' || !VALUE_NAMES.test(attrs.Name)) continue;
    const v = String(attrs.Value).toLowerCase();
    if (v === 'true' || v === '1') return { kind, state: true, topic };
    if (v === 'false' || v === '0') return { kind, state: false, topic };
  }
  return undefined;
}

/**
 * Cameras do not always send "motion stopped": a started signal ends on an explicit false,
 * or `holdMs` after the last true. Returns the transitions to report.
 */
export class SignalDebouncer {
  private active = false;
  private lastTrue = 0;

  constructor(private readonly holdMs: number) {}

  get state(): boolean {
    return this.active;
  }

  input(state: boolean, now: number): 'start' | 'stop' | null {
    if (state) {
      this.lastTrue = now;
      if (this.active) return null;
      this.active = true;
      return 'start';
    }
    if (!this.active) return null;
    this.active = false;
    return 'stop';
  }

  tick(now: number): 'stop' | null {
    if (this.active && now - this.lastTrue >= this.holdMs) {
      this.active = false;
      return 'stop';
    }
    return null;
  }
}

/** Camera clock minus box clock, seconds, rounded to 0.1. */
export function clockSkewS(cameraTime: Date, boxTimeMs: number): number {
  return Math.round((cameraTime.getTime() - boxTimeMs) / 100) / 10;
}
