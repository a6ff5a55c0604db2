import type { GatewayContext } from '../core/context.js';
import type { Room, Scope } from '../core/room.js';
import { componentLogger, type Logger } from '../core/logger.js';

/** Deletes sent outbox rows after `outbox.keepSentHours`, hourly and once at start. */
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
  }
}
