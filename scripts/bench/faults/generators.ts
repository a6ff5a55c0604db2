import { Pick } from './common.ts';

/**
 * Pure generators of hostile inputs, one per input kind. Each takes the case's PRNG (replayable
 * from the seed and the case index) and, where it mutates something valid, the valid seed. No
 * I/O here: the rig (fuzz.ts) feeds what these return into the real parsers and servers.
 */

/** Strings that have broken parsers elsewhere. */
const NASTY = [
  '',
  ' ',
  '\u0000',
  '\uFFFF',
  '\uD800',
  '../../../../etc/passwd',
  '%00',
  '%2e%2e%2f',
  '${jndi:ldap://x}',
  "'; DROP TABLE outbox; --",
  '<script>alert(1)</script>',
  '京A12345',
  '京A·12345',
  'ａｂｃ',
  '🚒',
  'NaN',
  '-0',
  '1e309',
  '9007199254740993',
  'x'.repeat(70_000),
  '__proto__',
  'constructor',
] as const;

const KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'gateId',
  'deviceId',
  'command',
  'control',
  'plate',
  'id',
  'alarmId',
  'input',
  'transaction',
  'ts',
  'nonce',
];

/** A random JSON value, up to `depth` levels deep. */
export function jsonValue(p: Pick, depth = 3): unknown {
  switch (p.int(depth > 0 ? 9 : 6)) {
    case 0:
      return null;
    case 1:
      return p.chance(0.5);
    case 2:
      return p.one([0, -1, 1.5, 2 ** 53, -(2 ** 31), 1e308, 65535, 65536, p.int(1_000_000)]);
    case 3:
    case 4:
      return p.one(NASTY);
    case 5:
      return p.bytes(p.int(40)).toString('latin1');
    case 6:
      return Array.from({ length: p.int(5) }, () => jsonValue(p, depth - 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = p.int(5); i > 0; i--)
        Object.defineProperty(o, p.one(KEYS), { value: jsonValue(p, depth - 1), enumerable: true, configurable: true, writable: true });
      return o;
    }
  }
}

/** Valid-looking inputs per action, to mutate. */
const TEMPLATES: Record<string, () => Record<string, unknown>> = {
  ping: () => ({}),
  'devices/list': () => ({}),
  'devices/simulate': () => ({ deviceId: 'gate-1', control: 'hold loopA' }),
  'gate/command': () => ({ gateId: 'gate-1', command: 'pulse', arg: 500 }),
  'gate/open': () => ({ gateId: 'gate-1' }),
  'alarm/list': () => ({ all: true }),
  'alarm/ack': () => ({ alarmId: 'a-1', note: 'x' }),
  'alarm/resolve': () => ({ alarmId: 'a-1' }),
  'vehicles/add': () => ({ plate: '京A12345', ownerId: 'o-1' }),
  'vehicles/list': () => ({}),
  'vehicles/remove': () => ({ plate: '京A12345' }),
  'residents/list': () => ({}),
  'residents/remove': () => ({ id: 'r-1' }),
  'events/replay': () => ({ fromSeq: 1, limit: 10 }),
  'config/get': () => ({}),
  'cameras/list': () => ({}),
  'watchlist/get': () => ({}),
};
export const ACTIONS = Object.keys(TEMPLATES);

/** Structural mutation of a JSON object: a key dropped, retyped, duplicated into a deep nest. */
function mutateObject(p: Pick, o: Record<string, unknown>): unknown {
  const keys = Object.keys(o);
  switch (p.int(6)) {
    case 0:
      if (keys.length) delete o[p.one(keys)];
      return o;
    case 1:
      if (keys.length) o[p.one(keys)] = jsonValue(p);
      return o;
    case 2:
      Object.defineProperty(o, p.one(KEYS), { value: jsonValue(p), enumerable: true, configurable: true, writable: true });
      return o;
    case 3: {
      let v: unknown = o;
      for (let d = p.range(50, 1000); d > 0; d--) v = p.chance(0.5) ? [v] : { a: v };
      return v;
    }
    case 4:
      return jsonValue(p);
    default:
      return o;
  }
}

/** One request over MQTT: the action (a topic level: no wildcards, no NUL) and the payload. */
export function mqttRequest(p: Pick): { action: string; payload: Buffer; stamped: boolean } {
  const action = p.chance(0.9)
    ? p.one(ACTIONS)
    : p.one(['nope', 'devices', 'devices/list/extra', 'a'.repeat(200), '..', 'gate//command', 'ÿ', 'ping ']);
  const stamped = p.chance(0.5);
  const body: Record<string, unknown> = {
    transaction: p.chance(0.9) ? `t-${p.int(1e9)}` : jsonValue(p),
    input: mutateObject(p, (TEMPLATES[action] ?? (() => ({})))()),
  };
  if (stamped) Object.assign(body, { ts: p.chance(0.8) ? new Date().toISOString() : jsonValue(p), nonce: `n-${p.int(1e9)}-${p.int(1e9)}` });
  let text: Buffer = Buffer.from(JSON.stringify(mutateObject(p, body)) ?? 'null');
  if (p.chance(0.3)) text = p.mutate(text);
  if (p.chance(0.03)) text = p.bytes(p.int(2000));
  if (p.chance(0.02)) {
    // Deeper than any stringify would write: nesting as text.
    const d = p.range(10_000, 200_000);
    text = Buffer.from(`{"transaction":"t-deep","input":{"a":${'['.repeat(d)}${']'.repeat(d)}}}`);
  }
  return { action, payload: text, stamped };
}

