import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ActionError, ActionTable, type Actor, type AuditEntry } from './actions.js';
import { ReplayGuard } from './replay-guard.js';

const viewer: Actor = { channel: 'console', name: 'li.wei', role: 'viewer' };
const operator: Actor = { channel: 'console', name: 'zhang.min', role: 'operator' };
const platform: Actor = { channel: 'platform', name: 'platform', role: 'admin' };

function table(now = () => Date.parse('2026-11-29T10:00:00Z')) {
  const audit: AuditEntry[] = [];
  const opened: string[] = [];
  const actions = new ActionTable({ replayGuard: new ReplayGuard(60, { now }), onAudit: (e) => void audit.push(e) });
  actions.register('gate/open', {
    description: 'open',
    role: 'operator',
    replayGuard: true,
    input: z.strictObject({ gateId: z.string() }),
    handle: ({ gateId }) => {
      if (gateId === 'nope') throw new ActionError('no gate nope', 'not_found');
      opened.push(gateId);
      return { opened: gateId };
    },
  });
  actions.register('residents/add', {
    description: 'add',
    role: 'operator',
    input: z.strictObject({ name: z.string(), photos: z.array(z.string()) }),
    handle: ({ name }) => ({ name }),
  });
  actions.register('devices/list', { description: 'list', role: 'viewer', input: z.strictObject({}), handle: () => [] });
  return { actions, audit, opened };
}

describe('ActionTable.run: one path for every channel', () => {
  it('refuses a role below the action, and audits every change and refusal with who asked, never a read', async () => {
    const { actions, audit, opened } = table();
    await expect(actions.run('gate/open', { gateId: 'gate-1' }, { actor: viewer, transaction: 't1' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect(opened).toEqual([]);
    await actions.run('gate/open', { gateId: 'gate-1' }, { actor: operator, transaction: 't2' });
    await expect(actions.run('gate/open', { gateId: 'nope' }, { actor: operator, transaction: 't3' })).rejects.toMatchObject({
      code: 'not_found',
    });
    await actions.run('devices/list', {}, { actor: viewer, transaction: 't4' });
    await expect(actions.run('gate/open', { gate: 1 }, { actor: operator, transaction: 't5' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    expect(audit.map((a) => [a.action, a.actor.name, a.ok, a.code])).toEqual([
      ['gate/open', 'li.wei', false, 'forbidden'],
      ['gate/open', 'zhang.min', true, undefined],
      ['gate/open', 'zhang.min', false, 'not_found'],
      ['gate/open', 'zhang.min', false, 'invalid_input'],
    ]);
  });

  it('audits at most 30 refusals a minute per requester, whatever action names it makes up', async () => {
    const { actions, audit } = table();
    for (let i = 0; i < 200; i++)
      await expect(actions.run(`made-up/action-${i}`, {}, { actor: viewer, transaction: `x${i}` })).rejects.toMatchObject({
        code: 'unknown_action',
      });
    expect(audit).toHaveLength(30);
    await expect(actions.run('gate/open', { gateId: 'g' }, { actor: operator, transaction: 'o' })).resolves.toBeTruthy();
    expect(audit).toHaveLength(31); // another requester, and changes are always audited
  });

  it('keeps photos and long text out of the audit log', async () => {
    const { actions, audit } = table();
    await actions.run('residents/add', { name: '王芳', photos: ['/9j/4AAQ'.repeat(1000)] }, { actor: operator, transaction: 't' });
    expect(audit[0]?.input).toEqual({ name: '王芳', photos: '(left out)' });
  });

  it('over MQTT every change needs a fresh zoned timestamp and an unused nonce; reads keep the old shape', async () => {
    const { actions, opened, audit } = table();
    const ctx = { actor: platform, transaction: 'p' };
    const stamp = (ts: string, nonce = 'n-0000001') => ({ stamp: { ts, nonce } });
    await expect(actions.run('gate/open', { gateId: 'gate-1' }, ctx)).rejects.toMatchObject({ code: 'stale' });
    await expect(actions.run('gate/open', { gateId: 'gate-1' }, ctx, stamp('2026-11-29T09:58:00Z'))).rejects.toThrow(
      /120\.0 s ago, older than 60 s/,
    );
    await expect(actions.run('gate/open', { gateId: 'gate-1' }, ctx, stamp('2026-11-29T10:05:00Z'))).rejects.toMatchObject({
      code: 'stale',
    });
    await actions.run('gate/open', { gateId: 'gate-1' }, ctx, stamp('2026-11-29T09:59:50Z'));
    await expect(actions.run('gate/open', { gateId: 'gate-1' }, ctx, stamp('2026-11-29T09:59:55Z'))).rejects.toMatchObject({
      code: 'replayed',
    });
    // A time without a zone would be read in the box's zone: refused.
    await expect(actions.run('gate/open', { gateId: 'gate-1' }, ctx, stamp('2026-11-29T09:59:58', 'n-0000002'))).rejects.toThrow(
      /with a zone/,
    );
    await actions.run('gate/open', { gateId: 'gate-3' }, ctx, stamp('2026-11-29T17:59:58+08:00', 'n-0000003'));
    // residents/add changes something too; devices/list only reads and needs no stamp.
    await expect(actions.run('residents/add', { name: '王芳', photos: [] }, ctx)).rejects.toMatchObject({ code: 'stale' });
    await actions.run('residents/add', { name: '王芳', photos: [] }, ctx, stamp('2026-11-29T10:00:00Z', 'n-0000004'));
    await actions.run('devices/list', {}, ctx);
    expect(opened).toEqual(['gate-1', 'gate-3']);
    // Refusals are audited, once a minute per requester, action and reason.
    expect(audit.filter((a) => !a.ok).map((a) => [a.action, a.code])).toEqual([
      ['gate/open', 'stale'],
      ['gate/open', 'replayed'],
      ['residents/add', 'stale'],
    ]);
    // A console session or the local CLI is authenticated otherwise: no stamp needed.
    await actions.run('gate/open', { gateId: 'gate-2' }, { actor: operator, transaction: 'c' });
    expect(opened).toEqual(['gate-1', 'gate-3', 'gate-2']);
  });

  it('forgets nonces once no request carrying them could still be fresh', () => {
    let now = Date.parse('2026-11-29T10:00:00Z');
    const guard = new ReplayGuard(60, { now: () => now });
    for (let i = 0; i < 1000; i++) {
      now += 1000;
      guard.check({ ts: new Date(now).toISOString(), nonce: `nonce-${String(i).padStart(4, '0')}` });
    }
    expect(guard.window.size).toBeLessThanOrEqual(62);
  });
});
