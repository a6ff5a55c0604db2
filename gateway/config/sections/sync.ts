import { z } from 'zod';

// Owned by gateway/store/sync: versioned upserts and deletes from the platform.
export const syncSection = z
  .strictObject({
    tombstoneDays: z
      .number()
      .min(1)
      .max(3650)
      .default(30)
      .describe(
        "A record the platform deleted (resident, vehicle, watchlist entry) keeps its version this long, so a late upsert with an older version cannot bring it back. Only the record's key and version are kept, never a face.",
      ),
  })
  .describe('Versioned sync of residents, vehicles and the watchlist from the platform (residents/upsert, vehicles/delete, ...).');
