import { afterEach, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { buildChannels, fnv1a32, type ChannelSources } from './channels.js';
import { parseOffer, buildAnswer, SdpError } from './sdp.js';
import { parseXml, buildXml, XmlError, childText } from './manscdp/xml.js';
import { catalogBodies, gbTime, parseManscdp, alarmBody, type ChannelState, type DeviceFacts } from './manscdp/messages.js';
import { decodeBody, encodeBody } from './manscdp/charset.js';
import { Keepalive } from './keepalive.js';
import { renewAfterMs } from './register.js';
import { parseConfig } from '../../gateway/config/load.js';

const log = pino({ level: 'silent' });

describe('channel ids', () => {
  const base: ChannelSources = {
    prefix: '3402000000',
    network: '0',
    pinned: {},
    deviceId: '34020000001180000001',
    cameras: [
      { id: 'north-cam', name: '北门' },
      { id: 'south-cam', name: undefined },
    ],
    devices: [
      { id: 'alarm-1', kind: 'alarm_post' },
      { id: 'gate-1', kind: 'barrier' },
      { id: 'door-1', kind: 'turnstile' },
      { id: 'door-2', kind: 'pedestrian_gate' },
      { id: 'io-1', kind: 'io_board' },
    ],
  };

  it('are 20 digits: prefix, the type of the channel, network, a serial from the id', () => {
    const ch = buildChannels(base);
    expect(ch.map((c) => [c.sourceId, c.gbId.slice(10, 13), c.kind])).toEqual([
      ['north-cam', '132', 'camera'],
      ['south-cam', '132', 'camera'],
      ['alarm-1', '134', 'alarm-input'],
      ['gate-1', '141', 'barrier'],
      ['door-1', '142', 'smart-door'],
      ['door-2', '142', 'smart-door'],
    ]);
    for (const c of ch) {
      expect(c.gbId).toMatch(/^3402000000\d{3}0\d{6}$/);
      expect(Number(c.gbId.slice(14))).toBe(fnv1a32(c.sourceId) % 1_000_000);
    }
    expect(ch[1]?.name).toBe('south-cam');
  });

  it('do not change when channels are added, removed or reordered', () => {
    const before = new Map(buildChannels(base).map((c) => [c.sourceId, c.gbId]));
    const after = buildChannels({
      ...base,
      cameras: [{ id: 'east-cam' }, ...[...base.cameras].reverse()],
      devices: base.devices.filter((d) => d.id !== 'gate-1'),
    });
    for (const c of after) if (before.has(c.sourceId)) expect(c.gbId).toBe(before.get(c.sourceId));
  });

  it('resolve a collision with the next free serial, and honour pinned ids', () => {
    // Two camera ids whose hashes meet modulo 1,000,000.
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      const id = `cam-${i}`;
      const s = fnv1a32(id) % 1_000_000;
      const other = seen.get(s);
      if (other) pair = [other, id];
      seen.set(s, id);
    }
    const ch = buildChannels({ ...base, cameras: pair.map((id) => ({ id })), devices: [] });
    const serials = ch.map((c) => Number(c.gbId.slice(14)));
    const sorted = [...pair].sort();
    const first = ch.find((c) => c.sourceId === sorted[0])!;
    expect(Number(first.gbId.slice(14))).toBe(fnv1a32(sorted[0]!) % 1_000_000);
    expect(new Set(serials).size).toBe(2);
    const pinned = buildChannels({ ...base, pinned: { 'south-cam': '34020000001320000777' } });
    expect(pinned.find((c) => c.sourceId === 'south-cam')?.gbId).toBe('34020000001320000777');
    expect(() => buildChannels({ ...base, pinned: { nope: '34020000001320000777' } })).toThrow(/no camera or device "nope"/);
    expect(() => buildChannels({ ...base, pinned: { 'south-cam': base.deviceId } })).toThrow(/reuse the device id/);
  });
});

