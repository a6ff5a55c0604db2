/**
 * The demo cameras: one local GStreamer RTSP server playing the two assembled scenes in a loop
 * (pre-encoded, nothing re-encoded at run time), or, when they have not been assembled, a test
 * pattern on both cameras with a log line that says how to assemble them.
 */
import type { GatewayConfig } from '../../config/schema.js';
import type { Logger } from '../../core/logger.js';
import type { Scope } from '../../core/room.js';
import type { CameraFeeds, FedCamera } from '../cameras/services.js';
import { demoCameras } from './profile.js';
import { startRtspServer, type RtspServer } from '../../lib/rtsp-server/rtsp-server.js';
import { ASSEMBLE_HINT, checkDemoAssets, demoDir } from './assets.js';
import { DEMO_DOOR_CAMERA, DEMO_LANE_CAMERA } from './cast.js';

export interface DemoCameras {
  server: RtspServer;
  cameras: Array<{ id: string; url: string }>;
  /** True when the assembled scenes play; false for the test pattern. */
  scenes: boolean;
  /** For the start-up banner. */
  describe(): string;
}

export async function startDemoCameras(opts: { width: number; height: number; log: Logger; dir?: string }): Promise<DemoCameras> {
  const check = checkDemoAssets(opts.dir ?? demoDir());
  if (check.ok) {
    const { assets } = check;
    const server = await startRtspServer({
      loops: {
        [`/${DEMO_DOOR_CAMERA}`]: { file: assets.door, fps: assets.manifest.scenes.door.fps },
        [`/${DEMO_LANE_CAMERA}`]: { file: assets.lane, fps: assets.manifest.scenes.lane.fps },
      },
    });
    const cameras = [DEMO_DOOR_CAMERA, DEMO_LANE_CAMERA].map((id) => ({ id, url: server.url(`/${id}`) }));
    opts.log.info({ cameras, pid: server.pid, dir: assets.dir }, 'no camera configured: the demo cameras play the assembled scenes');
    return {
      server,
      cameras,
      scenes: true,
      describe: () => `demo scenes on ${server.url('/')}{${cameras.map((c) => c.id).join(',')}}`,
    };
  }
  const server = await startRtspServer({ patterns: { '/demo': `${opts.width}x${opts.height}@10` } });
  const url = server.url('/demo');
  opts.log.warn(
    { reason: check.reason, url, pid: server.pid },
    `no camera configured, and the demo scenes are not assembled (${check.reason}): the demo cameras show a test pattern; ${ASSEMBLE_HINT}`,
  );
  return {
    server,
    cameras: [DEMO_DOOR_CAMERA, DEMO_LANE_CAMERA].map((id) => ({ id, url })),
    scenes: false,
    describe: () => `test pattern on ${url}: demo scenes not assembled, ${ASSEMBLE_HINT}`,
  };
}

/**
 * The demo cameras as the cameras room sees them (CameraFeeds): their settings from the start,
 * their stream once the demo room has played them. Built by the controller, which hands it to
 * both rooms (the cameras room is built before the demo room, whose services come later);
 * the demo room plays them in its scope, so they stop with it.
 */
export class DemoCameraFeeds implements CameraFeeds {
  private playing: DemoCameras | undefined;

  constructor(private readonly config: Pick<GatewayConfig, 'cameras'>) {}

  cameras(): readonly FedCamera[] {
    return demoCameras(this.config);
  }

  url(cameraId: string): string | undefined {
    return this.playing?.cameras.find((c) => c.id === cameraId)?.url;
  }

  describe(): string {
    return this.playing?.describe() ?? 'demo cameras not playing';
  }

  /** Starts the demo RTSP server (the scenes, or the test pattern); it stops when `scope` closes. */
  async play(scope: Scope, log: Logger): Promise<void> {
    const { analysis } = this.config.cameras;
    const playing = await startDemoCameras({ width: analysis.width, height: analysis.height, log });
    this.playing = playing;
    scope.add(async () => {
      this.playing = undefined;
      await playing.server.stop();
    });
  }
}
