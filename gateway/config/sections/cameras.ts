import { z } from 'zod';
import { rect } from './rect.js';

// Owned by the cameras room (gateway/rooms/cameras). See gateway/rooms/cameras/README.md.

const region = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" or "-"')
      .describe('Name of the region, reported with the frames that have motion in it.'),
    gate: z.string().optional().describe('Id of the gate this region watches (the lane in front of it), if any.'),
    rect: rect,
  })
  .describe('A region of interest: only motion inside it lets a frame go on to recognition.');

const motion = z
  .strictObject({
    enabled: z.boolean().default(true).describe('When false every analysed frame goes on to recognition.'),
    pixelThreshold: z
      .number()
      .int()
      .min(1)
      .max(255)
      .default(25)
      .describe('Grey-level difference from the background that counts a pixel as changed.'),
    minAreaRatio: z
      .number()
      .min(0)
      .max(1)
      .default(0.004)
      .describe("Fraction of a region's pixels that must change for the region to have motion."),
    backgroundAlpha: z
      .number()
      .gt(0)
      .max(1)
      .default(0.08)
      .describe('How fast the background adapts to the scene (0..1 per analysed frame).'),
    masks: z
      .array(rect)
      .max(32)
      .default([])
      .describe('Rectangles ignored by the detector (clock overlays, trees, a road outside the gate).'),
  })
  .describe('Cheap motion gate on a small greyscale copy of each analysed frame.');

const regions = z
  .strictObject({
    motion: z
      .array(region)
      .max(16)
      .default([])
      .describe('Where the motion gate looks, one region per gate lane; none means the whole frame.'),
    faces: rect
      .optional()
      .describe(
        'The gate lane where faces are searched; sampled at full resolution, so faces too small in the whole 1080p frame are found. Default: the whole frame.',
      ),
    plates: rect.optional().describe('The part of the frame where plates are searched (the gate lane). Default: the whole frame.'),
  })
  .describe('Regions of interest of this camera, for every room that analyses its frames.');

const onvif = z
  .strictObject({
    address: z.string().min(1).describe('ONVIF device address: host, host:port or http://host:port/onvif/device_service.'),
    username: z.string().default('admin').describe('ONVIF user (WS-UsernameToken).'),
    passwordFile: z.string().optional().describe('File holding the ONVIF password (never inline in the config).'),
    events: z.boolean().default(true).describe("Subscribe to the camera's motion and tamper events (PullPoint)."),
  })
  .describe('Reach the camera through ONVIF: its profiles, stream and snapshot URIs, clock and events are read from it.');

const tls = z
  .strictObject({
    caFile: z
      .string()
      .optional()
      .describe(
        "PEM file of the CA that signed the camera's certificate (or the camera's self-signed certificate): the only one trusted for it. Default: the system's CAs.",
      ),
    serverName: z.string().min(1).optional().describe("The name the camera's certificate carries, when it is not the host in the URL."),
    insecure: z
      .boolean()
      .default(false)
      .describe(
        'Accept any certificate: the video is encrypted, but anyone on the network path can pose as the camera. Only when no CA can be had.',
      ),
  })
  .refine((t) => !(t.insecure && t.caFile), { message: 'give tls.caFile or tls.insecure, not both' })
  .describe("For rtsps:// streams (the URL, or what ONVIF returns): how the camera's TLS certificate is checked.");

export const cameraEntry = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" or "-", at most 64 characters')
      .describe('Camera id used in events and topics.'),
    name: z.string().optional().describe('Human name shown in the console.'),
    enabled: z.boolean().default(true).describe('A disabled camera is kept in the config but not started.'),
    rtsp: z
      .string()
      .regex(/^rtsps?:\/\/\S+$/, 'an rtsp:// URL')
      .optional()
      .describe('Plain RTSP URL of the analysis stream (when the camera is not reached through ONVIF).'),
    username: z.string().optional().describe('RTSP user, when not written in the URL.'),
    passwordFile: z.string().optional().describe('File holding the RTSP password (never inline in the config).'),
    onvif: onvif.optional(),
    tls: tls.optional(),
    motion: motion.prefault({}),
    regions: regions.prefault({}),
    analysis: z
      .strictObject({
        width: z.number().int().min(64).max(3840).multipleOf(2).describe("Width of this camera's analysis frames."),
        height: z.number().int().min(64).max(2160).multipleOf(2).describe("Height of this camera's analysis frames."),
      })
      .optional()
      .describe(
        "This camera's analysis size, over cameras.analysis: a gate camera whose faces are under ~100 px in its picture needs more than 640x360 (a face must be faces.quality.minFacePx tall in the analysed frame; `npm run -s bench -- access`), at more CPU for this camera only.",
      ),
  })
  .refine((c) => Boolean(c.rtsp) !== Boolean(c.onvif), { message: 'give exactly one of rtsp (a URL) or onvif (an address)' })
  .describe('One camera.');

