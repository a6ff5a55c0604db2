/**
 * `residents/*` requests (platform over MQTT, or local): add with base64 JPEG photos (a resident,
 * or a visitor with a pass), remove, list, and `residents/changed` to reload the index now
 * (after the CLI wrote the database). The platform's versioned sync (`residents/upsert`,
 * `residents/delete`) is in sync-actions.ts.
 */
import { z } from 'zod';
import { ActionError, type ActionTable } from '../../core/actions.js';
import type { FacesConfig } from '../../config/sections/faces.js';
import { enrolResident } from './enrolment.js';
import { RESIDENT_ID } from './store/resident-store.js';
import { LearnedTemplates } from './store/learned-store.js';
import { passInput } from './visitors/pass.js';
import { registerResidentSyncActions } from './sync-actions.js';
import {
  extrasOf,
  personFields,
  photosField,
  readyPipeline,
  refusedPhotos,
  requestedPass,
  type ResidentServices,
} from './action-support.js';
import { residentPage } from './store/resident-page.js';
import { checkPhoto } from './photo-check.js';
import { errMessage } from '../../core/errors.js';

export type { ResidentServices } from './action-support.js';

export function registerResidentActions(actions: ActionTable, cfg: FacesConfig, services: () => ResidentServices): void {
  actions.register('residents/add', {
    role: 'operator',
    rate: { perMinute: 30, burst: 10 }, // each photo is decoded and run through two models
    description: `Enrol a resident, or a visitor with a pass (kind "visitor", validUntil, hostId), from 1-${cfg.enrolment.maxPhotos} photos (base64 JPEG/PNG, each at most ${cfg.enrolment.maxPhotoBytes} bytes); adds templates to an existing id. Each photo must show one clear face.`,
    input: z.strictObject({
      id: z.string().regex(RESIDENT_ID).optional().describe('Resident id (generated when absent).'),
      name: z.string().min(1).max(100).describe('Name shown in events.'),
      photos: photosField(cfg).describe('Photos, base64: one template per photo.'),
      ...passInput,
      ...personFields,
    }),
    async handle(input) {
      const s = services();
      const { id, name, photos, building, unit, room, phone, groups, gates, ...fields } = input;
      const extras = extrasOf({ building, unit, room, phone, gates });
      // Without kind or window an existing person keeps who they are (adding photos); a new one is a resident.
      const given = Object.values(fields).some((v) => v !== undefined);
      const pass = given ? requestedPass(fields, id === undefined || !s.store.get(id)) : undefined;
      const pipeline = await readyPipeline(s);
      try {
        const resident = await enrolResident(
          { pipeline, store: s.store },
          {
            ...(id === undefined ? {} : { id }),
            ...(pass === undefined ? {} : { pass }),
            ...extras,
            name,
            photos: photos.map((b64, i) => ({ input: Buffer.from(b64, 'base64'), source: `photo ${i + 1}` })),
          },
        );
        if (groups) groupsOf(s, resident.id, groups);
        s.identities.refresh();
        return { resident };
      } catch (err) {
        throw refusedPhotos(err);
      }
    },
  });
  actions.register('residents/check', {
    role: 'operator',
    description:
      'Checks one enrolment photo as residents/add would, storing nothing: the verdict, the reasons for a refusal, and the aligned face crop (base64 JPEG).',
    input: z.strictObject({
      photo: z
        .string()
        .max(Math.ceil(cfg.enrolment.maxPhotoBytes / 3) * 4, `a photo larger than ${cfg.enrolment.maxPhotoBytes} bytes`)
        .regex(/^[A-Za-z0-9+/=\s]+$/, 'base64')
        .describe('The photo, base64 JPEG/PNG.'),
    }),
    handle: async (input) => {
      const pipeline = await readyPipeline(services());
      return checkPhoto(pipeline, Buffer.from(input.photo, 'base64'));
    },
  });
  actions.register('residents/remove', {
    role: 'operator',
    description: 'Erase a resident and every face template, for good.',
    input: z.strictObject({ id: z.string().regex(RESIDENT_ID) }),
    handle(input) {
      const s = services();
      if (!s.store.remove(input.id)) throw new ActionError(`no resident ${input.id}`, 'not_found');
      s.identities.refresh();
      return { removed: input.id };
    },
  });
  actions.register('residents/clear-learned', {
    role: 'operator',
    description: 'Erase the templates a resident learned at the gate (faces.learning); the enrolment photos stay.',
    input: z.strictObject({ id: z.string().regex(RESIDENT_ID) }),
    handle(input) {
      const s = services();
      if (!s.store.get(input.id)) throw new ActionError(`no resident ${input.id}`, 'not_found');
      const cleared = new LearnedTemplates(s.store).clear(input.id);
      s.identities.refresh();
      return { id: input.id, cleared };
    },
  });
  actions.register('residents/list', {
    role: 'viewer',
    description:
      'Enrolled residents and visitors: id, name, kind, validFrom, validUntil, hostId (visitors), template count, and the platform version (null when enrolled locally).',
    input: z.strictObject({}).prefault({}),
    handle: () => ({ residents: services().store.list() }),
  });
  actions.register('residents/update', {
    role: 'operator',
    description: "Change a person's building, unit, room, phone, access groups or visitor pass gates (fields absent stay as they are).",
    input: z.strictObject({ id: z.string().regex(RESIDENT_ID), name: z.string().min(1).max(100).optional(), ...personFields }),
    handle(input) {
      const s = services();
      const { id, name, groups, ...rest } = input;
      const r = s.store.get(id);
      if (!r) throw new ActionError(`no resident ${id}`, 'not_found');
      s.store.update(id, { ...(name === undefined ? {} : { name }), ...extrasOf(rest) });
      if (groups) groupsOf(s, id, groups);
      s.identities.refresh();
      return { resident: s.store.get(id), groups: s.groups.groupsOf(id) };
    },
  });
  actions.register('residents/page', {
    role: 'viewer',
    description:
      'One page of residents and visitors for the console: search words over name, id, building, unit, room and phone; optional kind and access group; sorted by name; each with its groups and thumbnail (base64 JPEG of the enrolment crop); and the total.',
    input: z.strictObject({
      q: z.string().max(100).optional(),
      kind: z.enum(['resident', 'visitor']).optional(),
      group: z.string().max(64).optional(),
      offset: z.number().int().min(0).max(10_000_000).default(0),
      limit: z.number().int().min(1).max(100).default(20),
    }),
    handle: (input) => {
      const s = services();
      return residentPage(s.store.db, s.store.modelName, input);
    },
  });
  actions.register('residents/changed', {
    role: 'operator',
    description: 'Reload the residents changed in the database since the last reload (the daemon also polls).',
    input: z.strictObject({}).prefault({}),
    handle() {
      const s = services();
      const reloaded = s.identities.refresh();
      return { reloaded: reloaded.length, residents: s.identities.size };
    },
  });
  registerResidentSyncActions(actions, cfg, services);
}

/** Replaces a person's memberships; an unknown group is the requester's mistake (invalid_input). */
function groupsOf(s: ResidentServices, id: string, groups: string[]): void {
  try {
    s.groups.setGroupsOf(id, groups);
  } catch (err) {
    throw new ActionError(errMessage(err), 'invalid_input');
  }
}
