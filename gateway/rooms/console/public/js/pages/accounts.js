// Accounts: every user changes their own password here; admins also add accounts, change roles,
// disable and enable them, and reset a password (the new one is shown once, here only).
import { postJson } from '../api.js';
import { h, fmtTime, toast } from '../dom.js';
import { t } from '../i18n.js';
import { currentUser } from '../session.js';

const ROLES = ['viewer', 'operator', 'admin'];

async function run(name, input = {}) {
  return (await postJson(`/api/accounts/${name}`, input)).data;
}

function ownPassword() {
  const current = h('input', {
    type: 'password',
    name: 'current',
    required: true,
    autocomplete: 'current-password',
    placeholder: t('account.current'),
  });
  const next = h('input', {
    type: 'password',
    name: 'password',
    required: true,
    minlength: 10,
    autocomplete: 'new-password',
    placeholder: t('account.new'),
  });
  const again = h('input', {
    type: 'password',
    name: 'again',
    required: true,
    autocomplete: 'new-password',
    placeholder: t('account.again'),
  });
  const form = h(
    'form',
    { class: 'card inline', id: 'own-password' },
    h('h2', {}, t('account.changeOwn')),
    current,
    next,
    again,
    h('button', { type: 'submit', class: 'primary' }, t('account.change')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (next.value !== again.value) return toast(t('account.mismatch'));
    try {
      await run('account/passwd', { current: current.value, password: next.value });
      toast(t('account.changed'));
      setTimeout(() => location.reload(), 1500); // the change ended this session: log in again
    } catch (err) {
      toast(err.describe ? err.describe() : err.message);
    }
  });
  return form;
}

function userRow(u, reload, me) {
  const act = (name, input, confirmKey) => async () => {
    if (confirmKey && !window.confirm(t(confirmKey, { name: u.name }))) return;
    try {
      const r = await run(name, input);
      if (name === 'users/reset-password') showOnce(u.name, r.generated);
      await reload();
    } catch (err) {
      toast(err.describe ? err.describe() : err.message);
    }
  };
  const role = h(
    'select',
    { class: 'role', 'aria-label': t('account.role') },
    ...ROLES.map((r) => h('option', { value: r, selected: r === u.role }, t(`role.${r}`))),
  );
  role.addEventListener('change', () => act('users/role', { name: u.name, role: role.value })());
  return h(
    'tr',
    { dataset: { user: u.name, disabled: String(u.disabled) } },
    h('td', {}, u.name, u.name === me ? h('span', { class: 'muted' }, ` (${t('account.you')})`) : ''),
    h('td', {}, role),
    h('td', { class: u.disabled ? 'state offline' : 'state online' }, t(u.disabled ? 'account.disabled' : 'account.enabled')),
    h('td', { class: 'muted' }, fmtTime(u.updatedAt)),
    h(
      'td',
      { class: 'actions' },
      h(
        'button',
        { type: 'button', class: 'reset', onclick: act('users/reset-password', { name: u.name }, 'account.confirmReset') },
        t('account.reset'),
      ),
      u.name === me
        ? ''
        : h(
            'button',
            {
              type: 'button',
              class: u.disabled ? 'enable' : 'danger disable',
              onclick: act('users/disable', { name: u.name, disabled: !u.disabled }, u.disabled ? '' : 'account.confirmDisable'),
            },
            t(u.disabled ? 'account.enable' : 'account.disable'),
          ),
    ),
  );
}

/** The new password, once: it is not stored anywhere it could be read again. */
function showOnce(name, password) {
  const box = h(
    'div',
    { class: 'overlay once', id: 'password-once' },
    h(
      'div',
      { class: 'card' },
      h('h2', {}, t('account.newPasswordFor', { name })),
      h('p', {}, h('code', { class: 'password' }, password)),
      h('p', { class: 'muted' }, t('account.shownOnce')),
      h('button', { type: 'button', class: 'primary', onclick: () => box.remove() }, t('common.close')),
    ),
  );
  document.body.append(box);
}

export async function render(view) {
  const me = currentUser();
  view.append(ownPassword());
  if (me.role !== 'admin') return;
  const body = h('tbody');
  const load = async () => {
    const { users } = await run('users/list');
    body.replaceChildren(...users.map((u) => userRow(u, load, me.name)));
  };
  const name = h('input', { name: 'name', required: true, pattern: '[A-Za-z0-9_.@-]{1,64}', placeholder: t('account.name') });
  const role = h('select', { name: 'role' }, ...ROLES.map((r) => h('option', { value: r, selected: r === 'operator' }, t(`role.${r}`))));
  const password = h('input', {
    name: 'password',
    type: 'password',
    required: true,
    minlength: 10,
    autocomplete: 'new-password',
    placeholder: t('account.initial'),
  });
  const add = h(
    'form',
    { class: 'card inline', id: 'account-add' },
    h('h2', {}, t('account.add')),
    name,
    role,
    password,
    h('button', { type: 'submit', class: 'primary' }, t('common.add')),
  );
  add.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await run('users/add', { name: name.value.trim(), role: role.value, password: password.value });
      add.reset();
      await load();
    } catch (err) {
      toast(err.describe ? err.describe() : err.message);
    }
  });
  view.append(
    add,
    h(
      'section',
      { class: 'card' },
      h('h2', {}, t('nav.accounts')),
      h(
        'table',
        { id: 'accounts' },
        h(
          'thead',
          {},
          h('tr', {}, ...['account.name', 'account.role', 'common.state', 'account.changedAt', ''].map((k) => h('th', {}, k ? t(k) : ''))),
        ),
        body,
      ),
    ),
  );
  await load().catch((err) => toast(err.describe ? err.describe() : err.message));
}
