// One Server-Sent Events stream of the gateway's events for every page that listens.
const listeners = new Set();
let source = null;

export function onEvent(fn) {
  listeners.add(fn);
  if (!source) {
    source = new EventSource('/api/events/stream');
    source.onmessage = (m) => {
      const row = JSON.parse(m.data);
      for (const l of listeners) l(row);
    };
  }
  return () => listeners.delete(fn);
}
