// A table of records searched newest first, PAGE at a time: a filter form (the page's fields and a
// time range), the table, and a "more" button that asks for the records before the oldest shown.
// The events and audit pages differ only in their fields, columns, rows and endpoint.
import { h, localToIso, toast } from '../dom.js';
import { t } from '../i18n.js';

const PAGE = 100;

/**
 * `fields`: inputs and selects whose `name` is their query parameter. `fetchRows(params)` returns
 * the records (each with a `rowid`); `row(record)` draws one. Returns the card and its first load.
 */
export function searchTable({ id, formId, title, fields, headers, fetchRows, row }) {
  const from = h('input', { name: 'from', type: 'datetime-local', title: t('events.from') });
  const to = h('input', { name: 'to', type: 'datetime-local', title: t('events.to') });
  const body = h('tbody');
  const more = h('button', { type: 'button', hidden: true }, t('events.more'));
  let oldest = 0;
  const query = async (append) => {
    const p = new URLSearchParams({ limit: String(PAGE) });
    for (const el of fields) if (el.value.trim()) p.set(el.name, el.value.trim());
    for (const el of [from, to]) {
      const iso = localToIso(el.value);
      if (iso) p.set(el.name, iso);
    }
    if (append && oldest) p.set('before', String(oldest));
    try {
      const records = await fetchRows(p);
      if (!append) body.replaceChildren();
      body.append(...records.map(row));
      oldest = records.at(-1)?.rowid ?? oldest;
      more.hidden = records.length < PAGE;
    } catch (err) {
      toast(err.describe ? err.describe() : err.message);
    }
  };
  const form = h('form', { class: 'filters', id: formId }, ...fields, from, to, h('button', { type: 'submit' }, t('events.search')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    query(false);
  });
  more.addEventListener('click', () => query(true));
  const card = h(
    'section',
    { class: 'card' },
    h('h2', {}, title),
    form,
    h('table', { id }, h('thead', {}, h('tr', {}, ...headers.map((k) => h('th', {}, t(k))))), body),
    more,
  );
  return { card, load: () => query(false) };
}