/**
 * A stream of bytes as a serial line would deliver it: valid frames (from `valid`), mutated
 * frames, noise and truncations, cut into random chunks.
 */
export function serialStream(p: Pick, valid: readonly Buffer[]): Buffer[] {
  const parts: Buffer[] = [];
  for (let i = p.range(1, 6); i > 0; i--) {
    const k = p.int(10);
    if (k < 3) parts.push(p.one(valid));
    else if (k < 7) parts.push(p.mutate(p.one(valid), 1 + p.int(3)));
    else if (k < 9) parts.push(p.bytes(p.int(64)));
    else parts.push(p.one(valid).subarray(0, p.int(p.one(valid).length)));
  }
  const all = Buffer.concat(parts);
  const chunks: Buffer[] = [];
  for (let at = 0; at < all.length;) {
    const n = 1 + p.int(Math.min(32, all.length - at));
    chunks.push(all.subarray(at, at + n));
    at += n;
  }
  return chunks;
}

/** XML that has taken parsers down: entity expansion, external entities, depth, width. */
export function xmlBomb(p: Pick, body: string): string {
  switch (p.int(6)) {
    case 0: {
      const ents = Array.from({ length: 10 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join('');
      return `<?xml version="1.0"?><!DOCTYPE e [<!ENTITY l0 "lol">${ents}]>${body.replace(/(<[a-zA-Z:]*Manufacturer>)[^<]*/, '$1&l10;')}`;
    }
    case 1:
      return `<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>${body.replace(/(<[a-zA-Z:]*Model>)[^<]*/, '$1&x;')}`;
    case 2:
      return `${'<a>'.repeat(p.range(1000, 100_000))}${'</a>'.repeat(p.int(3) === 0 ? 0 : 1000)}`;
    case 3:
      return body.replace('<', `<x ${Array.from({ length: p.range(100, 20_000) }, (_, i) => `a${i}="${i}"`).join(' ')} `);
    case 4:
      return `<?xml version="1.0"?><!DOCTYPE e [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>${body}`;
    default:
      return body.replace(/>([^<]{1,40})</, `>${'&amp;'.repeat(p.range(1000, 200_000))}<`);
  }
}

/** A SOAP reply: the valid one mutated as text or bytes, or a bomb. */
export function soapReply(p: Pick, valid: string): Buffer {
  const k = p.int(10);
  if (k < 2) return Buffer.from(xmlBomb(p, valid));
  if (k < 5) return p.mutate(Buffer.from(valid), 1 + p.int(8));
  if (k < 8) {
    // Tag-level: drop, duplicate or retype one element's text.
    const tags = [...valid.matchAll(/<([a-zA-Z0-9]+:[a-zA-Z0-9]+)[ >]/g)].map((m) => m[1] as string);
    const t = tags.length ? p.one(tags) : 'x';
    const re = new RegExp(`<${t}[ >][\\s\\S]*?</${t}>`);
    switch (p.int(4)) {
      case 0:
        return Buffer.from(valid.replace(re, ''));
      case 1:
        return Buffer.from(valid.replace(re, (m) => m.repeat(p.range(2, 500))));
      case 2:
        return Buffer.from(valid.replace(re, `<${t}>${String(p.one(NASTY))}</${t}>`));
      default:
        return Buffer.from(valid.replace(re, `<${t}><${t}><${t}/></${t}></${t}>`));
    }
  }
  if (k < 9) return Buffer.from(valid.slice(0, p.int(valid.length)));
  return p.bytes(p.int(4000));
}

/** An image: a valid JPEG mutated (headers first: dimensions, markers), truncated, or junk. */
export function image(p: Pick, valid: readonly Buffer[]): Buffer {
  const src = Buffer.from(p.one(valid));
  switch (p.int(6)) {
    case 0: {
      // SOF0/SOF2 height and width: 0, 1, 65535
      const sof = src.findIndex((b, i) => b === 0xff && (src[i + 1] === 0xc0 || src[i + 1] === 0xc2));
      if (sof >= 0 && sof + 9 < src.length) {
        src.writeUInt16BE(p.one([0, 1, 65535, p.int(65536)]), sof + 5);
        src.writeUInt16BE(p.one([0, 1, 65535, p.int(65536)]), sof + 7);
      }
      return src;
    }
    case 1:
      return src.subarray(0, p.int(src.length));
    case 2:
      return p.mutate(src.subarray(0, Math.min(src.length, 600)), 1 + p.int(6)).length > 0
        ? Buffer.concat([p.mutate(src.subarray(0, 600), 1 + p.int(6)), src.subarray(600)])
        : src;
    case 3:
      return p.mutate(src, 1 + p.int(20));
    case 4:
      return Buffer.concat([
        p.one([
          Buffer.from([0xff, 0xd8, 0xff]),
          Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
          Buffer.from('GIF89a'),
          Buffer.from('BM'),
          Buffer.from('RIFF\0\0\0\0WEBP'),
        ]),
        p.bytes(p.int(3000)),
      ]);
    default:
      return p.bytes(p.int(5000));
  }
}

/** A config file: the valid one mutated (YAML tricks, wrong types, bombs) as text. */
export function configText(p: Pick, valid: string): string {
  const lines = valid.split('\n');
  switch (p.int(8)) {
    case 0: {
      const i = p.int(lines.length);
      lines[i] = (lines[i] ?? '').replace(
        /: .*$/,
        `: ${p.one(['[', '{', '*a', '&a', '!!binary x', '!!js/function "x"', '~', '.nan', '0x10', '1e999', "'", '"\\u0000"', String(p.one(NASTY)).slice(0, 200)])}`,
      );
      return lines.join('\n');
    }
    case 1:
      return `a: &a ["x","x","x","x","x","x","x","x","x"]\n${Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${`*${String.fromCharCode(97 + i)},`.repeat(9)}*${String.fromCharCode(97 + i)}]`).join('\n')}\n${valid}`;
    case 2:
      return `${'- '.repeat(p.range(100, 5000))}x\n`;
    case 3:
      return `${valid}\n${p.one(lines)}\n`; // a duplicate key
    case 4:
      return lines.map((l) => (p.chance(0.2) ? l.replace(/^ +/, (s) => '\t'.repeat(s.length / 2)) : l)).join('\n');
    case 5:
      return p.mutate(Buffer.from(valid), 1 + p.int(10)).toString('utf8');
    case 6:
      return `${valid}\ndevices:\n${Array.from({ length: p.range(1, 50) }, () => `  - { id: ${String(p.one(NASTY)).slice(0, 80) || 'x'}, profile: ${p.one(['barrier-bg300-framed', '../../etc/passwd', 'nope'])}, port: ${p.one(['/dev/ttyS0', 'tcp://1.2.3.4:0', "''"])} }`).join('\n')}\n`;
    default:
      return lines.filter(() => p.chance(0.8)).join('\n');
  }
}

const ROUTES = [
  '/',
  '/app.js',
  '/style.css',
  '/api/status',
  '/api/events',
  '/api/events?limit=-1',
  '/api/events?limit=1e9',
  '/api/actions/ping',
  '/api/actions/devices/list',
  '/api/actions/gate/command',
  '/api/actions/alarm/ack',
  '/api/events/stream',
];

/**
 * One HTTP exchange's bytes. `complete` says whether the request is whole (a server must answer
 * it); an incomplete one is sent and the socket closed, and the server must go on serving.
 */
export function httpRequest(p: Pick): { bytes: Buffer; complete: boolean } {
  const method = p.chance(0.8)
    ? p.one(['GET', 'POST'])
    : p.one(['PUT', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE', 'CONNECT', 'G\u00e9T', 'X'.repeat(300)]);
  let path: string = p.one(ROUTES);
  if (p.chance(0.3))
    path = p.one([
      '//[',
      '/%',
      '/%zz',
      '/../../etc/passwd',
      '/api/actions/' + 'a/'.repeat(500),
      'http://[::1',
      '*',
      '/api/\u0000',
      `/api/events?limit=${p.one(NASTY)}`,
      `/${'x'.repeat(p.range(1000, 20_000))}`,
    ]);
  const body = Buffer.from(JSON.stringify(jsonValue(p)) ?? '');
  const headers = [`Host: ${p.chance(0.9) ? '127.0.0.1' : p.one(['evil.example', '', '[::1', 'x'.repeat(9000)])}`];
  if (method === 'POST' && p.chance(0.7)) headers.push('Origin: http://127.0.0.1', 'Content-Type: application/json');
  const k = p.int(6);
  if (k === 0) headers.push(`Content-Length: ${p.one([-1, 0, body.length + 10, 1e12, 'x'])}`);
  else if (k === 1) headers.push('Transfer-Encoding: chunked');
  else if (k === 2) for (let i = p.range(10, 300); i > 0; i--) headers.push(`X-${i}: ${'y'.repeat(p.int(200))}`);
  else headers.push(`Content-Length: ${body.length}`);
  const chunked =
    k === 1 ? Buffer.from(`${p.one([body.length.toString(16), 'zz', 'ffffffffffff', '-1'])}\r\n${body.toString()}\r\n0\r\n\r\n`) : body;
  let bytes: Buffer = Buffer.concat([
    Buffer.from(`${method} ${path} HTTP/1.1\r\n${headers.join('\r\n')}\r\nConnection: close\r\n\r\n`, 'latin1'),
    chunked,
  ]);
  let complete = k !== 0 && k !== 1;
  if (p.chance(0.2)) {
    bytes = p.mutate(bytes, 1 + p.int(4));
    complete = false;
  } else if (p.chance(0.05)) {
    bytes = bytes.subarray(0, p.int(bytes.length));
    complete = false;
  }
  return { bytes, complete };
}
