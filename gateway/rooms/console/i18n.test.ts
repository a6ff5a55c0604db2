import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogue, translate } from './i18n.js';
import { catalogue as events } from '../../events.js';
import { ERROR_CODES } from '../../core/error-codes.js';

const PUBLIC = join(import.meta.dirname, 'public');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
const sources = files(PUBLIC).filter((f) => /\.(js|html)$/.test(f));
const zh = catalogue('zh');
const en = catalogue('en');

/** Namespaces of message keys; string literals starting with one of them are keys. */
const NAMESPACES = Object.keys(en).map((k) => k.split('.')[0]);

describe('console message catalogues', () => {
  it('have the same keys in both languages, none empty', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const [k, v] of [...Object.entries(zh), ...Object.entries(en)]) expect(v.trim(), k).not.toBe('');
  });

  it('use the same placeholders in both languages', () => {
    const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(en)) expect(vars(zh[k] as string), k).toEqual(vars(en[k] as string));
  });

  it('have every key the pages use (literal keys and data-i18n attributes)', () => {
    const used = new Set<string>();
    for (const f of sources) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/data-i18n(?:-placeholder|-title)?="([^"]+)"/g)) used.add(m[1] as string);
      for (const m of text.matchAll(/'([a-z][A-Za-z]*(?:\.[A-Za-z0-9_-]+)+)'/g)) {
        const key = m[1] as string;
        if (NAMESPACES.includes(key.split('.')[0] as string) && !(key in events)) used.add(key);
      }
    }
    expect(used.size).toBeGreaterThan(100);
    expect([...used].filter((k) => !(k in en))).toEqual([]);
  });

  it('have every key built at run time: event kinds, error codes, roles, states, reasons', () => {
    const dynamic = [
      ...Object.keys(events).map((k) => `kind.${k}`),
      ...Object.entries(ERROR_CODES)
        .filter(([, spec]) => spec.channels.includes('console'))
        .map(([c]) => `error.${c}`),
      ...['viewer', 'operator', 'admin'].map((r) => `role.${r}`),
      ...['starting', 'online', 'offline', 'stopped'].map((s) => `camera.${s}`),
      ...['open', 'closed', 'heldOpen', 'fault', 'offline', 'unknown', 'not_reported'].map((s) => `gateState.${s}`),
      ...['embedded_broker', 'city_mqtt', 'gb28181', 'gat1400'].flatMap((k) => [`uplink.kind.${k}`, `uplink.short.${k}`]),
      ...['off', 'connecting', 'up', 'down'].map((s) => `uplink.state.${s}`),
      ...['console', 'platform', 'cli', 'system'].map((c) => `audit.channel.${c}`),
      ...['panic', 'tamper', 'fire', 'fire_fault'].map((s) => `alarm.kind.${s}`),
      ...['raised', 'acknowledged', 'resolved'].map((s) => `alarm.state.${s}`),
      ...['resident', 'visitor_valid', 'visitor_not_yet_valid', 'visitor_expired', 'unknown', 'denied', 'gate_fault'].map(
        (r) => `reason.${r}`,
      ),
      ...['pending', 'valid', 'expired'].map((s) => `visitor.${s}`),
      ...['resident', 'visitor'].map((s) => `person.${s}`),
      ...['dashboard', 'alarms', 'events', 'residents', 'vehicles', 'visitors', 'watchlist', 'live'].map((p) => `nav.${p}`),
      ...['add', 'passwd', 'role', 'remove'].map((s) => `cli.users.done.${s}`),
    ];
    expect(dynamic.filter((k) => !(k in en))).toEqual([]);
  });

  it('keep texts out of the pages: no bare words in the HTML', () => {
    const html = readFileSync(join(PUBLIC, 'index.html'), 'utf8');
    const texts = [...html.matchAll(/>([^<>]+)</g)]
      .map((m) => (m[1] as string).trim())
      .filter((s) => s && !['中文', 'English', 'Sharp Eyes'].includes(s));
    expect(texts).toEqual([]);
  });

  it('fill placeholders', () => {
    expect(translate('en', 'gate.opened', { gate: 'gate-1' })).toBe('gate-1 opened');
    expect(translate('zh', 'gate.opened', { gate: 'gate-1' })).toBe('gate-1 已开启');
  });
});
