import type { FrameSource } from './frames/hub.js';
import type { Snapshots } from './snapshots/store.js';

/** In-process events of the cameras room (declaration merging into the bus's event map). */
declare module '../core/events.js' {
  interface GatewayEvents {
    /**
     * The cameras room started. Recognition rooms subscribe to frames here (listen in your
     * room's factory: rooms are all built before any starts). Frames are NOT bus events.
     */
    'cameras.ready': {
      frames: FrameSource;
      snapshots: Snapshots;
      cameraIds: string[];
      /** The URL of a camera's full stream (what live view reads), for rooms that relay video. */
      streamUrl?(cameraId: string): Promise<string> | undefined;
    };
    'camera.online': { cameraId: string; ts: number };
    'camera.offline': { cameraId: string; ts: number; reason: string; message: string };
    /** Motion/tamper reported by the camera itself (ONVIF), debounced. */
    'camera.motion': { cameraId: string; state: boolean; topic?: string };
    'camera.tamper': { cameraId: string; state: boolean; topic?: string };
  }
}

export {};
