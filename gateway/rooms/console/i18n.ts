import { readFileSync } from 'node:fs';
import type { Locale } from './accounts/user-store.js';

/**
 * The console's message catalogues (public/i18n/<locale>.json, one file per language, served to
 * the browser as they are) for the few texts written on the server side: the `sharpeyes users`
 * command's output, in the CLI's language (core/locale.ts).
 */
const cache = new Map<Locale, Record<string, string>>();

export function catalogue(locale: Locale): Record<string, string> {
  let c = cache.get(locale);
  if (!c) {
    c = JSON.parse(readFileSync(new URL(`./public/i18n/${locale}.json`, import.meta.url), 'utf8')) as Record<string, string>;
    cache.set(locale, c);
  }
  return c;
}

/** The message `key` with {name} placeholders filled; the key itself if missing (the completeness test catches that). */
export function translate(locale: Locale, key: string, vars: Record<string, string | number> = {}): string {
  const text = catalogue(locale)[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (vars[k] === undefined ? m : String(vars[k])));
}
