// Access groups (groups/list, groups/set, groups/remove): which gates their members may pass, and
// when. Members are set per resident (residents page) or synced by the platform.
import { action } from '../api.js';
import { h, toast } from '../dom.js';
import { t } from '../i18n.js';
import { can } from '../session.js';

const DAYS = [1, 2, 3, 4, 5, 6, 7];

function scheduleText(s) {
  if (!s) return t('groups.always');
  return s.windows.map((w) => `${w.days.map((d) => t(`groups.day${d}`)).join('')} ${w.from}–${w.to}`).join('; ');
}

export function groupsCard() {
  const body = h('tbody');
  const card = h('section', { class: 'card', id: 'groups' }, h('h2', {}, t('groups.title')), h('p', { class: 'muted' }, t('groups.rule')));
  const load = async () => {
    const { groups } = await action('groups/list');
    body.replaceChildren(
      ...groups.map((g) =>
        h(
          'tr',
          { dataset: { group: g.id } },
          h('td', {}, g.name),
          h('td', { class: 'muted' }, g.id),
          h('td', {}, g.gates.join(', ')),
          h('td', {}, scheduleText(g.schedule)),
          h('td', {}, g.everyone ? t('groups.everyone') : String(g.members)),
          h(
            'td',
            {},
            can('groups/remove') ? h('button', { type: 'button', class: 'danger', onclick: () => remove(g) }, t('common.remove')) : '',
          ),
        ),
      ),
    );
  };
  const remove = async (g) => {
    if (!window.confirm(t('groups.confirmRemove', { name: g.name }))) return;
    try {
      await action('groups/remove', { id: g.id });
      await load();
    } catch (err) {
      toast(err.describe());
    }
  };
  card.append(
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['common.name', 'common.id', 'groups.gates', 'groups.schedule', 'groups.members', ''].map((k) => h('th', {}, k ? t(k) : '')),
        ),
      ),
      body,
    ),
  );
  if (can('groups/set')) {
    const id = h('input', { name: 'id', required: true, maxlength: 64, placeholder: t('common.id') });
    const name = h('input', { name: 'name', required: true, maxlength: 100, placeholder: t('common.name') });
    const gates = h('input', { name: 'gates', required: true, placeholder: t('groups.gatesHint') });
    const everyone = h('input', { name: 'everyone', type: 'checkbox' });
    const days = DAYS.map((d) => h('input', { type: 'checkbox', name: `day${d}`, value: String(d) }));
    const from = h('input', { name: 'from', type: 'time' });
    const to = h('input', { name: 'to', type: 'time' });
    const form = h(
      'form',
      { class: 'group-form' },
      id,
      name,
      gates,
      h('label', {}, everyone, t('groups.everyone')),
      h('span', {}, t('groups.schedule'), ...days.map((c, i) => h('label', {}, c, t(`groups.day${i + 1}`))), from, to),
      h('button', { type: 'submit', class: 'primary' }, t('groups.save')),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const picked = days.filter((c) => c.checked).map((c) => Number(c.value));
      const schedule = picked.length && from.value && to.value ? { windows: [{ days: picked, from: from.value, to: to.value }] } : null;
      try {
        await action('groups/set', {
          id: id.value.trim(),
          name: name.value.trim(),
          gates: gates.value.split(/[,，;；\s]+/).filter(Boolean),
          everyone: everyone.checked,
          schedule,
        });
        form.reset();
        await load();
      } catch (err) {
        toast(err.describe());
      }
    });
    card.append(form);
  }
  load().catch((err) => toast(err.describe ? err.describe() : err.message));
  return card;
}
