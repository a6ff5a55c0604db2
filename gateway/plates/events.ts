/** The plates room's in-process events (declaration merging into the bus's event map). */
import type { PlateColour } from './dataset.js';

export interface PlateRecognizedEvent {
  cameraId: string;
  plate: string;
  colour: PlateColour;
  confidence: number;
  /** The known vehicle the plate matched (its registered plate may differ by look-alike glyphs). */
  vehicle: { plate: string; ownerId: string; kind: 'resident' | 'visitor'; validUntil: string | null } | null;
  snapshotId: string | null;
  /** ms since the epoch of the best frame. */
  ts: number;
}

declare module '../core/events.js' {
  interface GatewayEvents {
    /** A tracked vehicle's plate settled (consumed by the access policy). */
    'plate.recognized': PlateRecognizedEvent;
  }
}
