/**
 * The platform's versioned sync of residents and visitors: `residents/upsert` makes a person
 * exactly what the request says (name, kind and pass; with photos, these faces instead of the
 * old ones), `residents/delete` erases them; both carry the record's `version` and an older one
 * never overwrites a newer one (gateway/store/sync). The version is judged before any photo is
 * decoded (a replayed or stale upsert costs no inference) and again, with the write, in one
 * transaction (two upserts racing cannot let the older win).
 */
import { z } from 'zod';
import { ActionError, type ActionTable } from '../../core/actions.js';
import type { FacesConfig } from '../../config/sections/faces.js';
import { answer, judge, versionField } from '../../store/sync/versions.js';
import { checkedTemplates, type Refusal } from './enrolment.js';
import { RESIDENT_ID, type NewTemplate } from './store/resident-store.js';
import { passInput } from './visitors/pass.js';
import {
  extrasOf,
  personFields,
  photosField,
  readyPipeline,
  refusedPhotos,
  requestedPass,
  type ResidentServices,
} from './action-support.js';

/** Where the answer is explained (README, "Sync from the platform"). */
const outcomeDoc = 'Answers outcome "applied", "duplicate" or "stale" with the version held (README: Sync from the platform)';

export function registerResidentSyncActions(actions: ActionTable, cfg: FacesConfig, services: () => ResidentServices): void {
  actions.register('residents/upsert', {
    role: 'operator',
    description: `Versioned sync: the resident or visitor becomes exactly this (name, kind, pass; photos replace the old faces; a new person needs photos). ${outcomeDoc}, and the person.`,
    input: z.strictObject({
      id: z.string().regex(RESIDENT_ID).describe("The person's id on the platform."),
      name: z.string().min(1).max(100).describe('Name shown in events.'),
      photos: photosField(cfg).optional().describe('Photos, base64; needed for a person the box has no face of.'),
      ...passInput,
      ...personFields,
      keepUsablePhotos: z
        .boolean()
        .default(false)
        .describe(
          'With several photos: keep the usable ones and answer why the others were refused (refused), instead of refusing the person.',
        ),
      version: versionField,
    }),
    async handle(input) {
      const s = services();
      const { id, name, photos, version, keepUsablePhotos, building, unit, room, phone, groups, gates, ...fields } = input;
      const held = s.store.versions.get('resident', id);
      const early = judge(held, 'upsert', version);
      if (early !== 'applied') return { ...answer(early, held, 'upsert', version), resident: s.store.get(id) ?? null };
      const existing = s.store.get(id);
      const pass = requestedPass(fields, !existing);
      if (!photos && !existing?.templates)
        throw new ActionError(`${id} has no face on this box: a new person is enrolled from photos`, 'invalid_input');
      let templates: NewTemplate[] | undefined;
      let refused: Refusal[] = [];
      if (photos) {
        const pipeline = await readyPipeline(s);
        ({ templates, refused } = await checkedTemplates(
          pipeline,
          photos.map((b64, i) => ({ input: Buffer.from(b64, 'base64'), source: `photo ${i + 1}` })),
          keepUsablePhotos,
        ).catch((err: unknown) => {
          throw refusedPhotos(err);
        }));
      }
      const extras = extrasOf({ building, unit, room, phone, gates: gates ?? [] });
      const r = s.store.versions.applyVersioned('resident', id, 'upsert', version, () => {
        const person = s.store.upsert({ id, name, pass, ...extras, ...(templates ? { templates } : {}) });
        if (groups) {
          for (const g of groups) if (!s.groups.exists(g)) throw new ActionError(`no access group ${g}`, 'invalid_input');
          s.groups.setGroupsOf(id, groups);
        }
        return person;
      });
      if (r.outcome === 'applied') s.identities.refresh();
      const { result, ...rest } = r;
      return { ...rest, resident: result ?? s.store.get(id) ?? null, ...(refused.length ? { refused } : {}) };
    },
  });
  actions.register('residents/delete', {
    role: 'operator',
    description: `Versioned sync: erase a resident or visitor and every face template for good; a late older upsert cannot bring them back. ${outcomeDoc}, and existed.`,
    input: z.strictObject({ id: z.string().regex(RESIDENT_ID), version: versionField }),
    handle({ id, version }) {
      const s = services();
      const r = s.store.versions.applyVersioned('resident', id, 'delete', version, () => s.store.erase(id));
      if (r.result) {
        s.store.checkpoint();
        s.identities.refresh();
      }
      const { result, ...rest } = r;
      return { ...rest, existed: result ?? false };
    },
  });
}
