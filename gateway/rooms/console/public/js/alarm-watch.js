// On every page: a banner and the tone while any alarm is raised and not acknowledged.
import { listAlarms } from './alarms-client.js';
import { onEvent } from './live-events.js';
import { setAlarmSound } from './alarm-sound.js';
import { $, h } from './dom.js';
import { t } from './i18n.js';

let refreshing = false;

export async function refreshAlarms() {
  if (refreshing) return;
  refreshing = true;
  try {
    const raised = (await listAlarms()).filter((a) => a.state === 'raised');
    const banner = $('#alarm-banner');
    banner.hidden = raised.length === 0;
    const audible = await setAlarmSound(raised.length > 0);
    banner.replaceChildren(
      h('a', { href: '#/dashboard' }, t('alarm.banner', { n: raised.length })),
      audible ? '' : h('button', { type: 'button', onclick: () => setAlarmSound(true).then(refreshAlarms) }, t('alarm.enableSound')),
    );
  } catch {
    // the next event or tick tries again
  } finally {
    refreshing = false;
  }
}

export function startAlarmWatch() {
  refreshAlarms();
  onEvent((e) => {
    if (e.kind.startsWith('alarm.')) refreshAlarms();
  });
  setInterval(refreshAlarms, 10_000);
}
