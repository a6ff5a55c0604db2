// The audit log (admins): who did what, when, through which channel, and whether it worked.
import { getJson } from '../api.js';
import { h, fmtTime, localToIso, toast } from '../dom.js';
import { t } from '../i18n.js';

export function auditQuery(fields, before = 0) {
  const p = new URLSearchParams({ limit: '100' });
  for (const k of ['by', 'action', 'channel', 'ok']) if (fields[k]) p.set(k, fields[k]);
  for (const k of ['from', 'to']) if (fields[k]) p.set(k, fields[k]);
  if (before) p.set('before', String(before));
  return p.toString();
}

function inputText(input) {
  if (!input || typeof input !== 'object') return '';
  return Object.entries(input)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`)
    .join(' ')
    .slice(0, 200);
}

export async function render(view) {
  const by = h('input', { name: 'by', placeholder: t('audit.by') });
  const actionName = h('input', { name: 'action', placeholder: t('audit.action') });
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
  const from = h('input', { name: 'from', type: 'datetime-local', title: t('events.from') });
  const to = h('input', { name: 'to', type: 'datetime-local', title: t('events.to') });
  const body = h('tbody');
  const more = h('button', { type: 'button', hidden: true }, t('events.more'));
  let oldest = 0;
  const query = async (append) => {
    const q = auditQuery(
      {
        by: by.value.trim(),
        action: actionName.value.trim(),
        channel: channel.value,
        ok: ok.value,
        from: localToIso(from.value),
        to: localToIso(to.value),
      },
      append ? oldest : 0,
    );
    try {
      const { entries } = await getJson(`/api/audit?${q}`);
      if (!append) body.replaceChildren();
      body.append(
        ...entries.map((e) =>
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
          ),
        ),
      );
      oldest = entries.at(-1)?.rowid ?? oldest;
      more.hidden = entries.length < 100;
    } catch (err) {
      toast(err.describe ? err.describe() : err.message);
    }
  };
  const form = h(
    'form',
    { class: 'filters', id: 'audit-filters' },
    by,
    actionName,
    channel,
    ok,
    from,
    to,
    h('button', { type: 'submit' }, t('events.search')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    query(false);
  });
  more.addEventListener('click', () => query(true));
  view.append(
    h(
      'section',
      { class: 'card' },
      h('h2', {}, t('nav.audit')),
      form,
      h(
        'table',
        { id: 'audit' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['events.time', 'audit.by', 'audit.channel', 'audit.action', 'audit.result', 'events.details'].map((k) => h('th', {}, t(k))),
          ),
        ),
        body,
      ),
      more,
    ),
  );
  await query(false);
}
