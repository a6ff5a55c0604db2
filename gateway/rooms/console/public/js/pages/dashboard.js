// The dashboard: active alarms first, then cameras (live thumbnail, fps, state), gates (state, open) and the uplink.
import { action, getJson } from '../api.js';
import { h, fmtTime, toast } from '../dom.js';
import { t } from '../i18n.js';
import { can } from '../session.js';
import { onEvent } from '../live-events.js';
import { eventRow } from '../event-view.js';
import { alarmCard } from '../components/alarm-card.js';
import { listAlarms } from '../alarms-client.js';
import { labelOf } from '../device-names.js';
import { loadUplinks } from '../uplinks.js';

const GATE_KINDS = ['barrier', 'turnstile', 'pedestrian_gate'];

export function gateState(d) {
  if (!d.online) return 'offline';
  if (d.heldOpen) return 'heldOpen';
  const position = d.position ?? d.gate;
  if (position === 'fault') return 'fault';
  if (position === 'not_reported') return 'not_reported';
  if (position === 'open' || position === 'opening') return 'open';
  if (position === 'closed' || position === 'closing') return 'closed';
  return 'unknown';
}

export async function render(view) {
  const alarms = h('section', { id: 'alarms', class: 'alarms' });
  const cameras = h('div', { class: 'grid', id: 'cameras' });
  const gates = h('div', { class: 'grid', id: 'gates' });
  const uplink = h('ul', { id: 'uplink', class: 'uplinks' });
  const recent = h('tbody');
  view.append(
    alarms,
    h(
      'div',
      { class: 'dash' },
      h('section', { class: 'card cameras' }, h('h2', {}, t('dash.cameras')), cameras),
      h(
        'div',
        {},
        h('section', { class: 'card' }, h('h2', {}, t('dash.gates')), gates),
        h('section', { class: 'card' }, h('h2', {}, t('dash.uplink')), uplink),
      ),
    ),
    h('section', { class: 'card' }, h('h2', {}, t('dash.recent')), h('table', { id: 'recent' }, recent)),
  );
  const rates = new Map();

  async function loadAlarms() {
    const list = (await listAlarms()).filter((a) => a.state !== 'resolved');
    list.sort((a, b) => (a.state === 'raised' ? 0 : 1) - (b.state === 'raised' ? 0 : 1) || String(b.raisedAt).localeCompare(a.raisedAt));
    alarms.replaceChildren(...list.map((a) => alarmCard(a, loadAlarms)));
  }

  async function loadCameras() {
    const list = await action('cameras/list');
    const now = Date.now();
    cameras.replaceChildren(
      ...list.map((c) => {
        const prev = rates.get(c.cameraId);
        const fps = prev && now > prev.at ? ((c.framesIn - prev.frames) * 1000) / (now - prev.at) : null;
        rates.set(c.cameraId, { frames: c.framesIn, at: now });
        return h(
          'div',
          { class: `tile camera ${c.state}`, dataset: { camera: c.cameraId } },
          h('img', { class: 'live-thumb', src: `/api/cameras/${encodeURIComponent(c.cameraId)}/latest.jpg?t=${now}`, alt: c.cameraId }),
          h('div', {}, h('strong', {}, c.cameraId), ' ', h('span', { class: `state ${c.state}` }, t(`camera.${c.state}`))),
          h(
            'div',
            { class: 'muted' },
            t('camera.fps', { fps: fps === null ? '–' : fps.toFixed(1) }),
            ' · ',
            t('camera.dropped', { n: c.dropped }),
          ),
          h('a', { href: `#/live/${encodeURIComponent(c.cameraId)}` }, t('camera.live')),
        );
      }),
    );
  }

  async function loadGates() {
    const { devices } = await action('devices/list');
    gates.replaceChildren(
      ...devices
        .filter((d) => GATE_KINDS.includes(d.kind))
        .map((d) => {
          const state = gateState(d);
          const open = h('button', { type: 'button', class: 'primary', disabled: !can('gate/open') || !d.online }, t('gate.open'));
          open.addEventListener('click', async () => {
            open.disabled = true;
            try {
              await action('gate/open', { gateId: d.id });
              toast(t('gate.opened', { gate: labelOf(d) }));
            } catch (err) {
              toast(err.describe());
            }
            open.disabled = false;
            loadGates();
          });
          return h(
            'div',
            { class: `tile gate ${state}`, dataset: { gate: d.id, state } },
            h('strong', {}, labelOf(d)),
            h('div', { class: `state ${state}` }, t(`gateState.${state}`)),
            can('gate/open') ? open : '',
          );
        }),
    );
  }

  async function loadUplink() {
    const list = await loadUplinks();
    uplink.replaceChildren(
      ...list.map((u) =>
        h(
          'li',
          { dataset: { uplink: u.kind, state: u.state } },
          h('strong', {}, t(`uplink.kind.${u.kind}`)),
          ' ',
          h(
            'span',
            { class: `state ${u.state === 'up' ? 'online' : u.state === 'off' ? 'muted' : 'offline'}` },
            t(`uplink.state.${u.state}`),
          ),
          u.since && u.state !== 'off' ? ` ${t('uplink.since', { since: fmtTime(u.since) })}` : '',
          u.backlog !== null && u.state !== 'off' ? h('span', { class: 'backlog' }, ' · ', t('uplink.waiting', { n: u.backlog })) : '',
          u.detail && u.state !== 'up' ? h('div', { class: 'muted' }, u.detail) : '',
        ),
      ),
    );
  }

  async function loadRecent() {
    const { events } = await getJson('/api/events?limit=15');
    recent.replaceChildren(...events.filter((e) => !e.kind.startsWith('camera.motion')).map(eventRow));
  }

  const all = () =>
    Promise.all([loadAlarms(), loadCameras(), loadGates(), loadUplink().then(loadRecent)]).catch((err) =>
      toast(err.describe ? err.describe() : err.message),
    );
  await all();
  const timer = setInterval(() => {
    loadCameras().catch(() => undefined);
    loadUplink().catch(() => undefined);
  }, 2000);
  // Gates, and the recent events' delivery per uplink (a row shown as waiting goes out meanwhile).
  const slow = setInterval(() => {
    loadGates().catch(() => undefined);
    loadRecent().catch(() => undefined);
  }, 5000);
  const off = onEvent((e) => {
    if (e.kind === 'camera.motion') return;
    recent.prepend(eventRow(e));
    while (recent.children.length > 15) recent.lastChild.remove();
    if (e.kind.startsWith('alarm.')) loadAlarms().catch(() => undefined);
    if (e.kind.startsWith('gate.') || e.kind.startsWith('device.') || e.kind === 'alarm.fire') loadGates().catch(() => undefined);
  });
  return () => {
    clearInterval(timer);
    clearInterval(slow);
    off();
  };
}
