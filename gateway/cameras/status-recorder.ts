import type { GatewayContext } from '../core/context.js';
import type { Statement } from '../store/database.js';
import type { Failure } from './ffmpeg/errors.js';
import './events.js';

/**
 * Records camera state changes: the camera_status row and the outbox event in one
 * transaction, then tells the bus.
 */
export class StatusRecorder {
  private readonly upsert: Statement;
  private readonly select: Statement<{ state: string; since: string }>;

  constructor(private readonly ctx: Pick<GatewayContext, 'db' | 'outbox' | 'bus'>) {
    this.upsert = ctx.db.prepare(
      'INSERT INTO camera_status(camera_id, state, reason, message, since) VALUES (?, ?, ?, ?, ?) ON CONFLICT(camera_id) DO UPDATE SET state = excluded.state, reason = excluded.reason, message = excluded.message, since = excluded.since',
    );
    this.select = ctx.db.prepare('SELECT state, since FROM camera_status WHERE camera_id = ?');
  }

  online(cameraId: string, now = new Date()): void {
    const prev = this.select.get(cameraId);
    const offlineForS = prev && prev.state === 'offline' ? Math.round((now.getTime() - Date.parse(prev.since)) / 100) / 10 : null;
    this.ctx.db.transaction(() => {
      this.upsert.run(cameraId, 'online', null, null, now.toISOString());
      this.ctx.outbox.append('camera.online', { cameraId, since: now.toISOString(), offlineForS }, { ts: now });
    });
    this.ctx.bus.emit('camera.online', { cameraId, ts: now.getTime() });
  }

  offline(cameraId: string, failure: Failure | { reason: 'onvif'; message: string }, now = new Date()): void {
    this.ctx.db.transaction(() => {
      this.upsert.run(cameraId, 'offline', failure.reason, failure.message, now.toISOString());
      this.ctx.outbox.append('camera.offline', { cameraId, reason: failure.reason, message: failure.message }, { ts: now });
    });
    this.ctx.bus.emit('camera.offline', { cameraId, ts: now.getTime(), reason: failure.reason, message: failure.message });
  }

  /** An event the camera itself reported (ONVIF motion / tamper / clock skew). */
  cameraEvent(kind: 'camera.motion' | 'camera.tamper' | 'camera.clock-skew', data: Record<string, unknown>): void {
    this.ctx.db.transaction(() => this.ctx.outbox.append(kind, data));
  }
}
