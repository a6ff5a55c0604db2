import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../gateway/config/load.js';
import { defaultCameraDeviceId, imageId, objectId, parseUtcOffset, parseViidTime, pictureSerial, viidTime } from './ids.js';
import { batchBody, plateClass, planRecord, withPictures, type MappingOptions, type PlannedRecord } from './mapping.js';
import { classifyStatusCode, parseResponseStatus, parseResponseStatusList, parseSystemTime, statusesFor } from './responses.js';

describe('ids and times', () => {
  it('composes ImageID (41), FaceID and MotorVehicleID (48) as GA/T 1400 does', () => {
    const img = imageId('31010400001190000001', '20261124153000', 123);
    expect(img).toBe('31010400001190000001022026112415300000123');
    expect(img).toHaveLength(41);
    expect(objectId(img, '06')).toBe(`${img}0600001`);
    expect(objectId(img, '02', 7)).toBe(`${img}0200007`);
  });

  it('gives each picture of 25,000 consecutive rows its own serial, the same on every retry', () => {
    const serials = new Set<number>();
    for (let row = 1_000_000; row < 1_025_000; row++) for (let i = 0; i < 4; i++) serials.add(pictureSerial(row, i));
    expect(serials.size).toBe(100_000);
    expect(Math.max(...serials)).toBe(99_999);
    expect(pictureSerial(42, 1)).toBe(pictureSerial(42, 1));
    expect(() => pictureSerial(1, 4)).toThrow();
  });

  it('writes and reads yyyyMMddHHmmss in the platform time zone', () => {
    expect(parseUtcOffset('+08:00')).toBe(480);
    expect(parseUtcOffset('-0330')).toBe(-210);
    expect(() => parseUtcOffset('Asia/Shanghai')).toThrow();
    expect(viidTime('2026-11-24T16:30:05.900Z', 480)).toBe('20261125003005');
    expect(parseViidTime('20261125003005', 480)).toBe(Date.parse('2026-11-24T16:30:05Z'));
    expect(parseViidTime('20261131000000', 480)).toBeUndefined();
    expect(parseViidTime('2026-11-25', 480)).toBeUndefined();
  });

  it('derives a stable 20-digit camera DeviceID from the gateway id and the camera id', () => {
    const a = defaultCameraDeviceId('31010400005030000001', 'north-gate');
    expect(a).toMatch(/^3101040000119\d{7}$/);
    expect(defaultCameraDeviceId('31010400005030000001', 'north-gate')).toBe(a);
    expect(defaultCameraDeviceId('31010400005030000001', 'south-gate')).not.toBe(a);
  });
});

