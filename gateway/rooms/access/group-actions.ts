/**
 * `groups/*` requests: the console and the CLI (`sharpeyes request groups/...`) edit groups and
 * memberships with `groups/set`, `groups/remove`, `groups/members`; the platform syncs them with
 * versions like residents: `groups/upsert` / `groups/delete` (a group, entity "group") and
 * `groups/join` / `groups/leave` (one membership, entity "membership", key "groupId|residentId").
 * An older version never overwrites a newer one; a deleted group or a left membership is a
 * tombstone, so a late older upsert cannot bring it back (gateway/store/sync).
 */
import { z } from 'zod';
import { ActionError, type ActionTable } from '../../core/actions.js';
import { versionField } from '../../store/sync/versions.js';
import { scheduleProblems, type AccessGroup } from './group-policy.js';
import { GROUP_ID, type GroupStore } from './group-store.js';

const outcomeDoc = 'Answers outcome "applied", "duplicate" or "stale" with the version held (README: Sync from the platform)';
const PERSON_ID = /^[A-Za-z0-9_.-]{1,64}$/;

const groupId = z.string().regex(GROUP_ID).describe('Group id: letters, digits, "_", "-", ".", at most 64.');
const personId = z.string().regex(PERSON_ID).describe('Resident or visitor id.');
const window = z.strictObject({
  days: z.array(z.number().int().min(1).max(7)).min(1).max(7).describe('Days of the week, 1 = Monday .. 7 = Sunday.'),
  from: z.string().describe('"HH:MM", inclusive.'),
  to: z.string().describe('"HH:MM", exclusive; earlier than from: the window runs past midnight.'),
});
export const scheduleField = z
  .strictObject({
    timeZone: z.string().max(64).optional().describe("IANA zone of the windows, e.g. Asia/Shanghai (default: the box's zone)."),
    windows: z.array(window).min(1).max(50),
  })
  .nullable()
  .describe('When members may pass; null: always.');
const groupFields = {
  id: groupId,
  name: z.string().min(1).max(100).describe('Name shown in the console.'),
  gates: z.array(z.string().min(1).max(64)).max(200).describe('Gate ids its members may pass.'),
  schedule: scheduleField.default(null),
  everyone: z.boolean().default(false).describe('Every resident is a member (visitors are not).'),
};

function checked(g: AccessGroup): AccessGroup {
  const problems = g.schedule ? scheduleProblems(g.schedule) : [];
  if (problems.length) throw new ActionError(`schedule: ${problems.join('; ')}`, 'invalid_input');
  return g;
}

export function registerGroupActions(actions: ActionTable, store: () => GroupStore): void {
  actions.register('groups/list', {
    role: 'viewer',
    description: 'Access groups: id, name, gates, schedule, everyone, member count, and the platform version (null when made locally).',
    input: z.strictObject({}).prefault({}),
    handle: () => ({ groups: store().list() }),
  });
  actions.register('groups/set', {
    role: 'operator',
    description: 'Create or change an access group (its members stay): which gates its members may pass, and when.',
    input: z.strictObject(groupFields),
    handle: (input) => ({ group: store().put(checked(input)) }),
  });
  actions.register('groups/remove', {
    role: 'operator',
    description: 'Delete an access group and its memberships (a group the platform synced is held as deleted at its version).',
    input: z.strictObject({ id: groupId }),
    handle({ id }) {
      const s = store();
      if (!s.remove(id)) throw new ActionError(`no access group ${id}`, 'not_found');
      s.versions.markDeleted('group', id);
      return { removed: id };
    },
  });
  actions.register('groups/members', {
    role: 'operator',
    description: 'Add people to and remove them from an access group; answers the group with its member count.',
    input: z.strictObject({
      id: groupId,
      add: z.array(personId).max(10_000).default([]),
      remove: z.array(personId).max(10_000).default([]),
    }),
    handle({ id, add, remove }) {
      const s = store();
      if (!s.get(id)) throw new ActionError(`no access group ${id}`, 'not_found');
      for (const r of add) s.setMember(id, r, true);
      for (const r of remove) {
        s.setMember(id, r, false);
        s.versions.markDeleted('membership', `${id}|${r}`);
      }
      return { group: s.get(id) };
    },
  });
  actions.register('groups/upsert', {
    role: 'operator',
    description: `Versioned sync: the access group becomes exactly this (name, gates, schedule, everyone; members stay). ${outcomeDoc}, and the group.`,
    input: z.strictObject({ ...groupFields, version: versionField }),
    handle({ version, ...g }) {
      const s = store();
      const r = s.versions.applyVersioned('group', g.id, 'upsert', version, () => s.put(checked(g)));
      const { result: _, ...rest } = r;
      return { ...rest, group: s.get(g.id) ?? null };
    },
  });
  actions.register('groups/delete', {
    role: 'operator',
    description: `Versioned sync: delete an access group and its memberships; a late older upsert cannot bring it back. ${outcomeDoc}, and existed.`,
    input: z.strictObject({ id: groupId, version: versionField }),
    handle({ id, version }) {
      const s = store();
      const r = s.versions.applyVersioned('group', id, 'delete', version, () => s.remove(id));
      const { result, ...rest } = r;
      return { ...rest, existed: result ?? false };
    },
  });
  const membership = z.strictObject({ groupId, residentId: personId, version: versionField });
  actions.register('groups/join', {
    role: 'operator',
    description: `Versioned sync: make a person a member of an access group (the person need not be enrolled yet). ${outcomeDoc}.`,
    input: membership,
    handle({ groupId: g, residentId, version }) {
      const s = store();
      if (!s.get(g)) throw new ActionError(`no access group ${g}`, 'not_found');
      const { result: _, ...rest } = s.versions.applyVersioned('membership', `${g}|${residentId}`, 'upsert', version, () =>
        s.setMember(g, residentId, true),
      );
      return rest;
    },
  });
  actions.register('groups/leave', {
    role: 'operator',
    description: `Versioned sync: end a person's membership of an access group; a late older join cannot bring it back. ${outcomeDoc}, and existed.`,
    input: membership,
    handle({ groupId: g, residentId, version }) {
      const s = store();
      const r = s.versions.applyVersioned('membership', `${g}|${residentId}`, 'delete', version, () =>
        s.get(g) ? s.setMember(g, residentId, false) : false,
      );
      const { result, ...rest } = r;
      return { ...rest, existed: result ?? false };
    },
  });
}
