/**
 * The typed services rooms offer each other (and the uplinks), implemented by the room named on
 * each and handed over by the controller: a room that uses one imports it from here, never the
 * room that provides it. Types only; they may name the shared libraries' types.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { CommandName, DeviceProfile } from '../lib/device-profiles/profile-schema.js';
import type { SavedSnapshot } from '../lib/snapshots/store.js';
import type { PictureSource } from '../lib/stream/decoder-feed.js';

/** The outcome of one command on a device (DevicesRoom's session). */
export interface CommandResult {
  ok: boolean;
  attempts: number;
  /** timeout | refused | offline | exception_N | write_failed */
  error?: string;
  reply?: Record<string, number>;
}

/** What other rooms may ask of gates and posts (access opens gates, alarms switch the strobe). DevicesRoom. */
export interface GateControl {
  run(deviceId: string, command: CommandName, opts: { origin: string; arg?: number; requestId?: string }): Promise<GateResult>;
}

export type GateResult = CommandResult & { ms: number; refused?: string; note?: string };

/** What other rooms may know of a configured device (the alarms room: which inputs are alarm buttons). */
export interface DeviceInfo {
  id: string;
  name: string | undefined;
  /** The profile's display name (zh, en), for where the config gives no name. */
  displayName?: DeviceProfile['displayName'];
  kind: DeviceProfile['kind'];
  model: string;
  camera: string | undefined;
  /** The command that resets a latching input, by input name. */
  resetOf: Record<string, CommandName | undefined>;
}

/** DevicesRoom. */
export interface DeviceDirectory {
  info(deviceId: string): DeviceInfo | undefined;
}

/** The fire inputs' states (the alarms room: whether a fire input fault still stands). DevicesRoom. */
export interface FireInputs {
  /** As the fail-safe policy has it (unknown: unread since start, or offline); undefined if not a configured fire input. */
  fireInput(deviceId: string, input: string): 'active' | 'clear' | 'unknown' | undefined;
}

/** What other rooms may ask of the cameras room (CamerasRoom): a picture of a camera now. */
export interface CameraSnapshots {
  /** Saves the newest analysed frame of a camera as a snapshot (fast). */
  latestSnapshot(cameraId: string): Promise<SavedSnapshot>;
}

/** The cameras that run, and a camera's full stream (for rooms that relay video). CamerasRoom. */
export interface CameraStreams {
  /** Ids of the cameras that run (known once the cameras room started). */
  cameraIds(): string[];
  /**
   * A camera's full stream as pictures from its one shared RTSP session (the GOP cache first), or
   * undefined: relaying rooms (GB/T 28181) use this and never open a session of their own.
   */
  pictures(cameraId: string): PictureSource | undefined;
}

/** What the console asks of the cameras room (CamerasRoom): thumbnails and live view (for users it has authenticated). */
export interface CameraViews {
  /** The newest analysed frame of a camera as JPEG, not stored (thumbnails). */
  latestJpeg(cameraId: string, quality?: number): Promise<Buffer>;
  /** Live view, or undefined when disabled (cameras.liveView.enabled: false). */
  liveView(): LiveViews | undefined;
}

/** Live view as the console uses it (the cameras room's LiveView). */
export interface LiveViews {
  readonly viewers: number;
  /** Takes an upgraded request's socket for a camera's picture, or says why not (HTTP status and message). */
  accept(cameraId: string, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<WebSocket | { status: 404 | 503; message: string }>;
}