describe('mapping', () => {
  const opts: MappingOptions = {
    offsetMinutes: 480,
    camera: (id) => ({ deviceId: id === 'lane-1' ? '31010400001190000001' : '31010400001190000002', tollgateId: '31010400001210000009' }),
    images: { face: true, scene: true, plate: true },
  };
  const face = {
    cameraId: 'lane-1',
    trackId: 4,
    frames: 3,
    snapshotId: '20261124T073000123Z-lane-1-4-ab12cd34',
    box: { x1: 100, y1: 60, x2: 164, y2: 140 },
    firstSeen: '2026-11-24T07:29:59.500Z',
    residentId: 'r-17',
    name: '张三',
    similarity: 0.61,
    threshold: 0.44,
  };

  it('maps face.recognized to a FaceObject without the name or resident id', () => {
    const plan = planRecord(
      {
        rowid: 1001,
        id: '01JD5Z8Q3W6N8V2K4M7P9R1T3X',
        kind: 'face.recognized',
        ts: '2026-11-24T07:30:00.123Z',
        json: JSON.stringify(face),
      },
      opts,
    );
    expect(plan.ok).toBe(true);
    const r = (plan as { record: PlannedRecord }).record;
    const source = '31010400001190000001022026112415300004004';
    expect(r).toMatchObject({ endpoint: 'faces', recordId: `${source}0600001`, shotTime: '20261124153000' });
    expect(r.object).toEqual({
      FaceID: `${source}0600001`,
      InfoKind: 1,
      SourceID: source,
      DeviceID: '31010400001190000001',
      LeftTopX: 100,
      LeftTopY: 60,
      RightBtmX: 164,
      RightBtmY: 140,
      FaceAppearTime: '20261124152959',
      ShotTime: '20261124153000',
      // Required by a public 视图库 server (StatusCode 10 without them); nothing is known: 0.
      IsSuspectedTerrorist: 0,
      IsCriminalInvolved: 0,
      IsDetainees: 0,
      IsVictim: 0,
      IsSuspiciousPerson: 0,
    });
    expect(JSON.stringify(r.object)).not.toMatch(/张三|r-17|0\.61/);
    expect(r.pictures).toEqual([{ snapshotId: face.snapshotId, crop: false, type: '11', imageId: source }]);
    const sent = withPictures(r, [{ ref: r.pictures[0]!, data: '/9j/AAAA', width: 64, height: 80 }]);
    expect(sent.SubImageList).toEqual({
      SubImageInfoObject: [
        {
          ImageID: source,
          EventSort: 11,
          DeviceID: '31010400001190000001',
          Type: '11',
          FileFormat: 'Jpeg',
          ShotTime: '20261124153000',
          Width: 64,
          Height: 80,
          Data: '/9j/AAAA',
        },
      ],
    });
    expect(batchBody('faces', [sent])).toEqual({ FaceListObject: { FaceObject: [sent] } });
    // Pictures gone (retention): an empty list, never none (a public server fails with HTTP 500 without it).
    expect(withPictures(r, []).SubImageList).toEqual({ SubImageInfoObject: [] });
  });

  it('maps plate.recognized to a MotorVehicleObject with scene and plate pictures of distinct ids', () => {
    const plate = {
      cameraId: 'lane-2',
      plate: '粤BD12345',
      colour: 'green',
      confidence: 0.97,
      reads: 3,
      box: { x: 500, y: 400, width: 120, height: 40 },
      known: false,
      vehicle: null,
      snapshotId: '20261124T080000000Z-lane-2-9-0011aabb',
      cropId: '20261124T080000000Z-lane-2-9-0011aabb',
      at: '2026-11-24T08:00:00.000Z',
      firstSeen: '2026-11-24T07:59:58.000Z',
    };
    const plan = planRecord(
      {
        rowid: 77,
        id: '01JD5Z8Q3W6N8V2K4M7P9R1T3Y',
        kind: 'plate.recognized',
        ts: '2026-11-24T08:00:01.000Z',
        json: JSON.stringify(plate),
      },
      opts,
    );
    const r = (plan as { record: PlannedRecord }).record;
    const source = '31010400001190000002022026112416000000308';
    expect(r.object).toEqual({
      MotorVehicleID: `${source}0200001`,
      InfoKind: 1,
      SourceID: source,
      TollgateID: '31010400001210000009',
      DeviceID: '31010400001190000002',
      PassTime: '20261124160000',
      HasPlate: '1',
      PlateClass: '52',
      PlateColor: '9',
      PlateNo: '粤BD12345',
    });
    expect(r.pictures.map((p) => [p.type, p.crop, p.imageId])).toEqual([
      ['14', false, source],
      ['02', true, '31010400001190000002022026112416000000309'],
    ]);
    const noPictures = planRecord(
      { rowid: 77, id: 'x', kind: 'plate.recognized', ts: '', json: JSON.stringify(plate) },
      { ...opts, images: { face: true, scene: false, plate: false } },
    );
    expect((noPictures as { record: PlannedRecord }).record.pictures).toEqual([]);
  });

  it('knows plate classes and colours', () => {
    expect([
      plateClass('粤B12345', 'blue'),
      plateClass('粤B12345', 'yellow'),
      plateClass('粤B1234警', 'white'),
      plateClass('皖Q0686学', 'yellow'),
    ]).toEqual(['02', '01', '23', '16']);
    expect([plateClass('粤BD1234', 'green'), plateClass('粤B12345', 'black')]).toEqual(['99', '99']);
  });

  it('refuses events it cannot map, naming the field', () => {
    const row = { rowid: 1, id: 'e1', kind: 'face.recognized', ts: '2026-11-24T07:30:00Z' };
    expect(planRecord({ ...row, json: '{' }, opts)).toEqual({ ok: false, error: 'event e1 (face.recognized): stored data is not JSON' });
    const bad = planRecord({ ...row, json: JSON.stringify({ ...face, box: { x1: 1 } }) }, opts);
    expect(bad).toMatchObject({ ok: false, error: expect.stringMatching(/^event e1 \(face.recognized\): box\.y1: /) as string });
    expect(planRecord({ ...row, kind: 'camera.online', json: '{}' }, opts)).toMatchObject({ ok: false });
  });
});

