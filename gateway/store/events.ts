import { z } from 'zod';
import { defineEvents } from '../core/event-spec.js';

/** The store's own events. */
export const storeEvents = defineEvents({
  'outbox.compacted': {
    priority: 'never-dropped',
    published: true,
    schema: z
      .strictObject({
        dropped: z.number().int().min(1).describe('Events dropped by this compaction.'),
        byKind: z.record(z.string(), z.number().int()).describe('Dropped events per kind.'),
        quotaBytes: z.number().int(),
        totalCompacted: z.number().int().describe('Dropped since the daemon started.'),
      })
      .describe('The outbox hit its disk quota while the uplink was down; low-priority events were dropped.'),
  },
  'store.degraded': {
    priority: 'never-dropped',
    published: true,
    schema: z
      .strictObject({
        error: z.string().describe('Why the database refused the write (disk full, I/O error, locked).'),
        since: z.string().describe('ISO 8601 time of the first refused write.'),
      })
      .describe(
        'The database refuses writes: the box goes on deciding, opening gates and raising alarms, and keeps the events in memory and a preallocated journal until it recovers (they follow, in order).',
      ),
  },
  'store.recovered': {
    priority: 'never-dropped',
    published: true,
    schema: z
      .strictObject({ downForS: z.number().min(0).describe('How long the store refused writes.') })
      .describe('The database takes writes again; every event held meanwhile has been recorded.'),
  },
});
