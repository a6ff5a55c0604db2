// The login form (the only page without a session, besides the set-up notice).
import { postJson } from '../api.js';
import { h } from '../dom.js';
import { t, setLocale, locale } from '../i18n.js';

export function renderLogin(view, loginToken, onLogin) {
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const name = h('input', { name: 'name', autocomplete: 'username', required: true, maxlength: 64 });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const lang = h(
    'select',
    { name: 'locale', 'aria-label': 'language' },
    h('option', { value: 'zh' }, '中文'),
    h('option', { value: 'en' }, 'English'),
  );
  lang.value = locale();
  lang.addEventListener('change', async () => {
    localStorage.setItem('se-locale', lang.value);
    await setLocale(lang.value);
    renderLogin(view, loginToken, onLogin);
  });
  const form = h(
    'form',
    { class: 'login card', id: 'login' },
    h('h1', {}, t('app.title')),
    h('label', {}, t('login.name'), name),
    h('label', {}, t('login.password'), password),
    h('button', { type: 'submit' }, t('login.submit')),
    error,
    lang,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.hidden = true;
    try {
      const s = await postJson('/api/login', { name: name.value, password: password.value }, loginToken);
      onLogin(s);
    } catch (err) {
      error.textContent = err.code === 'locked' ? t('login.locked', { detail: err.message }) : err.describe ? err.describe() : err.message;
      error.hidden = false;
      password.value = '';
    }
  });
  view.replaceChildren(form);
  name.focus();
}