describe('responses', () => {
  it('reads a status list whatever the case of its keys and the type of StatusCode', () => {
    const text = JSON.stringify({
      responsestatuslistobject: {
        ResponseStatusObject: [
          { ID: 'a', StatusCode: '0', StatusString: 'OK' },
          { Id: 'b', statuscode: 8 },
        ],
      },
    });
    expect(parseResponseStatusList(text)).toEqual({
      ok: true,
      value: [
        { id: 'a', code: 0, text: 'OK' },
        { id: 'b', code: 8, text: undefined },
      ],
    });
    expect(parseResponseStatusList(JSON.stringify({ ResponseStatusObject: { StatusCode: 0 } }))).toEqual({
      ok: true,
      value: [{ id: undefined, code: 0, text: undefined }],
    });
    expect(
      parseResponseStatusList(JSON.stringify({ ResponseStatusListObject: { ResponseStatusObject: { Id: 'a', StatusCode: 0 } } })),
    ).toMatchObject({ ok: true });
  });

  it('calls anything else malformed', () => {
    for (const text of [
      '<html>',
      '[]',
      '{}',
      '{"ResponseStatusListObject":{}}',
      '{"ResponseStatusListObject":{"ResponseStatusObject":[{"StatusCode":"ok"}]}}',
      '{"ResponseStatusListObject":{"ResponseStatusObject":[7]}}',
    ])
      expect(parseResponseStatusList(text).ok, text).toBe(false);
    expect(parseResponseStatus('{"ResponseStatusObject":{"StatusCode":1.5}}').ok).toBe(false);
  });

  it('matches statuses to records by id, else by position or one for all', () => {
    const s = (id: string | undefined, code: number) => ({ id, code, text: undefined });
    expect(statusesFor(['a', 'b', 'c'], [s('c', 0), s('a', 8)])).toEqual([s('a', 8), undefined, s('c', 0)]);
    expect(statusesFor(['a', 'b'], [s(undefined, 0), s(undefined, 2)])).toEqual([s(undefined, 0), s(undefined, 2)]);
    expect(statusesFor(['a', 'b'], [s(undefined, 0)])).toEqual([s(undefined, 0), s(undefined, 0)]);
    expect(statusesFor(['a', 'b', 'c'], [s(undefined, 0), s(undefined, 0)])).toEqual([undefined, undefined, undefined]);
  });

  it('classifies status codes and reads the platform time', () => {
    expect([0, 1, 2, 3, 4, 7, 8, 9, 42].map(classifyStatusCode)).toEqual([
      'ok',
      'retry',
      'retry',
      'retry',
      'refused',
      'refused',
      'refused',
      'retry',
      'retry',
    ]);
    expect(parseSystemTime('{"SystemTimeObject":{"VIIDServerID":"1","TimeMode":"1","LocalTime":"20261124153000"}}')).toEqual({
      ok: true,
      value: { localTime: '20261124153000', timeZone: undefined },
    });
    expect(parseSystemTime('{"SystemTimeObject":{"LocalTime":"2026-11-24"}}').ok).toBe(false);
  });
});

describe('gat1400 config', () => {
  const parse = (yaml: string) => () => parseConfig(yaml, { source: 'test', baseDir: '/tmp', env: {} });
  it('is off by default and names what is missing when turned on', () => {
    expect(parse('')().config.gat1400).toMatchObject({
      enabled: false,
      keepaliveS: 60,
      batchSize: 10,
      timeZone: '+08:00',
      strangers: false,
    });
    expect(parse('gat1400: {enabled: true}')).toThrow(
      /gat1400\.url: got nothing, required when gat1400\.enabled is true[\s\S]*gat1400\.deviceId: got nothing, required/,
    );
    expect(parse('gat1400: {enabled: true, url: ftp://x, deviceId: "123"}')).toThrow(/gat1400\.url[\s\S]*gat1400\.deviceId/);
    expect(parse('gat1400: {cameras: [{id: a}, {id: a}], enabled: true, url: "http://p", deviceId: "31010400005030000001"}')).toThrow(
      /camera a listed twice/,
    );
  });
});
