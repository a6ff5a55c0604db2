import { z } from 'zod';
import { defineEvents } from '../core/event-spec.js';

/** The alarms room's events: the picture of a press, and its acknowledgement. */
export const alarmEvents = defineEvents({
  'alarm.snapshot': {
    priority: 'never-dropped',
    published: true,
    schema: z
      .strictObject({
        deviceId: z.string().describe('Alarm post that was pressed.'),
        cameraId: z.string().describe('Camera linked to the post.'),
        snapshotId: z.string().nullable().describe('Picture taken right after the press; null when the camera had no frame.'),
        error: z.string().optional().describe('Why there is no picture.'),
        pressedAt: z.string().describe('ISO 8601 time of the press (matches alarm.raised ts).'),
        ms: z.number().min(0).describe('From the press to the picture being stored.'),
      })
      .describe(
        'The picture for an alarm press, sent right after the never-dropped alarm.raised so the alarm itself is never delayed by JPEG encoding.',
      ),
  },
  'alarm.acknowledged': {
    priority: 'never-dropped',
    published: true,
    schema: z
      .strictObject({
        deviceId: z.string(),
        by: z.string().describe('Responder who acknowledged.'),
        note: z.string().optional(),
        pressedAt: z.string().describe('ISO 8601 time of the press being acknowledged.'),
        origin: z.string().describe('platform, console or cli.'),
      })
      .describe('A responder acknowledged an alarm (never dropped); the post is silenced.'),
  },
});