export const camerasSection = z
  .strictObject({
    demo: z
      .boolean()
      .default(true)
      .describe(
        'When no camera is configured, run the demo: cameras demo-door and demo-lane on a local GStreamer RTSP server, playing the scenes `npm run demo-assets` assembled (a test pattern until then), faces searched on demo-door and plates read on demo-lane (unless faces.cameras / plates say otherwise), and the demo resident and car enrolled at the first start.',
      ),
    analysis: z
      .strictObject({
        width: z.number().int().min(64).max(3840).multipleOf(2).default(640).describe('Width of the frames handed to recognition.'),
        height: z.number().int().min(64).max(2160).multipleOf(2).default(360).describe('Height of the frames handed to recognition.'),
        fps: z.number().min(0.2).max(30).default(5).describe('Frames per second decoded for analysis (ffmpeg drops the rest).'),
        threads: z.number().int().min(1).max(8).default(1).describe('Decoder threads per camera; 1 scales best across many cameras.'),
      })
      .prefault({})
      .describe('The frames the cameras room decodes for motion gating and recognition.'),
    stallTimeoutS: z
      .number()
      .min(1)
      .max(300)
      .default(10)
      .describe('A camera with no frame for this long is declared offline and its ffmpeg restarted.'),
    connectTimeoutS: z
      .number()
      .min(1)
      .max(300)
      .default(20)
      .describe(
        'After (re)starting ffmpeg, the first frame may take this long (RTSP set-up, waiting for a keyframe) before the camera is declared offline.',
      ),
    restartMinMs: z.number().int().min(50).default(500).describe('First restart delay after ffmpeg exits; doubles up to restartMaxMs.'),
    restartMaxMs: z.number().int().min(100).default(2000).describe('Longest restart delay.'),
    clockSkewWarnS: z.number().min(0).default(5).describe("Warn when an ONVIF camera's clock differs from the box's by more than this."),
    motionHoldS: z
      .number()
      .min(0.5)
      .max(600)
      .default(10)
      .describe('ONVIF motion without a "stopped" message is considered over after this long.'),
    snapshots: z
      .strictObject({
        dir: z.string().default('snapshots').describe('Folder of JPEG snapshots, relative to node.dataDir.'),
        maxMb: z
          .number()
          .min(0.01)
          .max(1_000_000)
          .default(1024)
          .describe(
            'Disk the snapshots may take (MB); the oldest are deleted beyond it. Pictures of people are personal information: keep no more than needed.',
          ),
        maxAgeHours: z.number().min(0.01).default(72).describe('Snapshots older than this are deleted.'),
        quality: z.number().int().min(10).max(100).default(80).describe('JPEG quality.'),
      })
      .prefault({})
      .describe('Scene and crop snapshots attached to events by id.'),
    liveView: z
      .strictObject({
        enabled: z
          .boolean()
          .default(true)
          .describe('Serve MPEG-1 live view (JSMpeg) to logged-in console users, at ws(s)://<console>/api/live/<cameraId>.'),
        maxRelays: z.number().int().min(1).max(16).default(2).describe('Cameras relayed at once (each relay is an ffmpeg transcoder).'),
        maxViewersPerCamera: z.number().int().min(1).max(64).default(4).describe('Viewers of one camera at once.'),
        maxViewers: z.number().int().min(1).max(256).default(8).describe('Live viewers of all cameras at once.'),
        width: z.number().int().min(64).max(1920).multipleOf(2).default(640).describe('Live view width.'),
        height: z.number().int().min(64).max(1080).multipleOf(2).default(360).describe('Live view height.'),
        idleStopS: z.number().min(0).max(600).default(5).describe('A relay stops this long after its last viewer leaves.'),
      })
      .prefault({})
      .describe('Live view relay for browsers.'),
    list: z.array(cameraEntry).max(64).default([]).describe('The cameras.'),
  })
  .prefault({})
  .describe('Cameras: ONVIF devices or plain RTSP URLs.');

export type CamerasConfig = z.output<typeof camerasSection>;
export type CameraConfig = z.output<typeof cameraEntry>;
export type MotionConfig = z.output<typeof motion>;
export type CameraRegions = z.output<typeof regions>;
export type MotionRegion = z.output<typeof region>;
export type { Rect } from './rect.js';

/** The cameras the gateway runs when none is configured (cameras.demo; gateway/rooms/demo). */
export const DEMO_DOOR_CAMERA = 'demo-door';
export const DEMO_LANE_CAMERA = 'demo-lane';

/** Ids of the cameras a config runs or names (the demo cameras when the list is empty). */
export function cameraIdsOf(cfg: CamerasConfig): string[] {
  if (cfg.list.length === 0) return cfg.demo ? [DEMO_DOOR_CAMERA, DEMO_LANE_CAMERA] : [];
  return cfg.list.map((c) => c.id);
}
