import type { ProfileResource, RawValue } from '../../lib/device-profiles/profile-schema.js';

/**
 * The shared layer between raw wire values and engineering values (as EdgeX resources):
 * scale/offset, enum mappings and bounds live here, so drivers only move raw integers.
 */
export type Value = number | string | boolean;

export class ResourceRangeError extends Error {}

/** Raw integer from the wire -> engineering value. */
export function rawToValue(r: ProfileResource, raw: number): Value {
  switch (r.type) {
    case 'bool':
      return raw !== 0;
    case 'enum':
      return r.map?.[String(raw)] ?? `unknown-${raw}`;
    default:
      return raw * r.scale + r.offset;
  }
}

/** True when a reported numeric value is outside the resource's declared range. */
export function outOfRange(r: ProfileResource, v: Value): boolean {
  if (typeof v !== 'number') return false;
  return (r.min !== undefined && v < r.min) || (r.max !== undefined && v > r.max);
}

/** Engineering value (number, label, boolean) -> raw integer for the wire. Throws when out of bounds. */
export function valueToRaw(r: ProfileResource, v: RawValue, name = 'value'): number {
  switch (r.type) {
    case 'bool':
      if (v === true || v === 1 || v === 'on' || v === 'true') return 1;
      if (v === false || v === 0 || v === 'off' || v === 'false') return 0;
      throw new ResourceRangeError(`${name}: ${JSON.stringify(v)} is not a boolean`);
    case 'enum': {
      if (typeof v === 'number' && r.map && String(v) in r.map) return v;
      const hit = Object.entries(r.map ?? {}).find(([, label]) => label === v);
      if (!hit) throw new ResourceRangeError(`${name}: ${JSON.stringify(v)} is not one of ${Object.values(r.map ?? {}).join(', ')}`);
      return Number(hit[0]);
    }
    default: {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new ResourceRangeError(`${name}: ${JSON.stringify(v)} is not a number`);
      if (outOfRange(r, v)) throw new ResourceRangeError(`${name}: ${v} is outside ${r.min}..${r.max}${r.units ? ` ${r.units}` : ''}`);
      return Math.round((v - r.offset) / r.scale);
    }
  }
}

/** Normalises an engineering value as written in a profile (1 for true, raw number for a label). */
export function normalise(r: ProfileResource, v: RawValue): Value {
  if (r.type === 'bool' || r.type === 'enum') return rawToValue(r, valueToRaw(r, v));
  return v;
}

export function sameValue(r: ProfileResource, a: RawValue, b: RawValue): boolean {
  try {
    return normalise(r, a) === normalise(r, b);
  } catch {
    return false;
  }
}
