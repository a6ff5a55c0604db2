/**
 * The demo profile: what the embedded defaults add when the gateway runs its demo (no camera
 * configured and `cameras.demo` on). The schema's own defaults stay those of a real install
 * (plates off, faces on every camera); only when the demo runs, and only for the settings the
 * config does not give, faces are searched on the door camera and plates read on the lane
 * camera, in the lower half of its picture where a car's plate is close enough to be read well
 * (like a real install's lane region; it also halves the detector's work). The controller
 * applies it to the loaded config; the loader and rooms built in tests keep the schema's
 * defaults. Pure.
 */
import type { GatewayConfig } from '../config/schema.js';
import { DEMO_DOOR_CAMERA, DEMO_LANE_CAMERA } from './cast.js';

/** Where plates are read on the demo lane: [x, y, w, h] fractions, the lane before the barrier. */
export const DEMO_LANE_ROI: [number, number, number, number] = [0.15, 0.5, 0.7, 0.5];

/** True when the cameras room will start the demo cameras. */
export function demoRuns(config: Pick<GatewayConfig, 'cameras'>): boolean {
  return config.cameras.demo && config.cameras.list.length === 0;
}

function given(raw: unknown, ...path: string[]): boolean {
  let node = raw;
  for (const key of path) {
    if (!node || typeof node !== 'object' || !(key in node)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return node !== undefined;
}

/**
 * The config with the demo's settings filled in where the raw document (after environment
 * overrides) leaves them to the defaults; unchanged when the demo does not run.
 */
export function applyDemoProfile(config: GatewayConfig, raw: unknown): GatewayConfig {
  if (!demoRuns(config)) return config;
  const faces = given(raw, 'faces', 'cameras') ? config.faces : { ...config.faces, cameras: [{ id: DEMO_DOOR_CAMERA }] };
  const plates = {
    ...config.plates,
    ...(given(raw, 'plates', 'enabled') ? {} : { enabled: true }),
    ...(given(raw, 'plates', 'cameras') ? {} : { cameras: [DEMO_LANE_CAMERA] }),
    ...(given(raw, 'plates', 'roi') ? {} : { roi: { [DEMO_LANE_CAMERA]: DEMO_LANE_ROI } }),
  };
  return { ...config, faces, plates };
}
