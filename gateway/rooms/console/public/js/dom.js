import { formatDateTime } from './format.js';
import { locale } from './i18n.js';

// Tiny DOM helpers: elements are built with textContent, never innerHTML, so no event data can inject markup.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export const $ = (sel, root = document) => root.querySelector(sel);

/** A time in the account's locale (zh: 2026-12-07 14:36:46); every page shows times through this. */
export function fmtTime(iso) {
  return formatDateTime(iso, locale());
}

/** A local datetime-local input value to ISO (with the browser's zone). */
export function localToIso(value) {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function toast(message) {
  const el = $('#toast');
  el.textContent = message;
  el.hidden = !message;
  if (message) setTimeout(() => (el.hidden = el.textContent !== message), 8000);
}
