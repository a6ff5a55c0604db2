// Residents: enrol from photos (each photo's verdict and face crop shown before saving), then a
// list that holds thousands: searched and paged by the box (residents/page), each row with the
// enrolment thumbnail, address, phone and access groups; the access groups themselves below.
import { action } from '../api.js';
import { h, fmtTime, toast } from '../dom.js';
import { t } from '../i18n.js';
import { can } from '../session.js';
import { enrolForm } from '../components/enrol-form.js';
import { groupsCard } from '../components/groups-card.js';

const PAGE = 20;

export async function render(view) {
  const list = h('tbody');
  const search = h('input', { type: 'search', placeholder: t('residents.searchHint'), id: 'resident-search' });
  const info = h('span', { class: 'muted', id: 'resident-count' });
  const prev = h('button', { type: 'button', id: 'resident-prev' }, t('residents.prev'));
  const next = h('button', { type: 'button', id: 'resident-next' }, t('residents.next'));
  let offset = 0;
  let seq = 0;
  const address = (r) => [r.building, r.unit, r.room].filter(Boolean).join('-');
  const row = (r) =>
    h(
      'tr',
      { dataset: { resident: r.id } },
      h(
        'td',
        {},
        r.thumbnail ? h('img', { class: 'thumb', src: `data:image/jpeg;base64,${r.thumbnail}`, alt: '', width: 48, height: 48 }) : '',
      ),
      h('td', {}, r.name),
      h('td', { class: 'muted' }, r.id),
      h('td', {}, address(r)),
      h('td', {}, r.phone ?? ''),
      h('td', { class: 'groups' }, r.groups.join(', ')),
      h('td', {}, r.kind ? t(`person.${r.kind}`) : t('person.resident')),
      h(
        'td',
        { class: 'templates' },
        String(r.templates),
        r.learned ? h('span', { class: 'muted' }, ` ${t('residents.learned', { n: r.learned })}`) : '',
      ),
      h('td', {}, fmtTime(r.updatedAt)),
      h(
        'td',
        {},
        can('residents/update') ? h('button', { type: 'button', onclick: () => editGroups(r) }, t('residents.editGroups')) : '',
        r.learned && can('residents/clear-learned')
          ? h('button', { type: 'button', onclick: () => clearLearned(r) }, t('residents.clearLearned'))
          : '',
        can('residents/remove') ? h('button', { type: 'button', class: 'danger', onclick: () => remove(r) }, t('common.remove')) : '',
      ),
    );
  const load = async () => {
    const mine = ++seq;
    const q = search.value.trim();
    const page = await action('residents/page', { q: q || undefined, offset, limit: PAGE });
    if (mine !== seq) return; // a newer search is on its way
    list.replaceChildren(...page.residents.map(row));
    const to = offset + page.residents.length;
    info.textContent = t('residents.range', { from: page.total ? offset + 1 : 0, to, total: page.total });
    prev.disabled = offset === 0;
    next.disabled = to >= page.total;
  };
  const editGroups = async (r) => {
    const v = window.prompt(t('residents.groupsPrompt', { name: r.name }), r.groups.join(', '));
    if (v === null) return;
    try {
      const groups = v.split(/[,，;；\s]+/).filter(Boolean);
      await action('residents/update', { id: r.id, groups });
      await load();
    } catch (err) {
      toast(err.describe());
    }
  };
  const clearLearned = async (r) => {
    if (!window.confirm(t('residents.confirmClearLearned', { name: r.name, n: r.learned }))) return;
    try {
      await action('residents/clear-learned', { id: r.id });
      await load();
    } catch (err) {
      toast(err.describe());
    }
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
  let timer;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      offset = 0;
      load().catch((err) => toast(err.describe ? err.describe() : err.message));
    }, 200);
  });
  prev.addEventListener('click', () => {
    offset = Math.max(0, offset - PAGE);
    void load();
  });
  next.addEventListener('click', () => {
    offset += PAGE;
    void load();
  });
  const field = (name, label, attrs = {}) => h('input', { name, placeholder: t(label), maxlength: 64, ...attrs });
  const building = field('building', 'residents.building');
  const unit = field('unit', 'residents.unit');
  const room = field('room', 'residents.room');
  const phone = field('phone', 'residents.phone', { maxlength: 32, type: 'tel' });
  const groups = field('groups', 'residents.groupsHint');
  const extra = () => {
    const out = {};
    for (const [k, el] of Object.entries({ building, unit, room, phone })) if (el.value.trim()) out[k] = el.value.trim();
    const g = groups.value.split(/[,，;；\s]+/).filter(Boolean);
    if (g.length) out.groups = g;
    return out;
  };
  view.append(
    can('residents/add') ? enrolForm(load, extra, [building, unit, room, phone, groups]) : '',
    h(
      'section',
      { class: 'card' },
      h('h2', {}, t('nav.residents')),
      h('div', { class: 'toolbar' }, search, prev, next, info),
      h(
        'table',
        { id: 'residents' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...[
              'residents.photo',
              'common.name',
              'common.id',
              'residents.address',
              'residents.phone',
              'residents.groups',
              'common.kind',
              'residents.templates',
              'common.updated',
              '',
            ].map((k) => h('th', {}, k ? t(k) : '')),
          ),
        ),
        list,
      ),
    ),
    groupsCard(),
  );
  await load().catch((err) => toast(err.describe ? err.describe() : err.message));
}
