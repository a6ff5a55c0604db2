import { z } from 'zod';
import { defineEvents } from '../../core/event-spec.js';

const alarmId = z.string().describe('The alarm (ULID), the same in every event of its life cycle.');
const deviceId = z.string().describe('Alarm post (or device) whose input raised it.');
const kind = z
  .enum(['panic', 'tamper', 'fire', 'fire_fault'])
  .describe(
    'panic: an alarm button; tamper: a housing opened; fire: a fire_alarm input; fire_fault: a fire_alarm input unread or offline (alarm.fire_fault), resolved only when it reads again.',
  );
const severity = z.enum(['normal', 'high']).describe('high for fire alarms, and for any alarm nobody acknowledged in time.');
const raisedAt = z.string().describe('ISO 8601 time the alarm was raised.');
const channel = z.enum(['platform', 'console', 'cli', 'system']).describe('Where the responder acted.');

/** The alarms room's events: the life cycle of every alarm, raised -> acknowledged -> resolved. */
export const alarmEvents = defineEvents({
  'alarm.raised': {
    priority: 'never-dropped',
    published: true,
    schema: z
      .strictObject({
        alarmId,
        deviceId,
        input: z.string(),
        kind,
        severity,
        name: z.string().optional().describe('Device name from the config.'),
        camera: z.string().optional().describe('Linked camera id.'),
        ts: z.string().describe('ISO 8601 time of the press (or the input change).'),
      })
      .describe(
        'An alarm was raised: a post button pressed, a housing opened, a fire contact (never dropped). A held or bouncing button raises one alarm; after it is acknowledged, the next press raises a new one.',
      ),
  },
  'alarm.repeated': {
    priority: 'never-dropped',
    published: true,
    schema: z
      .strictObject({
        alarmId,
        deviceId,
        input: z.string(),
        kind,
        presses: z.number().int().min(2).describe('Presses of this alarm so far, the first included.'),
        raisedAt,
        ts: z.string().describe('ISO 8601 time of this press.'),
      })
      .describe(
        'The same input pressed again while its alarm still waits for a responder: the same alarm, one more press (someone is still calling). Never dropped.',
      ),
  },
  'alarm.snapshot': {
    priority: 'never-dropped',
    published: true,
    schema: z
      .strictObject({
        alarmId,
        deviceId,
        cameraId: z.string().describe('Camera linked to the post.'),
        snapshotId: z.string().nullable().describe('Picture taken right after the press; null when the camera had no frame.'),
        error: z.string().optional().describe('Why there is no picture.'),
        pressedAt: z.string().describe('ISO 8601 time of the press (matches alarm.raised ts).'),
        ms: z.number().min(0).describe('From the press to the picture being stored.'),
      })
      .describe(
        'The picture for an alarm, sent right after the never-dropped alarm.raised so the alarm itself is never delayed by JPEG encoding.',
      ),
  },
  'alarm.escalated': {
    priority: 'never-dropped',
    published: true,
    schema: z
      .strictObject({
        alarmId,
        deviceId,
        kind,
        severity: z.literal('high'),
        raisedAt,
        afterS: z.number().describe('How long it waited without acknowledgement (alarms.escalateAfterS).'),
      })
      .describe("Nobody acknowledged an alarm in time: it is raised again with high severity, and the post's siren and strobe are on."),
  },
  'alarm.acknowledged': {
    priority: 'never-dropped',
    published: true,
    schema: z
      .strictObject({
        alarmId,
        deviceId,
        kind,
        by: z.string().describe('Who acknowledged: the console user, the local CLI user, or "platform".'),
        note: z.string().optional(),
        pressedAt: z.string().describe('ISO 8601 time the alarm was raised (the press).'),
        origin: channel,
      })
      .describe(
        'A responder acknowledged an alarm (never dropped); the post is silenced and a latching button reset (never a fire input: only the input itself ends a fire).',
      ),
  },
  'alarm.resolved': {
    priority: 'never-dropped',
    published: true,
    schema: z
      .strictObject({
        alarmId,
        deviceId,
        kind,
        by: z.string().describe('Who resolved it.'),
        note: z.string().optional().describe('What was found and done.'),
        raisedAt,
        acknowledgedAt: z.string().nullable().describe('When it was acknowledged (null when resolved without a separate acknowledgement).'),
        origin: channel,
      })
      .describe('An alarm was dealt with and closed (never dropped).'),
  },
});