describe('SDP of a live-video INVITE', () => {
  const offer = (media: string, extra = '') =>
    `v=0\r\no=34020000001320000101 0 0 IN IP4 10.1.1.9\r\ns=Play\r\nc=IN IP4 10.1.1.9\r\nt=0 0\r\nm=video 30000 ${media} 96 98 97\r\na=recvonly\r\na=rtpmap:96 PS/90000\r\na=rtpmap:98 H264/90000\r\n${extra}y=0100000001\r\nf=\r\n`;

  it('reads UDP, TCP with the platform listening and TCP with the platform connecting', () => {
    expect(parseOffer(offer('RTP/AVP'))).toMatchObject({
      transport: 'udp',
      address: '10.1.1.9',
      port: 30000,
      payloadType: 96,
      ssrc: 100000001,
    });
    expect(parseOffer(offer('TCP/RTP/AVP', 'a=setup:passive\r\na=connection:new\r\n'))).toMatchObject({
      transport: 'tcp',
      deviceRole: 'active',
    });
    expect(parseOffer(offer('TCP/RTP/AVP', 'a=setup:active\r\na=connection:new\r\n'))).toMatchObject({
      transport: 'tcp',
      deviceRole: 'passive',
    });
  });

  it('answers sendonly PS with the same SSRC, and a=setup for TCP', () => {
    const o = parseOffer(offer('TCP/RTP/AVP', 'a=setup:active\r\n'));
    const a = buildAnswer({ channelId: '34020000001320000101', address: '10.1.1.20', port: 41000, offer: o });
    expect(a).toContain('m=video 41000 TCP/RTP/AVP 96\r\n');
    expect(a).toContain('a=sendonly\r\na=rtpmap:96 PS/90000\r\na=setup:passive\r\na=connection:new\r\ny=0100000001\r\n');
  });

  it.each([
    ['no PS payload', offer('RTP/AVP').replace('a=rtpmap:96 PS/90000\r\n', ''), /no PS\/90000/],
    ['no y= line', offer('RTP/AVP').replace('y=0100000001\r\n', ''), /y= SSRC/],
    ['an SSRC over 32 bits', offer('RTP/AVP').replace('y=0100000001', 'y=9999999999'), /y= SSRC/],
    ['an IPv6 or host-name address', offer('RTP/AVP').replace(/c=IN IP4 10.1.1.9/g, 'c=IN IP4 media.example'), /IPv4/],
    ['no video', 'v=0\r\ns=Play\r\nc=IN IP4 1.2.3.4\r\nm=audio 5 RTP/AVP 8\r\n', /no video/],
    ['garbage', 'hello world', /bad SDP line/],
  ])('refuses %s', (_what, sdp, reason) => {
    expect(() => parseOffer(sdp)).toThrow(SdpError);
    expect(() => parseOffer(sdp)).toThrow(reason);
  });
});

describe('MANSCDP XML', () => {
  it('parses queries with entities, CDATA and comments, case-insensitively by element', () => {
    const q = parseManscdp(
      '<?xml version="1.0" encoding="GB2312"?>\r\n<!-- q --><Query><CmdType>Catalog</CmdType><SN>17430</SN><DeviceID>34020000001180000001</DeviceID><Note>a &amp; b &#x4e2d;<![CDATA[<x>]]></Note></Query>',
    );
    expect(q).toMatchObject({ root: 'Query', cmdType: 'Catalog', sn: '17430', deviceId: '34020000001180000001' });
    expect(childText(q.el, 'note')).toBe('a & b 中<x>');
  });

  it.each([
    ['a DOCTYPE (entity expansion, XXE)', '<!DOCTYPE x [<!ENTITY a "b">]><Query/>', /DOCTYPE/],
    ['mismatched tags', '<Query><SN>1</Query>', /closes/],
    ['nesting without end', `${'<a>'.repeat(50)}`, /deeper/],
    ['content after the root', '<Query/><Other/>', /after the root/],
    ['a bad character reference', '<a>&#0;</a>', /character reference/],
  ])('refuses %s', (_what, xml, reason) => {
    expect(() => parseXml(xml)).toThrow(XmlError);
    expect(() => parseXml(xml)).toThrow(reason);
  });

  it('refuses bodies that are XML but not MANSCDP', () => {
    expect(() => parseManscdp('<Query><SN>1</SN><DeviceID>1</DeviceID></Query>')).toThrow(/CmdType/);
    expect(() => parseManscdp('<Query><CmdType>Catalog</CmdType><SN>x</SN><DeviceID>1</DeviceID></Query>')).toThrow(/numeric SN/);
  });

  it('escapes what it writes', () => {
    expect(buildXml(['Notify', [['AlarmDescription', '<a & "b">']]], 'UTF-8')).toContain(
      '<AlarmDescription>&lt;a &amp; &quot;b&quot;&gt;</AlarmDescription>',
    );
  });
});

