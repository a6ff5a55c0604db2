import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ActionTable, ActionError } from '../../gateway/core/actions.js';
import { topicsFor } from './topics.js';
import { dispatchRequest } from './requests.js';
import { encodeEnvelope, toEnvelope } from './envelope.js';
import { envelopeSchema, responseSchema } from './payloads.js';

describe('topics', () => {
  const t = topicsFor('city/sz/', 'gw-7');
  it('spells every topic under <prefix>/<nodeId>/', () => {
    expect(t.status).toBe('city/sz/gw-7/status');
    expect(t.event('access.granted')).toBe('city/sz/gw-7/events/access.granted');
    expect(t.request('gate/open')).toBe('city/sz/gw-7/request/gate/open');
    expect(t.response('gate/open')).toBe('city/sz/gw-7/response/gate/open');
    expect(t.requestWildcard).toBe('city/sz/gw-7/request/#');
  });
  it('reads actions back from request topics, multi-level included', () => {
    expect(t.actionOfRequest('city/sz/gw-7/request/gate/open')).toBe('gate/open');
    expect(t.actionOfRequest('city/sz/gw-7/request/')).toBeUndefined();
    expect(t.actionOfRequest('city/sz/gw-8/request/ping')).toBeUndefined();
    expect(t.kindOfEvent('city/sz/gw-7/events/alarm.raised')).toBe('alarm.raised');
  });
});

describe('envelope', () => {
  it('wraps an outbox row and matches its schema', () => {
    const env = toEnvelope(
      { rowid: 3, id: '01JD5Z8Q3W6N8V2K4M7P9R1T3X', kind: 'alarm.raised', ts: '2026-11-24T07:00:00.000Z', seq: 12, data: { post: 'A3' } },
      'gw-7',
    );
    expect(env).toEqual({
      id: '01JD5Z8Q3W6N8V2K4M7P9R1T3X',
      nodeId: 'gw-7',
      kind: 'alarm.raised',
      ts: '2026-11-24T07:00:00.000Z',
      seq: 12,
      v: 2,
      data: { post: 'A3' },
    });
    expect(envelopeSchema.safeParse(env).success).toBe(true);
  });
  it('encodes the stored data JSON without re-serialising, byte for byte as JSON.stringify', () => {
    const data = { post: 'A3 "north"', plate: '京A88731', n: [1, 2.5, null], nested: { ok: true } };
    const row = { rowid: 3, id: '01JD5Z8Q3W6N8V2K4M7P9R1T3X', kind: 'alarm.raised', ts: '2026-11-24T07:00:00.000Z', seq: 12 };
    expect(encodeEnvelope({ ...row, json: JSON.stringify(data) }, 'gw-"7"')).toBe(JSON.stringify(toEnvelope({ ...row, data }, 'gw-"7"')));
  });
});

describe('dispatchRequest', () => {
  const actions = new ActionTable();
  const calls: unknown[] = [];
  actions.register('gate/open', {
    description: 'open',
    role: 'operator',
    input: z.strictObject({ gateId: z.string(), list: z.array(z.number()).optional() }),
    handle: (input, ctx) => {
      calls.push({ input, ctx });
      if (input.gateId === 'x') throw new ActionError('no such gate x', 'not_found');
      if (input.gateId === 'crash') throw new Error('boom');
      return undefined;
    },
  });
  const internal: string[] = [];
  const actor = { channel: 'platform', name: 'platform', role: 'admin' } as const;
  const ctx = { actions, maxRequestBytes: 100, actor, onInternalError: (a: string) => internal.push(a) };
  const run = async (action: string, text: string) => {
    const r = await dispatchRequest(ctx, action, Buffer.from(text));
    expect(responseSchema.safeParse(r).success).toBe(true);
    return r;
  };

  it('answers ok with the handler result (null for undefined)', async () => {
    expect(await run('gate/open', '{"transaction":"a","input":{"gateId":"n"}}')).toEqual({ transaction: 'a', status: 'ok', data: null });
    expect(calls).toEqual([{ input: { gateId: 'n' }, ctx: { actor, transaction: 'a' } }]);
  });
  it('names the path of a fault inside arrays', async () => {
    const r = await run('gate/open', '{"transaction":"b","input":{"gateId":"n","list":[1,"2"]}}');
    expect(r).toEqual({ transaction: 'b', status: 'error', code: 'invalid_input', error: 'input.list[1]: got "2", expected number' });
  });
  it('refuses before parsing when too large, and non-objects', async () => {
    expect(await run('gate/open', `{"transaction":"c","input":{"gateId":"${'n'.repeat(100)}"}}`)).toMatchObject({
      code: 'too_large',
      transaction: null,
    });
    expect(await run('gate/open', '[1,2]')).toMatchObject({ code: 'bad_request', transaction: null });
    expect(await run('gate/open', '{"transaction":"d","input":{"gateId":"n"},"extra":1}')).toMatchObject({
      code: 'bad_request',
      transaction: 'd',
    });
    expect(await run('nope', '{"transaction":"e"}')).toMatchObject({
      code: 'unknown_action',
      transaction: 'e',
      error: 'unknown action "nope"; this node answers: gate/open',
    });
  });
  it('refuses input nested deeper than the stack as invalid input, not an internal failure (found by bench faults)', async () => {
    const d = 200_000;
    const text = `{"transaction":"h","input":{"gateId":${'['.repeat(d)}${']'.repeat(d)}}}`;
    const r = await dispatchRequest({ ...ctx, maxRequestBytes: 1_000_000 }, 'gate/open', Buffer.from(text));
    expect(r).toEqual({
      transaction: 'h',
      status: 'error',
      code: 'invalid_input',
      error: 'input.gateId: got an array nested too deep to show, expected string',
    });
  });
  it('passes ActionError through and hides nothing of an internal failure', async () => {
    expect(await run('gate/open', '{"transaction":"f","input":{"gateId":"x"}}')).toEqual({
      transaction: 'f',
      status: 'error',
      code: 'not_found',
      error: 'no such gate x',
    });
    expect(await run('gate/open', '{"transaction":"g","input":{"gateId":"crash"}}')).toMatchObject({
      code: 'internal',
      error: 'action gate/open failed inside the gateway: boom',
    });
    expect(internal).toEqual(['gate/open']);
  });
});

describe('event lines (sharpeyes events)', () => {
  it('prints time, seq, kind, data and state on one line, long data cut', async () => {
    const { formatEventLine, kindMatches } = await import('./event-format.js');
    expect(formatEventLine({ ts: '2026-11-24T07:00:00.000Z', seq: 12, kind: 'alarm.raised', data: { post: 'A3' }, state: 'sent' })).toBe(
      '2026-11-24T07:00:00.000Z      #12  alarm.raised            {"post":"A3"}  (sent)',
    );
    expect(formatEventLine({ ts: 't', seq: 0, kind: 'k', data: { s: 'x'.repeat(500) } }, 20)).toMatch(/#-\s+k\s+\{"s":"x{13}…$/);
    expect(['alarm.raised', 'alarms.x', 'alarm'].map((k) => kindMatches(k, 'alarm'))).toEqual([true, false, true]);
    expect(kindMatches('camera.motion', undefined)).toBe(true);
    expect(kindMatches('camera.motion', 'camera.motion')).toBe(true);
  });
});
