// Known vehicles (residents' cars; visitors' cars are on the visitors page): add, list, search, remove.
import { action } from '../api.js';
import { h, toast } from '../dom.js';
import { t } from '../i18n.js';
import { can } from '../session.js';

export function vehicleRow(v, reload) {
  const remove = async () => {
    if (!window.confirm(t('vehicles.confirmRemove', { plate: v.plate }))) return;
    try {
      await action('vehicles/remove', { plate: v.plate });
      await reload();
    } catch (err) {
      toast(err.describe());
    }
  };
  return h(
    'tr',
    { dataset: { plate: v.plate } },
    h('td', {}, v.plate),
    h('td', {}, v.ownerId),
    h('td', { class: 'muted' }, v.note || ''),
    h('td', {}, can('vehicles/remove') ? h('button', { type: 'button', class: 'danger', onclick: remove }, t('common.remove')) : ''),
  );
}

export async function render(view) {
  const body = h('tbody');
  const search = h('input', { type: 'search', placeholder: t('common.search') });
  let all = [];
  const draw = () => {
    const q = search.value.trim().toUpperCase();
    body.replaceChildren(
      ...all
        .filter((v) => v.kind === 'resident' && (!q || `${v.plate} ${v.ownerId}`.toUpperCase().includes(q)))
        .map((v) => vehicleRow(v, load)),
    );
  };
  const load = async () => {
    all = await action('vehicles/list');
    draw();
  };
  search.addEventListener('input', draw);
  const plate = h('input', { name: 'plate', required: true, placeholder: t('vehicles.plate') });
  const owner = h('input', { name: 'owner', required: true, placeholder: t('vehicles.owner') });
  const note = h('input', { name: 'note', maxlength: 200, placeholder: t('common.note') });
  const form = h(
    'form',
    { class: 'card inline', id: 'vehicle-add' },
    h('h2', {}, t('vehicles.add')),
    plate,
    owner,
    note,
    h('button', { type: 'submit', class: 'primary' }, t('common.add')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await action('vehicles/add', {
        plate: plate.value.trim(),
        ownerId: owner.value.trim(),
        kind: 'resident',
        ...(note.value.trim() ? { note: note.value.trim() } : {}),
      });
      form.reset();
      await load();
    } catch (err) {
      toast(err.describe());
    }
  });
  view.append(
    can('vehicles/add') ? form : '',
    h(
      'section',
      { class: 'card' },
      h('h2', {}, t('nav.vehicles')),
      search,
      h(
        'table',
        { id: 'vehicles' },
        h('thead', {}, h('tr', {}, ...['vehicles.plate', 'vehicles.owner', 'common.note', ''].map((k) => h('th', {}, k ? t(k) : '')))),
        body,
      ),
    ),
  );
  await load().catch((err) => toast(err.describe ? err.describe() : err.message));
}
