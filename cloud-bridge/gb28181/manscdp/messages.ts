/**
 * MANSCDP bodies (GB/T 28181-2016 Annex A) the device sends, and the queries it reads. Pure:
 * strings in, encoded bodies out.
 */
import type { Channel } from '../channels.js';
import { type Charset, encodeBody } from './charset.js';
import { buildXml, childText, parseXml, XmlError, type XmlElement, type XmlNode } from './xml.js';

export const MANSCDP_TYPE = 'Application/MANSCDP+xml';

export interface Incoming {
  /** Query, Notify, Control, Response. */
  root: string;
  cmdType: string;
  sn: string;
  deviceId: string;
  el: XmlElement;
}

/** Reads the envelope of a MANSCDP body; throws XmlError when it is not one. */
export function parseManscdp(text: string): Incoming {
  const el = parseXml(text);
  const cmdType = childText(el, 'CmdType');
  const sn = childText(el, 'SN');
  const deviceId = childText(el, 'DeviceID');
  if (!cmdType) throw new XmlError(`<${el.name}> without CmdType`);
  if (!sn || !/^\d{1,10}$/.test(sn)) throw new XmlError(`<${el.name}> without a numeric SN`);
  if (!deviceId) throw new XmlError(`<${el.name}> without DeviceID`);
  return { root: el.name, cmdType, sn, deviceId, el };
}

/** Local wall-clock time as the standard writes it: 2024-05-01T08:30:00 (no zone). */
export function gbTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getFullYear(), 4)}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function keepaliveBody(deviceId: string, sn: number, charset: Charset): Buffer {
  return encodeBody(
    buildXml(
      [
        'Notify',
        [
          ['CmdType', 'Keepalive'],
          ['SN', sn],
          ['DeviceID', deviceId],
          ['Status', 'OK'],
        ],
      ],
      charset,
    ),
    charset,
  );
}

export interface DeviceFacts {
  deviceId: string;
  name: string;
  manufacturer: string;
  model: string;
  firmware: string;
  civilCode: string;
}

export interface ChannelState extends Channel {
  online: boolean;
}

function itemOf(c: ChannelState, dev: DeviceFacts): XmlNode {
  return [
    'Item',
    [
      ['DeviceID', c.gbId],
      ['Name', c.name],
      ['Manufacturer', dev.manufacturer],
      ['Model', c.kind],
      ['Owner', dev.manufacturer],
      ['CivilCode', dev.civilCode],
      ['Address', c.name],
      ['Parental', 0],
      ['ParentID', dev.deviceId],
      ['SafetyWay', 0],
      ['RegisterWay', 1],
      ['Secrecy', 0],
      ['Status', c.online ? 'ON' : 'OFF'],
    ],
  ];
}

function catalogXml(dev: DeviceFacts, sn: string, sum: number, items: XmlNode[], charset: Charset): string {
  return buildXml(
    [
      'Response',
      [
        ['CmdType', 'Catalog'],
        ['SN', sn],
        ['DeviceID', dev.deviceId],
        ['SumNum', sum],
        ['DeviceList', items, { Num: items.length }],
      ],
    ],
    charset,
  );
}

/**
 * The Catalog response as one or more bodies, each at most `maxBytes` (encoded) unless one item
 * alone is larger: every body carries SumNum (all channels) and a DeviceList of its share.
 */
export function catalogBodies(dev: DeviceFacts, channels: ChannelState[], sn: string, charset: Charset, maxBytes: number): Buffer[] {
  if (channels.length === 0) return [encodeBody(catalogXml(dev, sn, 0, [], charset), charset)];
  const bodies: Buffer[] = [];
  let batch: XmlNode[] = [];
  let last: Buffer | undefined;
  for (const c of channels) {
    const item = itemOf(c, dev);
    const tryBody = encodeBody(catalogXml(dev, sn, channels.length, [...batch, item], charset), charset);
    if (batch.length > 0 && tryBody.length > maxBytes) {
      bodies.push(last as Buffer);
      batch = [item];
      last = encodeBody(catalogXml(dev, sn, channels.length, batch, charset), charset);
    } else {
      batch.push(item);
      last = tryBody;
    }
  }
  bodies.push(last as Buffer);
  return bodies;
}

export function deviceInfoBody(dev: DeviceFacts, sn: string, channelCount: number, charset: Charset): Buffer {
  return encodeBody(
    buildXml(
      [
        'Response',
        [
          ['CmdType', 'DeviceInfo'],
          ['SN', sn],
          ['DeviceID', dev.deviceId],
          ['DeviceName', dev.name],
          ['Result', 'OK'],
          ['Manufacturer', dev.manufacturer],
          ['Model', dev.model],
          ['Firmware', dev.firmware],
          ['Channel', channelCount],
        ],
      ],
      charset,
    ),
    charset,
  );
}

/** DeviceStatus of the device (or of one channel: `id` and `online` are then the channel's). */
export function deviceStatusBody(
  id: string,
  sn: string,
  online: boolean,
  now: number,
  charset: Charset,
  alarmInputs: ChannelState[],
): Buffer {
  return encodeBody(
    buildXml(
      [
        'Response',
        [
          ['CmdType', 'DeviceStatus'],
          ['SN', sn],
          ['DeviceID', id],
          ['Result', 'OK'],
          ['Online', online ? 'ONLINE' : 'OFFLINE'],
          ['Status', online ? 'OK' : 'ERROR'],
          ['Encode', 'ON'],
          ['Record', 'OFF'],
          ['DeviceTime', gbTime(now)],
          alarmInputs.length
            ? [
                'Alarmstatus',
                alarmInputs.map((a): XmlNode => [
                  'Item',
                  [
                    ['DeviceID', a.gbId],
                    ['DutyStatus', a.online ? 'ONDUTY' : 'OFFDUTY'],
                  ],
                ]),
                { Num: alarmInputs.length },
              ]
            : undefined,
        ],
      ],
      charset,
    ),
    charset,
  );
}

export interface AlarmFacts {
  channelId: string;
  priority: number;
  /** 2 = device alarm (设备报警). */
  method: number;
  ts: number;
  description: string;
}

export function alarmBody(a: AlarmFacts, sn: number, charset: Charset): Buffer {
  return encodeBody(
    buildXml(
      [
        'Notify',
        [
          ['CmdType', 'Alarm'],
          ['SN', sn],
          ['DeviceID', a.channelId],
          ['AlarmPriority', a.priority],
          ['AlarmMethod', a.method],
          ['AlarmTime', gbTime(a.ts)],
          ['AlarmDescription', a.description],
        ],
      ],
      charset,
    ),
    charset,
  );
}
