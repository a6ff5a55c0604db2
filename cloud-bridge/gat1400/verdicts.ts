import { parseResponseStatusList, statusesFor } from './responses.js';
import type { DeadReason } from './dead-letters.js';

/**
 * What an answer to a batch POST means for its records (pure). Three kinds of failure:
 *
 * - **The platform** (no strike against any record, retried with backoff for as long as it
 *   lasts): no answer (timeout, lost connection, refused), 502/503/504 (a proxy or a platform
 *   that is down or busy), 408, 429, and 404/405 (a wrong `gat1400.url`: every record would
 *   fail alike). 401/403: the session is lost, register again.
 * - **Some record of the batch, not named**: a 500 (or another 5xx), a 2xx whose body cannot be
 *   read, a 4xx without per-record statuses. A batch of several is split (`split`: the first
 *   half goes alone next, and so on down to one record); a record alone gets a strike.
 * - **A named record**: a per-record StatusCode other than 0 (number or string), or no status
 *   for it in a readable answer: a strike for that record; the others are done.
 *
 * A record with `attempts` strikes is set aside as a dead letter by the pusher.
 */
export interface Strike {
  reason: DeadReason;
  httpStatus: number | null;
  statusCode: number | null;
  message: string;
}

export type RecordOutcome = { ok: true } | ({ ok: false } & Strike);

export type AnswerVerdict =
  | { type: 'lost'; message: string }
  | { type: 'platform'; message: string }
  | { type: 'split'; message: string }
  | { type: 'records'; outcomes: RecordOutcome[] };

export type Answer = { transportError: string } | { status: number; body: string };

const PLATFORM_STATUSES = new Set([404, 405, 408, 429, 502, 503, 504]);

export function judgeAnswer(path: string, ids: readonly string[], answer: Answer): AnswerVerdict {
  if ('transportError' in answer) return { type: 'platform', message: `${path}: ${answer.transportError}` };
  const { status, body } = answer;
  if (status === 401 || status === 403) return { type: 'lost', message: `${path} answered HTTP ${status}` };
  if (PLATFORM_STATUSES.has(status))
    return {
      type: 'platform',
      message: status === 404 || status === 405 ? `${path} answered HTTP ${status}: check gat1400.url` : `${path} answered HTTP ${status}`,
    };
  const text = oneLine(body);
  const parsed = parseResponseStatusList(body);
  const statuses = parsed.ok ? statusesFor(ids, parsed.value) : undefined;
  const ok2xx = status >= 200 && status < 300;
  // Per-record statuses name the records (in a 2xx, or a 4xx that carries them).
  const named = statuses?.some((s) => s !== undefined) ?? false;
  if (statuses && ((ok2xx && (named || ids.length === 1)) || (status >= 400 && status < 500 && named))) {
    return {
      type: 'records',
      outcomes: statuses.map((s): RecordOutcome => {
        if (s === undefined)
          return {
            ok: false,
            reason: 'malformed',
            httpStatus: status,
            statusCode: null,
            message: 'no status for this record in the answer',
          };
        if (s.code === 0 && ok2xx) return { ok: true };
        return {
          ok: false,
          reason: 'refused',
          httpStatus: status,
          statusCode: s.code,
          message: s.text ? `StatusCode ${s.code}: ${s.text}` : `StatusCode ${s.code}`,
        };
      }),
    };
  }
  let strike: Strike;
  if (ok2xx)
    strike = {
      reason: 'malformed',
      httpStatus: status,
      statusCode: null,
      message: `answered ${status} with an unreadable body: ${parsed.ok ? 'statuses do not match the records' : parsed.error}`,
    };
  else if (status >= 400 && status < 500)
    strike = { reason: 'refused', httpStatus: status, statusCode: null, message: text ? `HTTP ${status}: ${text}` : `HTTP ${status}` };
  else strike = { reason: 'failed', httpStatus: status, statusCode: null, message: text ? `HTTP ${status}: ${text}` : `HTTP ${status}` };
  if (ids.length > 1) return { type: 'split', message: `${path}: ${strike.message}` };
  return { type: 'records', outcomes: [{ ok: false, ...strike }] };
}

function oneLine(body: string): string {
  return body.slice(0, 200).replace(/\s+/g, ' ').trim();
}
