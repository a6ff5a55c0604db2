// The watchlist (refused at every gate): add and remove entries. The gateway keeps it as one list
// (watchlist/set replaces it whole, as the platform syncs it), so a change sends the edited list.
import { action } from '../api.js';
import { h, fmtTime, toast } from '../dom.js';
import { t } from '../i18n.js';
import { can } from '../session.js';

export async function render(view) {
  const body = h('tbody');
  const search = h('input', { type: 'search', placeholder: t('common.search') });
  let entries = [];
  const save = async (next) => {
    try {
      await action('watchlist/set', { entries: next.map(({ subject, reason }) => ({ subject, reason })) });
      await load();
    } catch (err) {
      toast(err.describe());
    }
  };
  const draw = () => {
    const q = search.value.trim().toLowerCase();
    body.replaceChildren(
      ...entries
        .filter((e) => !q || `${e.subject} ${e.reason}`.toLowerCase().includes(q))
        .map((e) =>
          h(
            'tr',
            { dataset: { subject: e.subject } },
            h('td', {}, e.subject),
            h('td', {}, e.reason),
            h('td', {}, fmtTime(e.addedAt)),
            h(
              'td',
              {},
              can('watchlist/set')
                ? h(
                    'button',
                    { type: 'button', class: 'danger', onclick: () => save(entries.filter((x) => x.subject !== e.subject)) },
                    t('common.remove'),
                  )
                : '',
            ),
          ),
        ),
    );
  };
  const load = async () => {
    entries = (await action('watchlist/get')).entries;
    draw();
  };
  search.addEventListener('input', draw);
  const subject = h('input', { required: true, maxlength: 64, placeholder: t('watchlist.subject') });
  const reason = h('input', { maxlength: 200, placeholder: t('watchlist.reason') });
  const form = h(
    'form',
    { class: 'card inline', id: 'watchlist-add' },
    h('h2', {}, t('watchlist.add')),
    subject,
    reason,
    h('button', { type: 'submit', class: 'primary' }, t('common.add')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    save([
      ...entries.filter((x) => x.subject !== subject.value.trim()),
      { subject: subject.value.trim(), reason: reason.value.trim() },
    ]).then(() => form.reset());
  });
  view.append(
    can('watchlist/set') ? form : '',
    h(
      'section',
      { class: 'card' },
      h('h2', {}, t('nav.watchlist')),
      search,
      h(
        'table',
        { id: 'watchlist' },
        h(
          'thead',
          {},
          h('tr', {}, ...['watchlist.subject', 'watchlist.reason', 'common.added', ''].map((k) => h('th', {}, k ? t(k) : ''))),
        ),
        body,
      ),
    ),
  );
  await load().catch((err) => toast(err.describe ? err.describe() : err.message));
}
