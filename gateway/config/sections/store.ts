import { z } from 'zod';

// Owned by the store (gateway/store/housekeeping.ts).
const limit = (keepDays: number, maxMb: number, what: string) =>
  z
    .strictObject({
      keepDays: z.number().min(0.01).max(3650).default(keepDays).describe('Rows older than this are deleted.'),
      maxMb: z.number().min(0.01).max(100_000).default(maxMb).describe('Beyond this much, the oldest rows are deleted.'),
    })
    .prefault({})
    .describe(what);

export const storeSection = z
  .strictObject({
    retention: z
      .strictObject({
        gateCommands: limit(90, 64, 'Every gate command and its result (audit of who opened what).'),
        deviceInputs: limit(30, 64, 'Every debounced input change of the devices.'),
        plateReads: limit(30, 64, 'Every plate read (plates are personal information: keep no longer than needed).'),
        accessDecisions: limit(180, 128, 'Every access decision at the gates.'),
        auditLog: limit(365, 64, 'Every change asked of the box, with who asked.'),
        residentChanges: limit(7, 16, 'The change log the daemon polls to reload residents edited by the CLI.'),
      })
      .prefault({})
      .describe('How long, and how much, of each growing table is kept. Applied at start and hourly.'),
  })
  .describe('The SQLite store in node.dataDir.');

export type StoreConfig = z.output<typeof storeSection>;