describe('MANSCDP bodies', () => {
  const dev: DeviceFacts = {
    deviceId: '34020000001180000001',
    name: 'box',
    manufacturer: 'Sharp Eyes',
    model: 'edge gateway',
    firmware: '1',
    civilCode: '340200',
  };
  const channels: ChannelState[] = Array.from({ length: 9 }, (_, i) => ({
    gbId: `340200000013200000${String(i).padStart(2, '0')}`,
    kind: 'camera',
    sourceId: `cam-${i}`,
    name: `北门车行道 ${i}`,
    online: i % 2 === 0,
  }));

  it('splits the catalog into bodies under the size limit, each with SumNum and its share', () => {
    for (const max of [900, 2000, 100_000]) {
      const bodies = catalogBodies(dev, channels, '7', 'GB2312', max);
      const texts = bodies.map((b) => decodeBody(b, undefined, 'GB2312'));
      expect(bodies.every((b) => b.length <= max)).toBe(true);
      expect(texts.every((t) => t.includes('<SumNum>9</SumNum>'))).toBe(true);
      const ids = texts.flatMap((t) => [...t.matchAll(/<Item>\s*<DeviceID>(\d+)/g)].map((m) => m[1]));
      expect(ids).toEqual(channels.map((c) => c.gbId));
      const nums = texts.map((t) => Number(/Num="(\d+)"/.exec(t)?.[1]));
      expect(nums.reduce((a, b) => a + b, 0)).toBe(9);
      if (max === 100_000) expect(bodies).toHaveLength(1);
      if (max === 900) expect(bodies.length).toBeGreaterThan(3);
    }
    const empty = decodeBody(catalogBodies(dev, [], '7', 'UTF-8', 900)[0]!, undefined, 'UTF-8');
    expect(empty).toContain('<SumNum>0</SumNum>');
    expect(empty).toContain('<DeviceList Num="0">');
  });

  it('writes GB2312 by default and UTF-8 on request; reads either by the XML declaration', () => {
    const gb = alarmBody({ channelId: '1', priority: 1, method: 2, ts: 0, description: '一键报警' }, 5, 'GB2312');
    expect(gb.includes(Buffer.from('一键报警', 'utf8'))).toBe(false);
    expect(decodeBody(gb, undefined, 'UTF-8')).toContain('一键报警'); // the declaration says GB2312
    const utf = encodeBody('<?xml version="1.0" encoding="UTF-8"?><a>北门</a>', 'UTF-8');
    expect(decodeBody(utf, undefined, 'GB2312')).toContain('北门');
    expect(gbTime(new Date(2024, 4, 1, 8, 3, 9).getTime())).toBe('2024-05-01T08:03:09');
  });

  it('keeps names outside GB2312 (rare surnames, CJK extensions A and B) by writing GB18030', () => {
    // 堃 and 喆 (GBK, two bytes), 㛃 (extension A) and 𠀀 (extension B, four bytes each in GB18030).
    const names = ['王堃', '张喆', '李㛃', '𠀀字号门岗'];
    for (const charset of ['GB2312', 'GB18030'] as const) {
      for (const description of names) {
        const body = alarmBody({ channelId: '1', priority: 1, method: 2, ts: 0, description }, 5, charset);
        const text = decodeBody(body, undefined, 'UTF-8');
        expect(text.replace(/^<\?xml[^>]*\?>/, '')).not.toMatch(/[?\ufffd]/); // nothing lost
        expect(text).toContain(`<AlarmDescription>${description}</AlarmDescription>`);
        expect(text).toMatch(/^<\?xml version="1.0" encoding="GB18030"\?>/); // says what it is
        // An independent decoder (Node's own TextDecoder, not iconv-lite) reads it back too.
        expect(new TextDecoder('gb18030').decode(body)).toContain(description);
      }
    }
    // Text inside GB2312 keeps the GB2312 declaration and its GB2312 bytes.
    const plain = alarmBody({ channelId: '1', priority: 1, method: 2, ts: 0, description: '北门岗亭' }, 5, 'GB2312');
    expect(plain.subarray(0, 60).toString('latin1')).toMatch(/encoding="GB2312"/);
    expect(plain.includes(Buffer.from([0xb1, 0xb1, 0xc3, 0xc5]))).toBe(true); // 北门 in GB2312
    expect(new TextDecoder('gbk').decode(plain)).toContain('北门岗亭');
    expect(encodeBody('<a>𠀀</a>', 'GB18030')).toEqual(Buffer.from([0x3c, 0x61, 0x3e, 0x95, 0x32, 0x82, 0x36, 0x3c, 0x2f, 0x61, 0x3e]));
  });
});

