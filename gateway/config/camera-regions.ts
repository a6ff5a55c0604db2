/**
 * Where each room looks in a configured camera's picture: its regions of interest
 * (cameras.list[].regions), or the whole frame. The cameras room adds those of the cameras other
 * rooms bring (CamerasRoom.regionsOf, the demo's). Pure.
 */
import type { GatewayConfig } from './schema.js';
import type { CameraRegions } from './sections/cameras.js';

export const WHOLE_FRAME: CameraRegions = { motion: [] };

export function cameraRegions(config: Pick<GatewayConfig, 'cameras'>, cameraId: string): CameraRegions {
  return config.cameras.list.find((c) => c.id === cameraId)?.regions ?? WHOLE_FRAME;
}
