import type { z } from 'zod';
import { catalogue } from '../../gateway/events.js';
import type { SinkRow } from '../../gateway/store/outbox-sink.js';
import { imageId, objectId, pictureSerial, viidTime } from './ids.js';

/**
 * Outbox events → GA/T 1400 objects (pure): face.recognized / face.unknown → FaceObject,
 * plate.recognized → MotorVehicleObject. Only what the record needs: no resident name or id,
 * no similarity; pictures only as configured. Ids are derived from the outbox row (ids.ts).
 */
export type Endpoint = 'faces' | 'vehicles';

export const VEHICLE_KINDS = ['plate.recognized'] as const;

export interface ViidCamera {
  deviceId: string;
  tollgateId: string;
}

export interface MappingOptions {
  /** UTC offset of the platform's yyyyMMddHHmmss times, in minutes east. */
  offsetMinutes: number;
  camera(cameraId: string): ViidCamera;
  images: { face: boolean; scene: boolean; plate: boolean };
}

/** A picture a record wants: a stored snapshot (or its crop) and its GA/T 1400 image type. */
export interface PictureRef {
  snapshotId: string;
  crop: boolean;
  /** 11 face, 14 scene, 02 plate (01 vehicle is not produced: no vehicle crop is stored). */
  type: '11' | '14' | '02';
  imageId: string;
}

export interface Picture {
  ref: PictureRef;
  /** JPEG, base64. */
  data: string;
  width: number;
  height: number;
}

export interface PlannedRecord {
  endpoint: Endpoint;
  rowid: number;
  eventId: string;
  kind: string;
  /** FaceID or MotorVehicleID. */
  recordId: string;
  deviceId: string;
  shotTime: string;
  /** The object without its SubImageList. */
  object: Record<string, unknown>;
  pictures: PictureRef[];
}

/** Event sorts (事件分类) of SubImageInfoObject, as in the example payloads of GA/T 1400 implementations. */
const EVENT_SORT = { face: 11, vehicle: 4 } as const;

/**
 * The person flags of a FaceObject (是否涉恐/涉案/在押/被害/可疑人员). A public 视图库 server
 * refuses a FaceObject without them (StatusCode 10); a public device-side client sends them as
 * 0. The box knows none of this about anybody, so it sends 0 as that client does (the standard
 * also allows 2, "uncertain", which that server reads the same).
 */
const FACE_FLAGS = { IsSuspectedTerrorist: 0, IsCriminalInvolved: 0, IsDetainees: 0, IsVictim: 0, IsSuspiciousPerson: 0 } as const;

/** GA/T 1400 colour codes: 1 black, 2 white, 5 blue, 6 yellow, 9 green, 99 other. */
const PLATE_COLOUR: Record<string, string> = { black: '1', white: '2', blue: '5', yellow: '6', green: '9' };

/** Plate class (号牌种类, GA 24.7) from the plate's suffix, else its colour and length. */
export function plateClass(plate: string, colour: string): string {
  const suffix: Record<string, string> = { 警: '23', 学: '16', 挂: '15', 使: '03', 领: '04', 港: '26', 澳: '27' };
  const last = [...plate].at(-1) ?? '';
  if (suffix[last]) return suffix[last];
  if (colour === 'blue') return '02'; // small car
  if (colour === 'yellow') return '01'; // large car
  if (colour === 'green' && [...plate].length === 8) return '52'; // small new-energy car
  return '99';
}

export type PlanResult = { ok: true; record: PlannedRecord } | { ok: false; error: string };

