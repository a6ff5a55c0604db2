import { z } from 'zod';
import type { GatewayContext } from '../core/context.js';
import type { Room } from '../core/room.js';
import { ActionError } from '../core/actions.js';
import { componentLogger } from '../core/logger.js';

/**
 * Alarm follow-up. The devices room records the never-dropped alarm.raised the instant a post's
 * button is pressed; this room then (1) lights the post's strobe so the caller sees the press
 * was received, (2) takes a picture from the post's linked camera and records alarm.snapshot,
 * and (3) lets a responder acknowledge the alarm (alarm/ack), which silences the post.
 */
export function createAlarmsRoom(ctx: GatewayContext): Room {
  const log = componentLogger(ctx.log, 'alarms');
  const cameraOf = new Map(ctx.loaded.config.devices.filter((d) => d.camera).map((d) => [d.id, d.camera as string]));
  const open = new Map<string, string>(); // deviceId -> pressedAt of the unacknowledged alarm
  const offs: Array<() => void> = [];
  const origin = { origin: 'alarms', transaction: 'alarms' };

  const output = (deviceId: string, command: 'light-on' | 'light-off' | 'siren-off') =>
    ctx.actions
      .call('gate/command', { gateId: deviceId, command }, origin)
      .catch((err: unknown) => log.warn({ deviceId, command, err: (err as Error).message }, 'alarm post output not switched'));

  const picture = async (deviceId: string, pressedMs: number) => {
    const cameraId = cameraOf.get(deviceId);
    if (!cameraId) return;
    let snapshotId: string | null = null;
    let error: string | undefined;
    try {
      const saved = (await ctx.actions.call('cameras/snapshot', { cameraId }, origin)) as { id: string };
      snapshotId = saved.id;
    } catch (err) {
      error = (err as Error).message;
    }
    const ms = Math.max(0, Date.now() - pressedMs);
    ctx.db.transaction(() =>
      ctx.outbox.append('alarm.snapshot', {
        deviceId,
        cameraId,
        snapshotId,
        ...(error ? { error } : {}),
        pressedAt: new Date(pressedMs).toISOString(),
        ms,
      }),
    );
    if (error) log.warn({ deviceId, cameraId, error }, 'no picture for the alarm');
  };

  offs.push(
    ctx.bus.on('alarm.pressed', async (e) => {
      open.set(e.deviceId, new Date(e.ts).toISOString());
      await Promise.all([picture(e.deviceId, e.ts), output(e.deviceId, 'light-on')]);
    }),
  );

  ctx.actions.register('alarm/ack', {
    description: "A responder acknowledges the alarm of a post: recorded as alarm.acknowledged, the post's strobe and siren go off.",
    input: z.strictObject({
      deviceId: z.string().min(1),
      by: z.string().min(1).max(64).describe('Responder name or id.'),
      note: z.string().max(500).optional(),
    }),
    handle: async ({ deviceId, by, note }, actx) => {
      const pressedAt = open.get(deviceId);
      if (!pressedAt) throw new ActionError(`no open alarm on ${deviceId}`, 'not_found');
      open.delete(deviceId);
      ctx.db.transaction(() =>
        ctx.outbox.append('alarm.acknowledged', { deviceId, by, ...(note ? { note } : {}), pressedAt, origin: actx.origin }),
      );
      await Promise.all([output(deviceId, 'light-off'), output(deviceId, 'siren-off')]);
      return { deviceId, acknowledged: true, pressedAt };
    },
  });
  ctx.actions.register('alarm/list', {
    description: 'Alarm posts pressed and not yet acknowledged.',
    input: z.strictObject({}).prefault({}),
    handle: () => ({ open: [...open].map(([deviceId, pressedAt]) => ({ deviceId, pressedAt })) }),
  });

  return {
    name: 'alarms',
    async start() {},
    async stop() {
      for (const off of offs.splice(0)) off();
    },
  };
}
