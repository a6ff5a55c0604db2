import { currentEventName } from '../../core/wire-spelling.js';
import type { EventFilter } from '../../store/outbox-search.js';

/** The events page's query string → the outbox search's filter (gateway/store/outbox-search.ts). */
export function parseFilter(params: URLSearchParams): EventFilter {
  const text = (k: string) => {
    const v = params.get(k)?.trim();
    return v ? v.slice(0, 100) : undefined;
  };
  const time = (k: string) => {
    const v = text(k);
    if (v === undefined) return undefined;
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : new Date(t).toISOString();
  };
  const before = Number(params.get('before'));
  const f: EventFilter = { limit: Math.min(500, Math.max(1, Number(params.get('limit') ?? 100) || 100)) };
  for (const k of ['kind', 'gate', 'person', 'plate'] as const) {
    const v = text(k);
    if (v) f[k] = v;
  }
  // An old event name (before envelope version 2) still filters: core/wire-spelling.ts.
  if (f.kind) f.kind = currentEventName(f.kind);
  for (const k of ['from', 'to'] as const) {
    const v = time(k);
    if (v) f[k] = v;
  }
  if (Number.isInteger(before) && before > 0) f.before = before;
  return f;
}
