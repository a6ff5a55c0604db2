/**
 * The demo profile: what the embedded defaults add when the gateway runs its demo (no camera
 * configured and `cameras.demo` on). The schema's own defaults stay those of a real install
 * (plates off, faces on every camera); only when the demo runs, and only for the settings the
 * config does not give, faces are searched on the door camera and plates read on the lane
 * camera. The controller applies it to the loaded config; the loader and rooms built in tests
 * keep the schema's defaults. The demo cameras' settings (DEMO_CAMERAS, which the demo room hands
 * the cameras room) stand for the cameras.list[] entries they do not have: their motion gating,
 * and their regions of interest: plates are read in the lower half of the lane
 * camera's picture, where a car's plate is close enough to be read well (like a real install's
 * lane region; it also halves the detector's work). Pure.
 */
import type { GatewayConfig } from '../../config/schema.js';
import type { MotionConfig } from '../../config/sections/cameras.js';
import type { FedCamera } from '../cameras/services.js';
import { DEMO_DOOR_CAMERA, DEMO_LANE_CAMERA } from './cast.js';

/** Where plates are read on the demo lane: [x, y, w, h] fractions, the lane before the barrier. */
export const DEMO_LANE_ROI: [number, number, number, number] = [0.15, 0.5, 0.7, 0.5];

/**
 * Motion gating of the demo cameras, tuned for the assembled scenes: a walker or a car at the
 * scenes' distance passes, the loop's encoder noise does not.
 */
export const DEMO_MOTION: MotionConfig = { enabled: true, pixelThreshold: 25, minAreaRatio: 0.004, backgroundAlpha: 0.08, masks: [] };

/** The demo cameras as the cameras room runs them (their settings and regions of interest). */
export const DEMO_CAMERAS: readonly FedCamera[] = [
  { id: DEMO_DOOR_CAMERA, motion: DEMO_MOTION, regions: { motion: [] } },
  { id: DEMO_LANE_CAMERA, motion: DEMO_MOTION, regions: { motion: [], plates: DEMO_LANE_ROI } },
];

/** True when the demo runs: the demo room brings its cameras, and no camera is configured. */
export function demoRuns(config: Pick<GatewayConfig, 'cameras'>): boolean {
  return config.cameras.demo && config.cameras.list.length === 0;
}

/** The cameras the demo room brings this run: the demo cameras when the demo runs, else none. */
export function demoCameras(config: Pick<GatewayConfig, 'cameras'>): readonly FedCamera[] {
  return demoRuns(config) ? DEMO_CAMERAS : [];
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
  const faces = given(raw, 'faces', 'cameras') ? config.faces : { ...config.faces, cameras: [DEMO_DOOR_CAMERA] };
  const plates = {
    ...config.plates,
    ...(given(raw, 'plates', 'enabled') ? {} : { enabled: true }),
    ...(given(raw, 'plates', 'cameras') ? {} : { cameras: [DEMO_LANE_CAMERA] }),
  };
  return { ...config, faces, plates };
}
