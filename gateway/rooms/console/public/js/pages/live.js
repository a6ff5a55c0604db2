// Live view of a camera: JSMpeg (served by the console from node_modules) over the console's own websocket.
import { action } from '../api.js';
import { h, toast } from '../dom.js';
import { t } from '../i18n.js';

let loading = null;
function loadJsmpeg() {
  loading =
    loading ||
    new Promise((resolve, reject) => {
      const s = h('script', { src: '/vendor/jsmpeg.js' });
      s.onload = resolve;
      s.onerror = () => reject(new Error(t('live.noPlayer')));
      document.head.append(s);
    });
  return loading;
}

export async function render(view, [cameraId]) {
  const cams = await action('cameras/list');
  const id = cameraId || cams[0]?.cameraId;
  const picker = h(
    'nav',
    { class: 'tabs' },
    ...cams.map((c) => h('a', { href: `#/live/${encodeURIComponent(c.cameraId)}`, class: c.cameraId === id ? 'active' : '' }, c.cameraId)),
  );
  const canvas = h('canvas', { id: 'live-canvas', width: 640, height: 360 });
  const status = h('p', { class: 'muted', id: 'live-status' }, t('live.connecting'));
  view.append(h('section', { class: 'card' }, h('h2', {}, t('nav.live')), picker, canvas, status));
  if (!id) {
    status.textContent = t('live.noCamera');
    return undefined;
  }
  let player = null;
  try {
    await loadJsmpeg();
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    player = new JSMpeg.Player(`${scheme}://${location.host}/api/live/${encodeURIComponent(id)}`, {
      canvas,
      audio: false,
      disableGl: true,
      disableWebAssembly: true,
      preserveDrawingBuffer: true,
      onVideoDecode: () => {
        window.liveFrames = (window.liveFrames || 0) + 1;
        status.textContent = t('live.playing', { camera: id });
      },
      onSourceClosed: () => (status.textContent = t('live.closed')),
    });
  } catch (err) {
    toast(err.message);
  }
  return () => player?.destroy();
}
