import type { GatewayContext } from '../core/context.js';
import type { Room, Scope } from '../core/room.js';
import { componentLogger, type Logger } from '../core/logger.js';
import { SyncVersions } from '../sync/version-store.js';

/**
 * Deletes sent outbox rows after `outbox.keepSentHours`, and sync tombstones after
 * `sync.tombstoneDays`, hourly and once at start.
 */
export class HousekeepingRoom implements Room {
  readonly name = 'store';
  private readonly log: Logger;

  constructor(private readonly ctx: GatewayContext) {
    this.log = componentLogger(ctx.log, 'store');
  }

  async start(scope: Scope): Promise<void> {
    this.purge();
    scope.every(3600_000, () => this.purge());
  }

  async stop(): Promise<void> {}

  private purge(): void {
    const n = this.ctx.outbox.purgeSent(this.ctx.loaded.config.outbox.keepSentHours * 3600_000);
    if (n > 0) this.log.info({ purged: n }, 'purged sent events');
    const t = new SyncVersions(this.ctx.db).purgeTombstones(this.ctx.loaded.config.sync.tombstoneDays * 86_400_000);
    if (t > 0) this.log.info({ purged: t }, 'forgot the versions of records deleted long ago');
  }
}
