// The console's API: JSON over fetch with the session cookie; every POST carries the session's CSRF token.
import { t } from './i18n.js';

let csrf = null;

export function setCsrf(token) {
  csrf = token;
}

export class ApiError extends Error {
  constructor(code, message, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
  /** A sentence for people: the code's text from the catalogue, then the gateway's detail. */
  describe() {
    const key = `error.${this.code}`;
    const text = t(key);
    return text === key ? this.message : `${text} (${this.message})`;
  }
}

async function parse(res) {
  const type = res.headers.get('content-type') || '';
  const body = type.includes('json') ? await res.json() : null;
  if (res.ok && (!body || body.status !== 'error')) return body;
  if (res.status === 401 && body && body.code !== 'setup_needed' && csrf) window.dispatchEvent(new Event('session-ended'));
  throw new ApiError(body?.code || 'internal', body?.error || `HTTP ${res.status}`, res.status);
}

export async function getJson(path) {
  return parse(await fetch(path, { credentials: 'same-origin' }));
}

export async function postJson(path, body = {}, token = csrf) {
  return parse(
    await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': token || '' },
      body: JSON.stringify(body),
    }),
  );
}

/** Runs an action of the gateway's action table as the logged-in user; resolves with its data. */
export async function action(name, input = {}) {
  const r = await postJson(`/api/actions/${name}`, input);
  return r.data;
}
