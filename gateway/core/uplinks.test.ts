import { describe, expect, it } from 'vitest';
import { deliveryOf, gatherUplinks, type UplinkStatus } from './uplinks.js';
// @ts-expect-error: a plain JS module without types
import { deliveryOf as consoleDeliveryOf } from '../rooms/console/public/js/uplinks.js';

const mqtt: UplinkStatus = {
  kind: 'embedded_broker',
  state: 'up',
  since: '2026-12-07T14:00:00.000Z',
  target: 'mqtt://127.0.0.1:1883',
  detail: null,
  backlog: 2,
  delivery: { by: 'sent_flag' },
};
const viid: UplinkStatus = {
  kind: 'gat1400',
  state: 'down',
  since: null,
  target: 'http://viid.example:8080',
  detail: 'HTTP 503',
  backlog: 1,
  delivery: { by: 'position', kinds: ['face.recognized', 'plate.recognized'], position: 10 },
};
const off = (kind: UplinkStatus['kind']): UplinkStatus => ({ ...mqtt, kind, state: 'off', backlog: null, delivery: { by: 'none' } });

describe('uplinks', () => {
  it('lists every uplink once, in a fixed order, whichever room reports it', () => {
    const list = gatherUplinks([
      { uplinkStatus: () => [viid] },
      { uplinkStatus: () => [mqtt, off('city_mqtt')] },
      { uplinkStatus: () => [off('gb28181')] },
    ]);
    expect(list.map((u) => [u.kind, u.state])).toEqual([
      ['embedded_broker', 'up'],
      ['city_mqtt', 'off'],
      ['gb28181', 'off'],
      ['gat1400', 'down'],
    ]);
  });

  it("tells an event's delivery per uplink: the MQTT sent mark, the GA/T 1400 position over its kinds, nothing for one that is off", () => {
    for (const rule of [deliveryOf, consoleDeliveryOf as typeof deliveryOf]) {
      const sentFace = { rowid: 9, kind: 'face.recognized', sent: true };
      const newPlate = { rowid: 11, kind: 'plate.recognized', sent: false };
      const gate = { rowid: 5, kind: 'gate.command', sent: true };
      expect([sentFace, newPlate, gate].map((e) => [rule(mqtt, e), rule(viid, e), rule(off('gb28181'), e)])).toEqual([
        ['sent', 'sent', null],
        ['queued', 'queued', null],
        ['sent', null, null],
      ]);
    }
  });
});
