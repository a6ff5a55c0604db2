/**
 * Validation rules of public GA/T 1400 (视图库) servers, as the project's conformance stub
 * (viid-server.ts) plays them. They were read from other people's code (see
 * /work/shared/TEST-PEERS.md, "Public GA/T 1400 servers' rules"), not run: the stub is a
 * conformance stub written from those rules, not an independent peer.
 *
 * - `schema`: this project's own reading of GA/T 1400.4 (the JSON Schemas in
 *   cloud-bridge/gat1400/schemas, checked on every message), per-record numeric StatusCode.
 * - `flags-required` (public server A): a FaceObject without IsSuspectedTerrorist,
 *   IsCriminalInvolved, IsDetainees, IsVictim or IsSuspiciousPerson, or without one of the
 *   standard's mandatory fields, is answered StatusCode 10; SubImageList (and its
 *   SubImageInfoObject) is read without a null check, so a record without it fails the whole
 *   request with HTTP 500; every record is saved before the answer is written, so the records of
 *   a request before the one that failed are stored, and a retry stores them twice.
 * - `string-codes` (public server B): StatusCode as a string ("0", and "500" for a record it
 *   could not take); the Digest answer is checked only for realm and nonce.
 */
export type ViidProfile = 'schema' | 'flags-required' | 'string-codes';

export const VIID_PROFILES: readonly ViidProfile[] = ['schema', 'flags-required', 'string-codes'];

const FACE_FLAGS = ['IsSuspectedTerrorist', 'IsCriminalInvolved', 'IsDetainees', 'IsVictim', 'IsSuspiciousPerson'] as const;
const FACE_MANDATORY = ['FaceID', 'InfoKind', 'SourceID', 'DeviceID', 'LeftTopX', 'LeftTopY', 'RightBtmX', 'RightBtmY'] as const;
const VEHICLE_MANDATORY = ['MotorVehicleID', 'InfoKind', 'SourceID', 'DeviceID', 'HasPlate', 'PlateNo'] as const;

/** What a server of this profile does with one record, in the order it reads them. */
export type RecordRule = { kind: 'crash'; why: string } | { kind: 'status'; code: number; why: string } | { kind: 'take' };

export function ruleFor(profile: ViidProfile, path: string, object: Record<string, unknown>): RecordRule {
  if (profile !== 'flags-required') return { kind: 'take' };
  const sub = object.SubImageList as { SubImageInfoObject?: unknown } | undefined | null;
  if (!sub || !Array.isArray(sub.SubImageInfoObject))
    return { kind: 'crash', why: 'NullPointerException: getSubImageList().getSubImageInfoObject()' };
  const mandatory = path === '/VIID/Faces' ? [...FACE_MANDATORY, ...FACE_FLAGS] : VEHICLE_MANDATORY;
  const missing = mandatory.filter((k) => object[k] === undefined || object[k] === null || object[k] === '');
  if (missing.length) return { kind: 'status', code: 10, why: `missing ${missing.join(', ')}` };
  return { kind: 'take' };
}

/** StatusCode as the profile writes it. */
export function statusValue(profile: ViidProfile, code: number): number | string {
  return profile === 'string-codes' ? String(code) : code;
}

/** Whether the profile checks the Digest response itself, or only realm and nonce. */
export function checksDigestResponse(profile: ViidProfile): boolean {
  return profile !== 'string-codes';
}

/** Whether records are stored as they are read, before the answer (a failed request leaves the earlier ones stored). */
export function savesBeforeAnswer(profile: ViidProfile): boolean {
  return profile === 'flags-required';
}
