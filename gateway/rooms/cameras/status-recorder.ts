import type { GatewayContext } from '../../core/context.js';
import type { Statement } from '../../store/database.js';
import type { Failure } from '../../lib/ffmpeg/errors.js';
import { redactText } from '../../core/redact.js';

/** Publishes camera state changes (camera.online / camera.offline) with their camera_status row. */
export class StatusRecorder {
  private readonly upsert: Statement;
  private readonly select: Statement<{ state: string; since: string }>;

  constructor(private readonly ctx: Pick<GatewayContext, 'db' | 'events'>) {
    this.upsert = ctx.db.prepare(
      'INSERT INTO camera_status(camera_id, state, reason, message, since) VALUES (?, ?, ?, ?, ?) ON CONFLICT(camera_id) DO UPDATE SET state = excluded.state, reason = excluded.reason, message = excluded.message, since = excluded.since',
    );
    this.select = ctx.db.prepare('SELECT state, since FROM camera_status WHERE camera_id = ?');
  }

  online(cameraId: string, now = new Date()): void {
    let offlineForS: number | null = null;
    try {
      const prev = this.select.get(cameraId);
      if (prev && prev.state === 'offline') offlineForS = Math.round((now.getTime() - Date.parse(prev.since)) / 100) / 10;
    } catch {
      // Without the previous row the event still goes out, without the outage's length.
    }
    this.ctx.events.publish(
      'camera.online',
      { cameraId, since: now.toISOString(), offlineForS },
      { ts: now, write: () => this.upsert.run(cameraId, 'online', null, null, now.toISOString()) },
    );
  }

  offline(cameraId: string, failure: Failure | { reason: 'onvif'; message: string }, now = new Date()): void {
    const message = redactText(failure.message); // ffmpeg's last line quotes the camera URL; the row is written as given
    this.ctx.events.publish(
      'camera.offline',
      { cameraId, reason: failure.reason, message },
      { ts: now, write: () => this.upsert.run(cameraId, 'offline', failure.reason, message, now.toISOString()) },
    );
  }
}
