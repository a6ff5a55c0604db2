// Alarms: open ones first, then (where the gateway keeps them) the recently resolved.
import { h, toast } from '../dom.js';
import { t } from '../i18n.js';
import { listAlarms } from '../alarms-client.js';
import { onEvent } from '../live-events.js';
import { alarmCard } from '../components/alarm-card.js';

export async function render(view) {
  const list = h('div', { id: 'alarm-list' });
  view.append(h('section', { class: 'card' }, h('h2', {}, t('nav.alarms')), list));
  const load = async () => {
    try {
      const alarms = await listAlarms(true);
      const order = { raised: 0, acknowledged: 1, resolved: 2 };
      alarms.sort((a, b) => order[a.state] - order[b.state] || String(b.raisedAt).localeCompare(a.raisedAt));
      list.replaceChildren(...(alarms.length ? alarms.map((a) => alarmCard(a, load)) : [h('p', { class: 'muted' }, t('alarm.none'))]));
    } catch (err) {
      toast(err.describe ? err.describe() : err.message);
    }
  };
  await load();
  return onEvent((e) => {
    if (e.kind.startsWith('alarm.')) load();
  });
}