/** The record for one outbox row of a face or plate kind, or why it cannot be built. */
export function planRecord(row: SinkRow, opts: MappingOptions): PlanResult {
  let data: unknown;
  try {
    data = JSON.parse(row.json);
  } catch {
    return { ok: false, error: `event ${row.id} (${row.kind}): stored data is not JSON` };
  }
  if (row.kind === 'face.recognized' || row.kind === 'face.unknown') {
    const parsed = catalogue[row.kind].schema.safeParse(data);
    if (!parsed.success) return invalid(row, parsed.error);
    const f = parsed.data;
    const cam = opts.camera(f.cameraId);
    const time = viidTime(row.ts, opts.offsetMinutes);
    const sourceId = imageId(cam.deviceId, time, pictureSerial(row.rowid, 0));
    const recordId = objectId(sourceId, '06');
    const pictures: PictureRef[] = [];
    if (opts.images.face && f.snapshotId) pictures.push({ snapshotId: f.snapshotId, crop: false, type: '11', imageId: sourceId });
    const object = {
      FaceID: recordId,
      InfoKind: 1,
      SourceID: sourceId,
      DeviceID: cam.deviceId,
      LeftTopX: f.box.x1,
      LeftTopY: f.box.y1,
      RightBtmX: f.box.x2,
      RightBtmY: f.box.y2,
      FaceAppearTime: viidTime(f.firstSeen, opts.offsetMinutes),
      ShotTime: time,
      ...FACE_FLAGS,
    };
    return planned(row, 'faces', { recordId, deviceId: cam.deviceId, shotTime: time, object, pictures });
  }
  if (row.kind === 'plate.recognized') {
    const parsed = catalogue['plate.recognized'].schema.safeParse(data);
    if (!parsed.success) return invalid(row, parsed.error);
    const p = parsed.data;
    const cam = opts.camera(p.cameraId);
    const time = viidTime(p.at, opts.offsetMinutes);
    const sourceId = imageId(cam.deviceId, time, pictureSerial(row.rowid, 0));
    const recordId = objectId(sourceId, '02');
    const pictures: PictureRef[] = [];
    if (opts.images.scene && p.snapshotId) pictures.push({ snapshotId: p.snapshotId, crop: false, type: '14', imageId: sourceId });
    if (opts.images.plate && p.cropId)
      pictures.push({ snapshotId: p.cropId, crop: true, type: '02', imageId: imageId(cam.deviceId, time, pictureSerial(row.rowid, 1)) });
    const object = {
      MotorVehicleID: recordId,
      InfoKind: 1,
      SourceID: sourceId,
      TollgateID: cam.tollgateId,
      DeviceID: cam.deviceId,
      PassTime: time,
      HasPlate: '1',
      PlateClass: plateClass(p.plate, p.colour),
      PlateColor: PLATE_COLOUR[p.colour] ?? '99',
      PlateNo: p.plate,
    };
    return planned(row, 'vehicles', { recordId, deviceId: cam.deviceId, shotTime: time, object, pictures });
  }
  return { ok: false, error: `event ${row.id}: kind ${row.kind} has no GA/T 1400 record` };
}

/**
 * The object to send: the planned one with the pictures that could be read. A record whose
 * pictures are gone (snapshot retention) or not configured still carries an empty
 * `SubImageList` (`{"SubImageInfoObject": []}`): a public server reads the list without a null
 * check and fails the whole batch with HTTP 500 when it is absent, and iterates an empty one.
 */
export function withPictures(record: PlannedRecord, pictures: readonly Picture[]): Record<string, unknown> {
  const eventSort = record.endpoint === 'faces' ? EVENT_SORT.face : EVENT_SORT.vehicle;
  return {
    ...record.object,
    SubImageList: {
      SubImageInfoObject: pictures.map((p) => ({
        ImageID: p.ref.imageId,
        EventSort: eventSort,
        DeviceID: record.deviceId,
        Type: p.ref.type,
        FileFormat: 'Jpeg',
        ShotTime: record.shotTime,
        Width: p.width,
        Height: p.height,
        Data: p.data,
      })),
    },
  };
}

/** The request body of one batch (all of one endpoint). */
export function batchBody(endpoint: Endpoint, objects: readonly Record<string, unknown>[]): Record<string, unknown> {
  return endpoint === 'faces' ? { FaceListObject: { FaceObject: objects } } : { MotorVehicleListObject: { MotorVehicleObject: objects } };
}

export const ENDPOINT_PATH: Record<Endpoint, string> = { faces: '/VIID/Faces', vehicles: '/VIID/MotorVehicles' };

function planned(
  row: SinkRow,
  endpoint: Endpoint,
  r: Pick<PlannedRecord, 'recordId' | 'deviceId' | 'shotTime' | 'object' | 'pictures'>,
): PlanResult {
  return { ok: true, record: { endpoint, rowid: row.rowid, eventId: row.id, kind: row.kind, ...r } };
}

function invalid(row: SinkRow, error: z.ZodError): PlanResult {
  const first = error.issues[0];
  return {
    ok: false,
    error: `event ${row.id} (${row.kind}): ${first ? `${first.path.join('.') || 'data'}: ${first.message}` : 'invalid data'}`,
  };
}
