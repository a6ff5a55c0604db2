/**
 * The platform's versioned sync of the watchlist, entry by entry: `watchlist/upsert` adds or
 * changes an entry, `watchlist/delete` removes it, each with the entry's `version`; an older
 * version never overwrites a newer one, a replay changes nothing (gateway/store/sync). The gate
 * decisions use the new list as soon as the change committed. `watchlist/set` (the whole list)
 * still works; entries it leaves out are held as deleted at their version.
 */
import { z } from 'zod';
import type { ActionTable } from '../../core/actions.js';
import { versionField } from '../../store/sync/versions.js';
import type { Watchlist } from './watchlist.js';

/** Where the answer is explained (README, "Sync from the platform"). */
const outcomeDoc = 'Answers outcome "applied", "duplicate" or "stale" with the version held (README: Sync from the platform)';

const subject = z.string().min(1).max(64).describe('A resident or visitor id, or a plate.');

export function registerWatchlistSyncActions(actions: ActionTable, watchlist: () => Watchlist): void {
  actions.register('watchlist/upsert', {
    role: 'operator',
    description: `Versioned sync: put one subject (resident/visitor id or plate) on the watchlist, or change its reason. ${outcomeDoc}, and the entry.`,
    input: z.strictObject({ subject, reason: z.string().max(200).default(''), version: versionField }),
    handle({ subject: key, reason, version }) {
      const list = watchlist();
      const r = list.versions.applyVersioned('watchlist', key, 'upsert', version, () => list.put(key, reason));
      if (r.outcome === 'applied') list.reload();
      const { result: _, ...rest } = r;
      return { ...rest, entry: list.get(key) ?? null };
    },
  });
  actions.register('watchlist/delete', {
    role: 'operator',
    description: `Versioned sync: take one subject off the watchlist; a late older upsert cannot put it back. ${outcomeDoc}, and existed.`,
    input: z.strictObject({ subject, version: versionField }),
    handle({ subject: key, version }) {
      const list = watchlist();
      const r = list.versions.applyVersioned('watchlist', key, 'delete', version, () => list.delete(key));
      if (r.result) list.reload();
      const { result, ...rest } = r;
      return { ...rest, existed: result ?? false };
    },
  });
}
