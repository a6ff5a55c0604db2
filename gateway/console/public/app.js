// Sharp Eyes console: plain JS, no build step. Talks to /api (same origin).
'use strict';
const token = new URLSearchParams(location.search).get('token');
const auth = token ? { authorization: `Bearer ${token}` } : {};
const $ = (sel) => document.querySelector(sel);

function showError(message) {
  const el = $('#error');
  el.textContent = message;
  el.hidden = !message;
}

async function action(name, input = {}) {
  const res = await fetch(`/api/actions/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify(input),
  });
  const body = await res.json();
  if (body.status !== 'ok') throw new Error(body.error || `HTTP ${res.status}`);
  return body.data;
}

function cell(text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

function summarise(data) {
  if (!data || typeof data !== 'object') return JSON.stringify(data);
  const keys = ['gateId', 'deviceId', 'cameraId', 'allow', 'reason', 'label', 'plate', 'name', 'input', 'state'];
  const parts = keys.filter((k) => data[k] !== undefined && data[k] !== null).map((k) => `${k}=${data[k]}`);
  return parts.length ? parts.join(' ') : JSON.stringify(data).slice(0, 200);
}

function addEvent(row, atTop = true) {
  const tr = document.createElement('tr');
  tr.dataset.id = row.id;
  tr.dataset.kind = row.kind;
  if (row.kind.startsWith('alarm.')) tr.className = 'alarm';
  if (row.kind === 'access.decision' && row.data && row.data.allow) tr.className = 'access-allow';
  tr.append(
    cell(String(row.seq || '')),
    cell(new Date(row.ts).toLocaleTimeString()),
    cell(row.kind),
    cell(summarise(row.data), 'details'),
    cell(row.sent ? 'sent' : 'queued'),
  );
  const body = $('#events tbody');
  if (atTop) body.prepend(tr);
  else body.append(tr);
  while (body.children.length > 200) body.lastChild.remove();
}

async function loadStatus() {
  const res = await fetch('/api/status', { headers: auth });
  const s = await res.json();
  $('#node').textContent = `${s.nodeId} · v${s.version}`;
  $('#summary').textContent = `running since ${new Date(s.startedAt).toLocaleString()} · ${s.outbox.unsent} events waiting for the uplink`;
  return s;
}

async function loadDevices(actions) {
  if (!actions.includes('devices/list')) return;
  const devices = await action('devices/list');
  const list = Array.isArray(devices) ? devices : devices.devices || [];
  const body = $('#devices tbody');
  body.replaceChildren();
  for (const d of list) {
    const tr = document.createElement('tr');
    tr.dataset.device = d.id;
    const td = document.createElement('td');
    if (actions.includes('gate/open') && /gate|barrier|turnstile/i.test(`${d.kind || ''} ${d.model || ''} ${d.role || ''}`)) {
      const b = document.createElement('button');
      b.textContent = 'Open';
      b.addEventListener('click', () =>
        action('gate/open', { gateId: d.id }).then(
          () => showError(''),
          (e) => showError(`open ${d.id}: ${e.message}`),
        ),
      );
      td.append(b);
    }
    tr.append(
      cell(d.id),
      cell(d.model || d.profile || ''),
      cell(typeof d.state === 'object' ? JSON.stringify(d.state) : String(d.online === false ? 'offline' : d.state || 'online')),
      td,
    );
    body.append(tr);
  }
  $('#gates-section').hidden = list.length === 0;
}

async function loadCameras(actions) {
  if (!actions.includes('cameras/list')) return;
  const cams = await action('cameras/list');
  const list = Array.isArray(cams) ? cams : cams.cameras || [];
  const body = $('#cameras tbody');
  body.replaceChildren();
  for (const c of list) {
    const tr = document.createElement('tr');
    const td = document.createElement('td');
    if (c.liveUrl) {
      const a = document.createElement('a');
      a.href = c.liveUrl;
      a.textContent = 'live view';
      td.append(a);
    }
    tr.append(cell(c.id), cell(c.online ? 'online' : 'offline'), cell(String(c.counters ? c.counters.framesIn : (c.framesIn ?? ''))), td);
    body.append(tr);
  }
  $('#cameras-section').hidden = list.length === 0;
}

async function main() {
  try {
    const status = await loadStatus();
    const recent = await (await fetch('/api/events?limit=100', { headers: auth })).json();
    for (const row of recent) addEvent(row, false);
    await Promise.all([loadDevices(status.actions), loadCameras(status.actions)]);
    const stream = new EventSource(`/api/events/stream${token ? `?token=${encodeURIComponent(token)}` : ''}`);
    stream.onmessage = (m) => addEvent(JSON.parse(m.data));
    stream.onopen = () => $('#live').classList.remove('down');
    stream.onerror = () => $('#live').classList.add('down');
    setInterval(() => {
      loadStatus().catch(() => undefined);
      loadDevices(status.actions).catch(() => undefined);
      loadCameras(status.actions).catch(() => undefined);
    }, 5000);
  } catch (err) {
    showError(`console: ${err.message}`);
  }
}
main();
