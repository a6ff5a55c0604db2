/**
 * `residents/*` requests (platform over MQTT, or local): add with base64 JPEG photos, remove,
 * list, and `residents/changed` to reload the index now (after the CLI wrote the database).
 */
import { z } from 'zod';
import { ActionError, type ActionTable } from '../core/actions.js';
import type { FacesConfig } from '../config/sections/faces.js';
import { enrolResident, EnrolmentRefused } from './enrolment.js';
import type { Identities } from './identities.js';
import type { FacePipeline } from './pipeline.js';
import { RESIDENT_ID, type ResidentStore } from './store/resident-store.js';
import { checkPhoto } from './photo-check.js';

export interface ResidentServices {
  store: ResidentStore;
  identities: Identities;
  /** Resolves when the models are loaded; rejects with a readable reason if they cannot be. */
  pipeline(): Promise<FacePipeline>;
}

export function registerResidentActions(actions: ActionTable, cfg: FacesConfig, services: () => ResidentServices): void {
  const maxB64 = Math.ceil(cfg.enrolment.maxPhotoBytes / 3) * 4;
  actions.register('residents/add', {
    role: 'operator',
    description: `Enrol a resident from 1-${cfg.enrolment.maxPhotos} photos (base64 JPEG/PNG, each at most ${cfg.enrolment.maxPhotoBytes} bytes); adds templates to an existing id. Each photo must show one clear face.`,
    input: z.strictObject({
      id: z.string().regex(RESIDENT_ID).optional().describe('Resident id (generated when absent).'),
      name: z.string().min(1).max(100).describe('Name shown in events.'),
      photos: z
        .array(
          z
            .string()
            .max(maxB64, `a photo larger than ${cfg.enrolment.maxPhotoBytes} bytes`)
            .regex(/^[A-Za-z0-9+/=\s]+$/, 'base64'),
        )
        .min(1)
        .max(cfg.enrolment.maxPhotos)
        .describe('Photos, base64.'),
    }),
    async handle(input) {
      const s = services();
      const pipeline = await s.pipeline();
      try {
        const resident = await enrolResident(
          { pipeline, store: s.store },
          {
            ...(input.id === undefined ? {} : { id: input.id }),
            name: input.name,
            photos: input.photos.map((b64, i) => ({ input: Buffer.from(b64, 'base64'), source: `photo ${i + 1}` })),
          },
        );
        s.identities.refresh();
        return { resident };
      } catch (err) {
        if (err instanceof EnrolmentRefused) throw new ActionError(err.message, 'photo_refused');
        throw err;
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
        .max(maxB64, `a photo larger than ${cfg.enrolment.maxPhotoBytes} bytes`)
        .regex(/^[A-Za-z0-9+/=\s]+$/, 'base64')
        .describe('The photo, base64 JPEG/PNG.'),
    }),
    handle: async (input) => {
      const pipeline = await services()
        .pipeline()
        .catch((err: unknown) => {
          throw new ActionError(err instanceof Error ? err.message : String(err), 'unavailable');
        });
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
  actions.register('residents/list', {
    role: 'viewer',
    description: 'Enrolled residents with their template counts.',
    input: z.strictObject({}).prefault({}),
    handle: () => ({ residents: services().store.list() }),
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
}