describe('keepalive and registration timing', () => {
  afterEach(() => vi.useRealTimers());

  it('registers again after the allowed misses, or at once when the platform refuses a keepalive', async () => {
    vi.useFakeTimers();
    const lost: string[] = [];
    let answer: () => Promise<number> = () => Promise.reject(new Error('timeout'));
    const k = new Keepalive({ intervalMs: 1000, misses: 3, log, send: () => answer(), onLost: (r) => lost.push(r) });
    k.start();
    await vi.advanceTimersByTimeAsync(2500);
    expect(lost).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(lost).toEqual(['3 keepalives unanswered']);
    await vi.advanceTimersByTimeAsync(5000);
    expect(lost).toHaveLength(1); // stopped until registered again
    answer = () => Promise.resolve(403);
    k.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(lost[1]).toBe('keepalive refused (403)');
    k.stop();
  });

  it('renews well before the registration expires', () => {
    expect(renewAfterMs(3600)).toBe(2880_000);
    expect(renewAfterMs(60)).toBe(30_000);
    expect(renewAfterMs(10)).toBe(1000);
  });
});

describe('gb28181 config section', () => {
  it('is off by default and, when on, names what is missing', () => {
    expect(parseConfig('', { source: 't', baseDir: '/', env: {} }).config.gb28181.enabled).toBe(false);
    expect(() => parseConfig('gb28181:\n  enabled: true\n', { source: 't', baseDir: '/', env: {} })).toThrow(/gb28181.server.*required/s);
    expect(() => parseConfig('gb28181:\n  deviceId: "123"\n', { source: 't', baseDir: '/', env: {} })).toThrow(
      /gb28181.deviceId.*20 decimal digits/s,
    );
    const ok = parseConfig(
      'gb28181:\n  enabled: true\n  deviceId: "34020000001180000001"\n  server: { id: "34020000002000000001", host: 10.0.0.1 }\n',
      {
        source: 't',
        baseDir: '/',
        env: {},
      },
    ).config.gb28181;
    expect(ok).toMatchObject({
      registerExpiresS: 3600,
      keepaliveIntervalS: 60,
      keepaliveMisses: 3,
      charset: 'GB2312',
      server: { port: 5060, transport: 'udp' },
    });
  });
});
