import type { Logger } from '../../gateway/core/logger.js';
import type { Scope } from '../../gateway/core/room.js';
import type { MqttConnection } from './mqtt-client.js';
import type { Availability } from './payloads.js';
import type { Topics } from './topics.js';

/**
 * Per-device availability, retained on `devices/<id>/availability`: kept from the bus's
 * device.online/offline, published on each change while connected, and all of it again after
 * every (re)connection, so a platform that subscribes late, restarts, or sits behind a broker
 * that lost its retained store sees the current truth.
 */
export class DeviceAvailability {
  private readonly states = new Map<string, Availability>();
  private conn: MqttConnection | undefined;

  constructor(private readonly ctx: { topics: Topics; nodeId: string; log: Logger }) {}

  /** Follows the devices' state until the room stops. */
  follow(scope: Scope): void {
    scope.on('device.online', (e) => this.set({ deviceId: e.deviceId, state: 'online', model: e.model }));
    scope.on('device.offline', (e) => this.set({ deviceId: e.deviceId, state: 'offline', model: e.model, reason: e.reason }));
    scope.add(() => void (this.conn = undefined));
  }

  /** A new connection: republish every known state (retained), then follow changes on it. */
  async attach(conn: MqttConnection): Promise<void> {
    this.conn = conn;
    await Promise.all([...this.states.values()].map((a) => this.publish(conn, a)));
  }

  detach(): void {
    this.conn = undefined;
  }

  get size(): number {
    return this.states.size;
  }

  private set(a: Omit<Availability, 'nodeId' | 'since'>): void {
    const prev = this.states.get(a.deviceId);
    if (prev && prev.state === a.state && prev.reason === a.reason) return;
    const next: Availability = { ...a, nodeId: this.ctx.nodeId, since: new Date().toISOString() };
    this.states.set(a.deviceId, next);
    const conn = this.conn;
    if (conn?.isOpen)
      this.publish(conn, next).catch((err: Error) =>
        // Not lost: attach() republishes every state on the next connection.
        this.ctx.log.debug({ deviceId: a.deviceId, err: err.message }, 'availability not published; republished on reconnect'),
      );
  }

  private publish(conn: MqttConnection, a: Availability): Promise<void> {
    return conn.publish(this.ctx.topics.deviceAvailability(a.deviceId), JSON.stringify(a), { qos: 1, retain: true });
  }
}
