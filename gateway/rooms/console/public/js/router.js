// Hash routes (#/dashboard, #/live/<camera>...): one module per page, each render() returns its cleanup.
import { h } from './dom.js';
import { t } from './i18n.js';
import { can, currentUser } from './session.js';
import * as dashboard from './pages/dashboard.js';
import * as alarms from './pages/alarms.js';
import * as events from './pages/events.js';
import * as residents from './pages/residents.js';
import * as vehicles from './pages/vehicles.js';
import * as visitors from './pages/visitors.js';
import * as watchlist from './pages/watchlist.js';
import * as live from './pages/live.js';
import * as accounts from './pages/accounts.js';
import * as audit from './pages/audit.js';

const PAGES = [
  { path: 'dashboard', page: dashboard },
  { path: 'alarms', page: alarms },
  { path: 'events', page: events },
  { path: 'residents', page: residents, needs: 'residents/list' },
  { path: 'vehicles', page: vehicles, needs: 'vehicles/list' },
  { path: 'visitors', page: visitors },
  { path: 'watchlist', page: watchlist, needs: 'watchlist/get' },
  { path: 'live', page: live },
  { path: 'accounts', page: accounts },
  { path: 'audit', page: audit, role: 'admin' },
];

let cleanup = null;

export function startRouter(view, nav) {
  nav.replaceChildren(
    ...PAGES.filter((p) => (!p.needs || can(p.needs)) && (!p.role || currentUser()?.role === p.role)).map((p) =>
      h('a', { href: `#/${p.path}`, dataset: { page: p.path } }, t(`nav.${p.path}`)),
    ),
  );
  const show = async () => {
    const [, path = 'dashboard', ...args] = location.hash.split('/');
    const entry = PAGES.find((p) => p.path === path && (!p.role || currentUser()?.role === p.role)) || PAGES[0];
    for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.dataset.page === entry.path);
    if (cleanup) cleanup();
    cleanup = null;
    view.replaceChildren();
    view.dataset.page = entry.path;
    cleanup = (await entry.page.render(view, args.map(decodeURIComponent))) || null;
  };
  window.addEventListener('hashchange', show);
  show();
}
