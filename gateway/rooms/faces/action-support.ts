/**
 * What the `residents/*` actions share (actions.ts: add, remove, list; sync-actions.ts: the
 * platform's versioned upsert and delete): the services they run on, the photos field, the pass
 * checks and the pipeline, each failing with the wire error code a requester can act on.
 */
import { z } from 'zod';
import { ActionError } from '../../core/actions.js';
import type { FacesConfig } from '../../config/sections/faces.js';
import type { Identities } from './identities.js';
import type { FacePipeline } from './pipeline.js';
import type { ResidentDetails, ResidentStore } from './store/resident-store.js';
import { EnrolmentRefused } from './enrolment.js';
import type { GroupMemberships } from '../access/services.js';
import { PassError, passOf, type Pass, type PassFields } from './visitors/pass.js';
import { errMessage } from '../../core/errors.js';

export interface ResidentServices {
  store: ResidentStore;
  /** Access group memberships (groups field). */
  groups: GroupMemberships;
  identities: Identities;
  /** Resolves when the models are loaded; rejects with a readable reason if they cannot be. */
  pipeline(): Promise<FacePipeline>;
}

/** The photos field of residents/add and residents/upsert. */
export function photosField(cfg: FacesConfig) {
  const maxB64 = Math.ceil(cfg.enrolment.maxPhotoBytes / 3) * 4;
  return z
    .array(
      z
        .string()
        .max(maxB64, `a photo larger than ${cfg.enrolment.maxPhotoBytes} bytes`)
        .regex(/^[A-Za-z0-9+/=\s]+$/, 'base64'),
    )
    .min(1)
    .max(cfg.enrolment.maxPhotos);
}

/** The pass the request's fields describe, refused as invalid_input when they do not add up. */
export function requestedPass(f: PassFields, isNew: boolean): Pass {
  try {
    return passOf(f, { isNew });
  } catch (err) {
    if (err instanceof PassError) throw new ActionError(err.message, 'invalid_input');
    throw err;
  }
}

/** The face pipeline, or `unavailable` with the reason (models missing, recognition disabled). */
export async function readyPipeline(s: ResidentServices): Promise<FacePipeline> {
  try {
    return await s.pipeline();
  } catch (err) {
    throw new ActionError(errMessage(err), 'unavailable');
  }
}

/** EnrolmentRefused becomes photo_refused (the message names each photo and why). */
export function refusedPhotos(err: unknown): unknown {
  return err instanceof EnrolmentRefused ? new ActionError(err.message, 'photo_refused') : err;
}

const detail = (what: string) => z.string().max(64).optional().describe(`${what} (optional; "" clears it).`);
/** Address, phone, access groups and visitor pass gates: the fields residents/add, upsert and update accept beside the face. */
export const personFields = {
  building: detail('Building, e.g. "3" or "3栋"'),
  unit: detail('Unit (单元)'),
  room: detail('Room, e.g. "1502"'),
  phone: z
    .string()
    .max(32)
    .regex(/^[0-9+\-() ]*$/, 'digits, spaces, + - ( )')
    .optional()
    .describe('Phone (optional; "" clears it).'),
  groups: z
    .array(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/))
    .max(100)
    .optional()
    .describe('Access groups the person is a member of (replaces their memberships; absent: unchanged).'),
  gates: z
    .array(z.string().min(1).max(64))
    .max(200)
    .optional()
    .describe('Visitors: the gates the pass is for (absent or empty: what their groups allow).'),
};

export interface PersonFieldValues {
  building?: string | undefined;
  unit?: string | undefined;
  room?: string | undefined;
  phone?: string | undefined;
  groups?: string[] | undefined;
  gates?: string[] | undefined;
}

/** The store's extras from the request's fields (absent fields stay absent). */
export function extrasOf(f: PersonFieldValues): { details: Partial<ResidentDetails>; passGates?: string[] | null } {
  const details: Partial<ResidentDetails> = {};
  for (const k of ['building', 'unit', 'room', 'phone'] as const) if (f[k] !== undefined) details[k] = f[k].trim() || null;
  return { details, ...(f.gates === undefined ? {} : { passGates: f.gates.length ? f.gates : null }) };
}
