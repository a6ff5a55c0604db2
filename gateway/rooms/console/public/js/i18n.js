// Message catalogues: /i18n/<locale>.json, one file per language. Every text on the pages comes from them.
let messages = {};
let current = 'zh';

export const LOCALES = ['zh', 'en'];

export function locale() {
  return current;
}

export async function setLocale(l) {
  const wanted = LOCALES.includes(l) ? l : 'zh';
  const res = await fetch(`/i18n/${wanted}.json`);
  messages = await res.json();
  current = wanted;
  document.documentElement.lang = wanted === 'zh' ? 'zh-CN' : 'en';
  applyI18n(document);
}

/** The message for `key`, with {name} placeholders filled. */
export function t(key, vars = {}) {
  const text = messages[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, k) => (vars[k] === undefined ? m : String(vars[k])));
}

/** Whether the catalogue has `key` (for optional labels such as event kinds). */
export function has(key) {
  return key in messages;
}

export function applyI18n(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
}
