// Residents: enrol from a photo (the verdict and the face crop shown before saving), list, search, remove.
import { action } from '../api.js';
import { h, fmtTime, toast } from '../dom.js';
import { t } from '../i18n.js';
import { can } from '../session.js';
import { enrolForm } from '../components/enrol-form.js';

export async function render(view) {
  const list = h('tbody');
  const search = h('input', { type: 'search', placeholder: t('common.search'), id: 'resident-search' });
  let residents = [];
  const draw = () => {
    const q = search.value.trim().toLowerCase();
    list.replaceChildren(
      ...residents
        .filter((r) => !q || `${r.id} ${r.name}`.toLowerCase().includes(q))
        .map((r) =>
          h(
            'tr',
            { dataset: { resident: r.id } },
            h('td', {}, r.name),
            h('td', { class: 'muted' }, r.id),
            h('td', {}, r.kind ? t(`person.${r.kind}`) : t('person.resident')),
            h('td', {}, String(r.templates)),
            h('td', {}, fmtTime(r.updatedAt)),
            h(
              'td',
              {},
              can('residents/remove') ? h('button', { type: 'button', class: 'danger', onclick: () => remove(r) }, t('common.remove')) : '',
            ),
          ),
        ),
    );
  };
  const load = async () => {
    residents = (await action('residents/list')).residents;
    draw();
  };
  const remove = async (r) => {
    if (!window.confirm(t('residents.confirmRemove', { name: r.name }))) return;
    try {
      await action('residents/remove', { id: r.id });
      await load();
    } catch (err) {
      toast(err.describe());
    }
  };
  search.addEventListener('input', draw);
  view.append(
    can('residents/add') ? enrolForm(load) : '',
    h(
      'section',
      { class: 'card' },
      h('h2', {}, t('nav.residents')),
      search,
      h(
        'table',
        { id: 'residents' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['common.name', 'common.id', 'common.kind', 'residents.templates', 'common.updated', ''].map((k) =>
              h('th', {}, k ? t(k) : ''),
            ),
          ),
        ),
        list,
      ),
    ),
  );
  await load().catch((err) => toast(err.describe ? err.describe() : err.message));
}
