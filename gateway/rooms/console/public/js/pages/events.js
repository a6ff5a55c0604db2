// Events the box still holds, filtered by kind, gate, person, plate and time, with their pictures.
import { getJson } from '../api.js';
import { h, localToIso, toast } from '../dom.js';
import { t } from '../i18n.js';
import { eventRow, kindLabel } from '../event-view.js';
import { loadUplinks } from '../uplinks.js';

const KINDS = [
  'face.recognized',
  'face.unknown',
  'plate.recognized',
  'access.decision',
  'gate.command',
  'alarm',
  'device',
  'camera',
  'audit.action',
];

export async function render(view) {
  const kind = h(
    'select',
    { name: 'kind' },
    h('option', { value: '' }, t('events.allKinds')),
    ...KINDS.map((k) => h('option', { value: k }, kindLabel(k))),
  );
  const gate = h('input', { name: 'gate', placeholder: t('events.gate') });
  const person = h('input', { name: 'person', placeholder: t('events.person') });
  const plate = h('input', { name: 'plate', placeholder: t('events.plate') });
  const from = h('input', { name: 'from', type: 'datetime-local', title: t('events.from') });
  const to = h('input', { name: 'to', type: 'datetime-local', title: t('events.to') });
  const body = h('tbody');
  const more = h('button', { type: 'button', hidden: true }, t('events.more'));
  let oldest = 0;
  const query = async (append) => {
    const p = new URLSearchParams({ limit: '100' });
    for (const [k, el] of Object.entries({ kind, gate, person, plate })) if (el.value.trim()) p.set(k, el.value.trim());
    const f = localToIso(from.value);
    const tt = localToIso(to.value);
    if (f) p.set('from', f);
    if (tt) p.set('to', tt);
    if (append && oldest) p.set('before', String(oldest));
    try {
      await loadUplinks();
      const { events } = await getJson(`/api/events?${p}`);
      if (!append) body.replaceChildren();
      body.append(...events.map(eventRow));
      oldest = events.at(-1)?.rowid ?? oldest;
      more.hidden = events.length < 100;
    } catch (err) {
      toast(err.describe ? err.describe() : err.message);
    }
  };
  const form = h(
    'form',
    { class: 'filters', id: 'event-filters' },
    kind,
    gate,
    person,
    plate,
    from,
    to,
    h('button', { type: 'submit' }, t('events.search')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    query(false);
  });
  more.addEventListener('click', () => query(true));
  view.append(
    h(
      'section',
      { class: 'card' },
      h('h2', {}, t('nav.events')),
      form,
      h(
        'table',
        { id: 'events' },
        h(
          'thead',
          {},
          h('tr', {}, ...['events.time', 'events.kind', 'events.details', 'events.picture', 'events.uplink'].map((k) => h('th', {}, t(k)))),
        ),
        body,
      ),
      more,
    ),
  );
  await query(false);
}
