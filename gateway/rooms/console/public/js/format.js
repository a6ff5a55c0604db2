// Dates and times as the account's locale writes them, one helper for every page (pure: no DOM).
// zh: 2026-12-07 14:36:46 (24-hour); en: 7 Dec 2026, 14:36:46 (24-hour, day before month).

const cache = new Map();

function formatter(locale, timeZone) {
  const key = `${locale}|${timeZone || ''}`;
  let f = cache.get(key);
  if (!f) {
    const zone = timeZone ? { timeZone } : {};
    f =
      locale === 'en'
        ? new Intl.DateTimeFormat('en-GB', {
            ...zone,
            day: 'numeric',
            month: 'short',
            year: 'numeric',
            hour: '2-digit',
            minute: '2-digit',
            second: '2-digit',
            hourCycle: 'h23',
          })
        : new Intl.DateTimeFormat('en-CA', {
            ...zone,
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
            hour: '2-digit',
            minute: '2-digit',
            second: '2-digit',
            hourCycle: 'h23',
          });
    cache.set(key, f);
  }
  return f;
}

/**
 * An instant (ISO string, epoch ms or Date) for people: '' for none, the input itself when it is
 * not a time. `timeZone` (IANA) for tests; the browser's own zone otherwise.
 */
export function formatDateTime(value, locale = 'zh', timeZone) {
  if (value === undefined || value === null || value === '') return '';
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const f = formatter(locale === 'en' ? 'en' : 'zh', timeZone);
  if (locale === 'en') return f.format(d);
  const p = Object.fromEntries(f.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}
