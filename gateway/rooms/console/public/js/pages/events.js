// Events the box still holds, filtered by kind, gate, person, plate and time, with their pictures.
import { getJson } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { eventRow, kindLabel } from '../event-view.js';
import { loadUplinks } from '../uplinks.js';
import { searchTable } from '../components/search-table.js';

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
  const { card, load } = searchTable({
    id: 'events',
    formId: 'event-filters',
    title: t('nav.events'),
    fields: [
      kind,
      h('input', { name: 'gate', placeholder: t('events.gate') }),
      h('input', { name: 'person', placeholder: t('events.person') }),
      h('input', { name: 'plate', placeholder: t('events.plate') }),
    ],
    headers: ['events.time', 'events.kind', 'events.details', 'events.picture', 'events.uplink'],
    fetchRows: async (p) => {
      await loadUplinks();
      return (await getJson(`/api/events?${p}`)).events;
    },
    row: eventRow,
  });
  view.append(card);
  await load();
}
