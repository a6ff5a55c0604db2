import { z } from 'zod';
import { defineEvents } from '../../core/event-spec.js';

const cameraId = z.string().describe('Camera id from the config.');

/** The cameras room's events: camera health and what cameras report themselves (ONVIF). */
export const cameraEvents = defineEvents({
  'camera.online': {
    priority: 'normal',
    published: true,
    schema: z
      .strictObject({
        cameraId,
        since: z.string().describe('ISO 8601 time of the first frame.'),
        offlineForS: z.number().nullable().describe('How long it had been offline, or null on the first connection.'),
      })
      .describe('Frames flow from a camera again.'),
  },
  'camera.offline': {
    priority: 'normal',
    published: true,
    schema: z
      .strictObject({
        cameraId,
        reason: z
          .enum([
            'refused',
            'unauthorized',
            'not_found',
            'timeout',
            'unsupported_codec',
            'not_rtsp',
            'unreachable',
            'invalid_data',
            'exited',
            'stalled',
            'onvif',
          ])
          .describe('Why: refused, unauthorized, timeout, stalled (no frame for stallTimeoutS), unsupported_codec, ...'),
        message: z.string().describe('One readable line.'),
      })
      .describe('A camera stopped delivering frames; the gateway keeps retrying with backoff.'),
  },
  'camera.motion': {
    priority: 'compactable',
    published: true,
    schema: z
      .strictObject({
        cameraId,
        state: z.boolean().describe('true when motion starts, false when it ends (or the hold time passed without a "stopped" message).'),
        source: z.enum(['onvif']).describe('Who detected it.'),
        topic: z.string().optional().describe('ONVIF event topic.'),
      })
      .describe('Motion reported by the camera itself (ONVIF PullPoint), debounced.'),
  },
  'camera.tamper': {
    priority: 'normal',
    published: true,
    schema: z
      .strictObject({ cameraId, state: z.boolean(), topic: z.string().optional() })
      .describe('The camera reports tampering (covered, moved, defocused).'),
  },
  'camera.clock_skew': {
    priority: 'normal',
    published: true,
    schema: z
      .strictObject({ cameraId, skewS: z.number().describe('Camera clock minus the box clock, in seconds.') })
      .describe("An ONVIF camera's clock differs from the box's by more than cameras.clockSkewWarnS."),
  },
});
