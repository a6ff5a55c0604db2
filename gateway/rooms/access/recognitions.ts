/**
 * Turns the recognition rooms' events into the policy's Recognition. Pure mapping.
 */
import type { GatewayEvents } from '../../events.js';
import type { Recognition } from './policy.js';

export function fromFace(e: GatewayEvents['face.recognized'] | GatewayEvents['face.unknown'], ts: Date): Recognition {
  const resident = 'residentId' in e;
  return {
    via: 'face',
    cameraId: e.cameraId,
    subject: !resident
      ? { kind: 'unknown' }
      : e.kind === 'visitor'
        ? { kind: 'visitor', id: e.residentId, name: e.name, validFrom: e.validFrom, validUntil: e.validUntil }
        : { kind: 'resident', id: e.residentId, name: e.name },
    confidence: Math.max(0, Math.min(1, e.similarity)),
    label: resident ? e.name : `stranger#${e.trackId}`,
    frames: e.frames,
    ts,
  };
}

export function fromPlate(e: GatewayEvents['plate.recognized']): Recognition {
  const v = e.vehicle;
  return {
    via: 'plate',
    cameraId: e.cameraId,
    subject: !v
      ? { kind: 'unknown' }
      : v.kind === 'resident'
        ? { kind: 'resident', id: v.ownerId, name: e.plate }
        : { kind: 'visitor', id: v.ownerId, name: e.plate, validUntil: v.validUntil },
    confidence: Math.max(0, Math.min(1, e.confidence)),
    label: e.plate,
    plates: v ? [e.plate, v.plate] : [e.plate],
    ts: new Date(e.at),
  };
}
