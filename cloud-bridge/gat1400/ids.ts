import { createHash } from 'node:crypto';

/**
 * GA/T 1400 identifiers and times (pure).
 *
 *   DeviceID        20 digits: centre code (8) + industry (2) + type (3) + serial (7), as GB/T 28181
 *   ImageID         41: DeviceID (20) + "02" (image) + time yyyyMMddHHmmss (14) + serial (5)
 *   SourceID        the ImageID of the picture an object was found in
 *   FaceID          48: SourceID (41) + "06" (face) + serial (5)
 *   MotorVehicleID  48: SourceID (41) + "02" (motor vehicle) + serial (5)
 *
 * Ids are derived from the outbox row, never drawn at random: a retry (after a timeout, a
 * restart, a re-registration) sends the same ids, so the platform can deduplicate.
 */
export const DEVICE_ID = /^\d{20}$/;

/** Pictures one record may carry; each gets its own ImageID serial. */
export const MAX_PICTURES = 4;

/**
 * The 5-digit serial of picture `index` of the record stored in outbox row `rowid`: distinct for
 * every picture of 25,000 consecutive rows, so two records of one camera within the same second
 * never share an id, and the same row always gets the same serial.
 */
export function pictureSerial(rowid: number, index: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_PICTURES) throw new Error(`picture index ${index} out of range`);
  return (rowid % (100_000 / MAX_PICTURES)) * MAX_PICTURES + index;
}

export function imageId(deviceId: string, time14: string, serial: number): string {
  return `${deviceId}02${time14}${pad(serial, 5)}`;
}

/** FaceID ('06') or MotorVehicleID ('02') of the first object found in picture `sourceId`. */
export function objectId(sourceId: string, type: '06' | '02', serial = 1): string {
  return `${sourceId}${type}${pad(serial, 5)}`;
}

/** "+08:00" → 480 minutes east of UTC. */
export function parseUtcOffset(text: string): number {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (!m) throw new Error(`not a UTC offset: ${JSON.stringify(text)} (expected e.g. +08:00)`);
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

/** yyyyMMddHHmmss of an ISO time (or epoch ms) at `offsetMinutes` east of UTC. */
export function viidTime(t: string | number, offsetMinutes: number): string {
  const ms = typeof t === 'number' ? t : Date.parse(t);
  if (Number.isNaN(ms)) throw new Error(`not a time: ${JSON.stringify(t)}`);
  const d = new Date(ms + offsetMinutes * 60_000);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}`;
}

/** Epoch ms of a yyyyMMddHHmmss time written at `offsetMinutes` east of UTC, or undefined. */
export function parseViidTime(text: string, offsetMinutes: number): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return ms - offsetMinutes * 60_000;
}

/**
 * A camera's default VIID DeviceID when the config maps none: the gateway's centre and industry
 * code (its first 10 digits), type 119 (the capture-device code seen in GA/T 1400 deployments)
 * and a 7-digit serial hashed from the camera id, stable whatever the order of the cameras.
 */
export function defaultCameraDeviceId(gatewayDeviceId: string, cameraId: string): string {
  const serial = createHash('sha256').update(cameraId).digest().readUInt32BE(0) % 10_000_000;
  return `${gatewayDeviceId.slice(0, 10)}119${pad(serial, 7)}`;
}

/** The VIID ids of a camera: as listed in gat1400.cameras, else derived from the gateway's DeviceID. */
export function viidCameraOf(
  cfg: {
    deviceId?: string | undefined;
    cameras: readonly { id: string; deviceId?: string | undefined; tollgateId?: string | undefined }[];
  },
  cameraId: string,
): { deviceId: string; tollgateId: string } {
  const listed = cfg.cameras.find((x) => x.id === cameraId);
  const deviceId = listed?.deviceId ?? defaultCameraDeviceId(cfg.deviceId ?? '', cameraId);
  return { deviceId, tollgateId: listed?.tollgateId ?? deviceId };
}

/** Every camera's VIID ids (two cameras must not share one: the config check refuses it). */
export function viidCameraIds(cfg: Parameters<typeof viidCameraOf>[0], cameraIds: readonly string[]) {
  return cameraIds.map((camera) => ({ camera, ...viidCameraOf(cfg, camera) }));
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
