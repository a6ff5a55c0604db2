import { z } from 'zod';
import type { GatewayContext } from '../core/context.js';
import type { Room, Scope } from '../core/room.js';
import { ActionError, type ActionTable } from '../core/actions.js';
import { componentLogger, type Logger } from '../core/logger.js';
import { errMessage } from '../core/errors.js';
import type { GateControl } from '../devices/room.js';
import type { CameraSnapshots } from '../cameras/room.js';

/**
 * Alarm follow-up. The devices room publishes the never-dropped alarm.raised the instant a
 * post's button is pressed; this room then (1) lights the post's strobe so the caller sees the
 * press was received, (2) takes a picture from the post's linked camera and publishes
 * alarm.snapshot, and (3) lets a responder acknowledge the alarm (alarm/ack), which silences
 * the post.
 */
export class AlarmsRoom implements Room {
  readonly name = 'alarms';
  private readonly log: Logger;
  private readonly cameraOf: Map<string, string>;
  /** deviceId -> pressedAt of the unacknowledged alarm. */
  private readonly open = new Map<string, string>();

  constructor(
    private readonly ctx: GatewayContext,
    private readonly deps: { gates: GateControl; cameras: CameraSnapshots },
  ) {
    this.log = componentLogger(ctx.log, 'alarms');
    this.cameraOf = new Map(ctx.loaded.config.devices.filter((d) => d.camera).map((d) => [d.id, d.camera as string]));
  }

  async start(scope: Scope): Promise<void> {
    scope.on('alarm.raised', async (e) => {
      this.open.set(e.deviceId, e.ts);
      await Promise.all([this.picture(e.deviceId, e.ts), this.output(e.deviceId, 'light-on')]);
    });
  }

  async stop(): Promise<void> {}

  registerActions(actions: ActionTable): void {
    actions.register('alarm/ack', {
      role: 'operator',
      description: "A responder acknowledges the alarm of a post: recorded as alarm.acknowledged, the post's strobe and siren go off.",
      input: z.strictObject({
        deviceId: z.string().min(1),
        note: z.string().max(500).optional(),
      }),
      handle: async ({ deviceId, note }, actx) => {
        const by = actx.actor.name;
        const pressedAt = this.open.get(deviceId);
        if (!pressedAt) throw new ActionError(`no open alarm on ${deviceId}`, 'not_found');
        this.ctx.events.commit(
          'alarm.acknowledged',
          { deviceId, by, ...(note ? { note } : {}), pressedAt, origin: actx.actor.channel },
          () => this.open.delete(deviceId),
        );
        await Promise.all([this.output(deviceId, 'light-off'), this.output(deviceId, 'siren-off')]);
        return { deviceId, acknowledged: true, pressedAt };
      },
    });
    actions.register('alarm/list', {
      role: 'viewer',
      description: 'Alarm posts pressed and not yet acknowledged.',
      input: z.strictObject({}).prefault({}),
      handle: () => ({ open: [...this.open].map(([deviceId, pressedAt]) => ({ deviceId, pressedAt })) }),
    });
  }

  private async output(deviceId: string, command: 'light-on' | 'light-off' | 'siren-off'): Promise<void> {
    try {
      const r = await this.deps.gates.run(deviceId, command, { origin: 'alarms' });
      if (!r.ok) this.log.warn({ deviceId, command, error: r.refused ?? r.error }, 'alarm post output not switched');
    } catch (err) {
      this.log.warn({ deviceId, command, err: errMessage(err) }, 'alarm post output not switched');
    }
  }

  private async picture(deviceId: string, pressedAt: string): Promise<void> {
    const cameraId = this.cameraOf.get(deviceId);
    if (!cameraId) return;
    let snapshotId: string | null = null;
    let error: string | undefined;
    try {
      snapshotId = (await this.deps.cameras.latestSnapshot(cameraId)).id;
    } catch (err) {
      error = errMessage(err);
    }
    const ms = Math.max(0, Date.now() - Date.parse(pressedAt));
    this.ctx.events.publish('alarm.snapshot', { deviceId, cameraId, snapshotId, ...(error ? { error } : {}), pressedAt, ms });
    if (error) this.log.warn({ deviceId, cameraId, error }, 'no picture for the alarm');
  }
}
