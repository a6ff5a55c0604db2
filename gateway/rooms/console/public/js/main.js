// Boot: the session decides the page — the set-up notice (no admin yet), the login, or the console.
import { getJson, postJson, setCsrf } from './api.js';
import { setLocale, locale, t } from './i18n.js';
import { loadSession } from './session.js';
import { startRouter } from './router.js';
import { $, toast } from './dom.js';
import { renderLogin } from './pages/login.js';
import { renderSetup } from './pages/setup.js';
import { startAlarmWatch } from './alarm-watch.js';
import { loadDeviceNames } from './device-names.js';

async function boot() {
  const s = await getJson('/api/session');
  const view = $('#view');
  if (!s.authenticated) {
    setCsrf(null);
    await setLocale(localStorage.getItem('se-locale') || 'zh');
    $('#top').hidden = true;
    if (s.setupNeeded) return renderSetup(view);
    return renderLogin(view, s.loginCsrf, onLogin);
  }
  await onLogin(s);
}

async function onLogin(s) {
  setCsrf(s.csrf);
  await setLocale(s.user.locale);
  await loadSession(s.user);
  await loadDeviceNames().catch(() => undefined); // names fall back to ids
  $('#top').hidden = false;
  $('#node').textContent = s.nodeId;
  $('#who').textContent = `${s.user.name} · ${t(`role.${s.user.role}`)}`;
  $('#locale').value = locale();
  startAlarmWatch();
  startRouter($('#view'), $('#nav'));
}

$('#locale').addEventListener('change', async (e) => {
  const l = e.target.value;
  localStorage.setItem('se-locale', l);
  try {
    await postJson('/api/locale', { locale: l });
  } catch (err) {
    toast(err.describe ? err.describe() : err.message);
  }
  location.reload();
});

$('#logout').addEventListener('click', async () => {
  await postJson('/api/logout').catch(() => undefined);
  location.hash = '';
  location.reload();
});

window.addEventListener('session-ended', () => location.reload());

boot().catch((err) => {
  $('#view').textContent = `${err.message}`;
});
