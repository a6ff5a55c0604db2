import type { GatewayContext } from '../core/context.js';
import type { Room } from '../core/room.js';
import { componentLogger } from '../core/logger.js';

/** Deletes sent outbox rows after `outbox.keepSentHours`, hourly and once at start. */
export function createHousekeepingRoom(ctx: GatewayContext): Room {
  const log = componentLogger(ctx.log, 'store');
  const keepMs = ctx.loaded.config.outbox.keepSentHours * 3600_000;
  let timer: NodeJS.Timeout | undefined;
  const purge = () => {
    const n = ctx.outbox.purgeSent(keepMs);
    if (n > 0) log.info({ purged: n }, 'purged sent events');
  };
  return {
    name: 'store',
    async start() {
      purge();
      timer = setInterval(purge, 3600_000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
    },
  };
}
