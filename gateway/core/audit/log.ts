import type { AuditEntry } from '../actions.js';
import type { EventPublisher } from '../publisher.js';
import type { Database, Statement } from '../../store/database.js';
import { redactValue } from '../redact.js';

/**
 * Writes every audited action (core/actions.ts decides which: all but read-only ones) to the
 * audit_log table and publishes it as `audit.action`. Never throws: an action's result does not
 * depend on its audit row (a store failure keeps the event in the journal, core/publisher.ts).
 */
export class AuditLog {
  private insert: Statement | undefined;

  constructor(private readonly ctx: { db: Database; events: EventPublisher }) {}

  record(entry: AuditEntry): void {
    // The row is written as given (the publisher redacts only the event): the input (a camera
    // URL) and the error (ffmpeg's last line) are redacted here, where they enter audit_log.
    const e = { ...entry, input: redactValue(entry.input, { byKey: true }), ...(entry.error ? { error: redactValue(entry.error) } : {}) };
    this.ctx.events.publish(
      'audit.action',
      {
        action: e.action,
        channel: e.actor.channel,
        by: e.actor.name,
        role: e.actor.role,
        transaction: e.transaction,
        input: e.input,
        ok: e.ok,
        ...(e.code ? { code: e.code } : {}),
        ...(e.error ? { error: e.error } : {}),
      },
      {
        write: (id) => {
          this.insert ??= this.ctx.db.prepare(
            'INSERT INTO audit_log(id, ts, action, channel, by, ok, code, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          );
          this.insert.run(
            id,
            new Date().toISOString(),
            e.action,
            e.actor.channel,
            e.actor.name,
            e.ok ? 1 : 0,
            e.code ?? null,
            JSON.stringify({ input: e.input, ...(e.error ? { error: e.error } : {}) }),
          );
        },
      },
    );
  }
}
