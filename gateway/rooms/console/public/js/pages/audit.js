// The audit log (admins): who did what, when, through which channel, and whether it worked.
import { getJson } from '../api.js';
import { h, fmtTime } from '../dom.js';
import { t } from '../i18n.js';
import { searchTable } from '../components/search-table.js';

function inputText(input) {
  if (!input || typeof input !== 'object') return '';
  return Object.entries(input)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`)
    .join(' ')
    .slice(0, 200);
}

export async function render(view) {
  const channel = h(
    'select',
    { name: 'channel' },
    h('option', { value: '' }, t('audit.allChannels')),
    ...['console', 'platform', 'cli', 'system'].map((c) => h('option', { value: c }, t(`audit.channel.${c}`))),
  );
  const ok = h(
    'select',
    { name: 'ok' },
    h('option', { value: '' }, t('audit.allResults')),
    h('option', { value: 'true' }, t('audit.ok')),
    h('option', { value: 'false' }, t('audit.failed')),
  );
  const row = (e) =>
    h(
      'tr',
      { dataset: { action: e.action, ok: String(e.ok) }, class: e.ok ? '' : 'failed' },
      h('td', {}, fmtTime(e.ts)),
      h('td', {}, e.by),
      h('td', {}, t(`audit.channel.${e.channel}`)),
      h('td', {}, e.action),
      h(
        'td',
        { class: e.ok ? 'state online' : 'state offline' },
        e.ok ? t('audit.ok') : `${t('audit.failed')}${e.code ? ` (${e.code})` : ''}`,
      ),
      h('td', { class: 'muted details' }, [inputText(e.input), e.error].filter(Boolean).join(' · ')),
    );
  const { card, load } = searchTable({
    id: 'audit',
    formId: 'audit-filters',
    title: t('nav.audit'),
    fields: [
      h('input', { name: 'by', placeholder: t('audit.by') }),
      h('input', { name: 'action', placeholder: t('audit.action') }),
      channel,
      ok,
    ],
    headers: ['events.time', 'audit.by', 'audit.channel', 'audit.action', 'audit.result', 'events.details'],
    fetchRows: async (p) => (await getJson(`/api/audit?${p}`)).entries,
    row,
  });
  view.append(card);
  await load();
}
