import { z } from 'zod';

/** Payloads (`data`) of the events the core itself records in the outbox. */
export const coreEventContracts = {
  'outbox.compacted': z
    .strictObject({
      dropped: z.number().int().min(1).describe('Events dropped by this compaction.'),
      byKind: z.record(z.string(), z.number().int()).describe('Dropped events per kind.'),
      quotaBytes: z.number().int(),
      totalCompacted: z.number().int().describe('Dropped since the daemon started.'),
    })
    .describe('The outbox hit its disk quota while the uplink was down; low-priority events were dropped.'),
};
