/**
 * Cameras another room brings (the demo room's, on its own RTSP server): the cameras room runs
 * them like configured ones. A typed service the controller hands the cameras room; the room
 * that brings them owns their server and their settings.
 */
import type { CameraRegions, MotionConfig } from '../../config/sections/cameras.js';

/** A brought camera's settings, known before the room that brings it has started. */
export interface FedCamera {
  id: string;
  motion: MotionConfig;
  regions: CameraRegions;
}

export interface CameraFeeds {
  /** The cameras it brings (none when it brings none this run). */
  cameras(): readonly FedCamera[];
  /** Where to read a camera's stream, once the room that brings it has started. */
  url(cameraId: string): string | undefined;
  /** What plays, for the start-up banner. */
  describe(): string;
}

/** Where each room looks in a camera's picture (recognition rooms ask the cameras room). */
export interface CameraRegionsOf {
  regionsOf(cameraId: string): CameraRegions;
}
