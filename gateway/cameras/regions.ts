/**
 * Where each room looks in a camera's picture: the camera's regions of interest
 * (cameras.list[].regions), or the demo's when the demo cameras run (gateway/demo/profile.ts).
 * Pure.
 */
import type { GatewayConfig } from '../config/schema.js';
import type { CameraRegions } from '../config/sections/cameras.js';
import { DEMO_REGIONS, demoRuns } from '../demo/profile.js';

const WHOLE_FRAME: CameraRegions = { motion: [] };

export function cameraRegions(config: Pick<GatewayConfig, 'cameras'>, cameraId: string): CameraRegions {
  const cam = config.cameras.list.find((c) => c.id === cameraId);
  if (cam) return cam.regions;
  return (demoRuns(config) && DEMO_REGIONS[cameraId]) || WHOLE_FRAME;
}
