// Until an admin account exists the console shows only how to create one (there is no default password).
import { h } from '../dom.js';
import { t } from '../i18n.js';

export function renderSetup(view) {
  view.replaceChildren(
    h(
      'section',
      { class: 'card setup', id: 'setup' },
      h('h1', {}, t('setup.title')),
      h('p', {}, t('setup.explain')),
      h('pre', {}, 'npx sharpeyes users add NAME --role admin'),
      h('p', {}, t('setup.then')),
    ),
  );
}
