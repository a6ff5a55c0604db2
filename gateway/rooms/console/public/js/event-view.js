// How an event reads on the pages: its kind's label, a one-line summary and its picture.
import { deliveries } from './uplinks.js';
import { h, fmtTime } from './dom.js';
import { t, has } from './i18n.js';

export function kindLabel(kind) {
  return has(`kind.${kind}`) ? t(`kind.${kind}`) : kind;
}

export function summary(e) {
  const d = e.data || {};
  switch (e.kind) {
    case 'face.recognized':
      return t('event.face', { name: d.name, camera: d.cameraId, similarity: Number(d.similarity).toFixed(2) });
    case 'face.unknown':
      return t('event.stranger', { camera: d.cameraId });
    case 'plate.recognized':
      return t(d.known ? 'event.plateKnown' : 'event.plate', { plate: d.plate, camera: d.cameraId });
    case 'access.decision':
      return t(d.allow ? 'event.allowed' : 'event.refused', { label: d.label, gate: d.gateId, reason: t(`reason.${d.reason}`) });
    case 'gate.command':
      return t(d.ok ? 'event.gateOk' : 'event.gateFailed', {
        gate: d.deviceId,
        command: d.command,
        origin: d.origin,
        error: d.error || '',
      });
    case 'alarm.raised':
      return t('event.alarm', { device: d.name || d.deviceId });
    case 'alarm.snapshot':
      return d.snapshotId
        ? t('event.alarmPicture', { device: d.deviceId, camera: d.cameraId })
        : t('event.alarmNoPicture', { device: d.deviceId, error: d.error || '' });
    case 'device.input':
      return t(d.active ? 'event.inputOn' : 'event.inputOff', { device: d.deviceId, input: d.input });
    case 'alarm.acknowledged':
      return t('event.alarmAck', { device: d.deviceId, by: d.by });
    case 'alarm.escalated':
      return t('event.alarmEscalated', { device: d.deviceId, after: Math.round(d.afterS) });
    case 'alarm.resolved':
      return t('event.alarmResolved', { device: d.deviceId, by: d.by });
    case 'audit.action':
      return t(d.ok ? 'event.audit' : 'event.auditFailed', { by: d.by, action: d.action, code: d.code || '' });
    default:
      return Object.entries(d)
        .filter(([, v]) => v !== null && typeof v !== 'object')
        .slice(0, 6)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
  }
}

/** The snapshot ids of an event: the scene, and a crop if it has one. */
export function snapshotOf(e) {
  const d = e.data || {};
  return d.snapshotId || null;
}

/** A thumbnail that opens the full picture in an overlay. */
export function thumbnail(snapshotId, crop = false) {
  if (!snapshotId) return '';
  const src = `/api/snapshots/${encodeURIComponent(snapshotId)}.jpg${crop ? '?crop=1' : ''}`;
  const img = h('img', { class: 'thumb', src, alt: '', loading: 'lazy' });
  img.addEventListener('click', () => showPicture(`/api/snapshots/${encodeURIComponent(snapshotId)}.jpg`));
  img.addEventListener('error', () => img.replaceWith(h('span', { class: 'muted' }, t('event.pictureGone'))));
  return img;
}

export function showPicture(src) {
  const overlay = h('div', { class: 'overlay', onclick: () => overlay.remove() }, h('img', { src, alt: '' }));
  document.body.append(overlay);
}

/** Where the event went, per uplink that carries it: "MQTT 已上传 · 视图库 待上传". */
export function deliveryText(e) {
  const list = deliveries(e);
  if (!list.length) return e.sent ? t('event.sent') : t('event.queued');
  return list.map((d) => `${t(`uplink.short.${d.kind}`)} ${t(d.state === 'sent' ? 'event.sent' : 'event.queued')}`).join(' · ');
}

export function eventRow(e) {
  return h(
    'tr',
    { dataset: { id: e.id, kind: e.kind }, class: e.kind.startsWith('alarm.') ? 'alarm' : e.data?.allow ? 'allow' : '' },
    h('td', {}, fmtTime(e.ts)),
    h('td', {}, kindLabel(e.kind)),
    h('td', { class: 'details' }, summary(e)),
    h('td', {}, thumbnail(snapshotOf(e))),
    h('td', { class: 'muted delivery' }, deliveryText(e)),
  );
}
