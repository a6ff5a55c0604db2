// One alarm: what, where, when, its picture, and acknowledge / resolve with a note.
import { h, fmtTime, toast } from '../dom.js';
import { t } from '../i18n.js';
import { can } from '../session.js';
import { acknowledge, resolve } from '../alarms-client.js';
import { thumbnail } from '../event-view.js';
import { refreshAlarms } from '../alarm-watch.js';
import { deviceName } from '../device-names.js';

export function alarmCard(a, reload) {
  const note = h('input', { class: 'note', 'data-i18n-placeholder': 'alarm.note', placeholder: t('alarm.note'), maxlength: 500 });
  const run = (fn) => async () => {
    try {
      await fn(a, note.value.trim() || undefined);
      await reload();
      refreshAlarms();
    } catch (err) {
      toast(err.describe ? err.describe() : err.message);
    }
  };
  const who = [
    a.escalatedAt && a.state === 'raised' ? t('alarm.escalatedAt', { at: fmtTime(a.escalatedAt) }) : '',
    a.acknowledgedBy ? t('alarm.ackBy', { by: a.acknowledgedBy, at: fmtTime(a.acknowledgedAt) }) : '',
    a.resolvedBy ? t('alarm.resolvedBy', { by: a.resolvedBy, at: fmtTime(a.resolvedAt) }) : '',
  ].filter(Boolean);
  return h(
    'div',
    { class: `alarm-card ${a.state} ${a.severity}`, dataset: { alarm: a.alarmId, state: a.state } },
    h('div', { class: 'pic' }, thumbnail(a.snapshotId) || h('span', { class: 'muted' }, t('alarm.noPicture'))),
    h(
      'div',
      {},
      h('strong', {}, t(`alarm.kind.${a.kind}`), ' · ', a.deviceName || deviceName(a.deviceId)),
      h('div', {}, t(`alarm.state.${a.state}`), ' · ', fmtTime(a.raisedAt)),
      ...who.map((w) => h('div', { class: 'muted' }, w)),
      a.note ? h('div', { class: 'muted' }, a.note) : '',
      // A fire input fault is resolved by the input reading again, never by a responder.
      a.kind === 'fire_fault' && a.state !== 'resolved' ? h('div', { class: 'muted' }, t('alarm.fireFaultNote')) : '',
      can('alarm/ack') && a.state !== 'resolved' ? note : '',
      can('alarm/ack') && a.state === 'raised'
        ? h('button', { type: 'button', class: 'primary ack', onclick: run(acknowledge) }, t('alarm.ack'))
        : '',
      can('alarm/resolve') && a.state !== 'resolved' && a.kind !== 'fire_fault'
        ? h('button', { type: 'button', class: 'resolve', onclick: run(resolve) }, t('alarm.resolve'))
        : '',
    ),
  );
}
