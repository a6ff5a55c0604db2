/**
 * Visitors' faces are kept only as long as their pass needs them: `faces.visitors.retentionHours`
 * after a pass ended, the visitor's templates and record are erased for good (secure_delete,
 * WAL checkpoint), each in its own small transaction with a `visitor.erased` event, so a long
 * list never holds the database's write lock. The faces room sweeps at start and every minute.
 */
import type { EventPublisher } from '../../../core/publisher.js';
import type { Logger } from '../../../core/logger.js';
import { errMessage } from '../../../core/errors.js';
import type { ResidentStore } from '../store/resident-store.js';

export const RETENTION_SWEEP_MS = 60_000;

export class VisitorRetention {
  constructor(private readonly ctx: { events: EventPublisher; store: ResidentStore; log: Logger; retentionHours: number }) {}

  /** Erases every visitor whose pass ended more than the retention ago; returns how many. Never throws. */
  sweep(now = new Date()): number {
    const { store, events, log, retentionHours } = this.ctx;
    const before = new Date(now.getTime() - retentionHours * 3600_000).toISOString();
    let erased = 0;
    try {
      for (;;) {
        const due = store.visitorsEndedBefore(before, 100);
        if (due.length === 0) break;
        for (const v of due) {
          events.commit(
            'visitor.erased',
            { residentId: v.id, hostId: v.hostId, validUntil: v.validUntil, templates: v.templates, retentionHours },
            () => store.erase(v.id),
          );
          erased++;
        }
      }
    } catch (err) {
      log.error({ err: errMessage(err), erased }, 'erasing expired visitors failed; retrying at the next sweep');
    }
    if (erased > 0) {
      store.checkpoint();
      log.info({ erased, retentionHours }, 'expired visitors erased (faces and records)');
    }
    return erased;
  }
}
