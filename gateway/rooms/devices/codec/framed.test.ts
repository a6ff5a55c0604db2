import { describe, expect, it } from 'vitest';
import { FramedCodec } from './framed.js';
import { FrameReader } from './frame-reader.js';
import { loadProfileFile, PROFILES_DIR } from '../../../lib/device-profiles/profiles.js';

const barrier = loadProfileFile(`${PROFILES_DIR}/barrier-bg300-framed.yaml`);
const turnstile = loadProfileFile(`${PROFILES_DIR}/turnstile-ts100-framed.yaml`);
const post = loadProfileFile(`${PROFILES_DIR}/alarm-post-sos200.yaml`);
const hex = (s: string) => Buffer.from(s.replace(/ /g, ''), 'hex');

describe('FramedCodec', () => {
  it('encodes the barrier open frame byte for byte (AA 55 | 01 10 01 01 | xor)', () => {
    const codec = new FramedCodec(barrier);
    // xor(01 10 01 01) = 0x11
    expect(codec.encode('control', { action: 1 }, 1)).toEqual(hex('AA55 01 10 01 01 11'));
  });
  it('encodes a turnstile frame with CRC-16/Modbus low byte first and the ETX trailer', () => {
    const codec = new FramedCodec(turnstile);
    const f = codec.encode('pass', { direction: 1 }, 1);
    expect(f.subarray(0, 5)).toEqual(hex('02 01 01 31 01'));
    expect(f[f.length - 1]).toBe(0x03);
    expect(f.length).toBe(8);
  });
  it('puts a 2-byte checksum in the byte order its layout field declares', () => {
    const be = {
      ...turnstile,
      protocol: {
        ...turnstile.protocol,
        layout: (turnstile.protocol as { layout: { name: string; type: string }[] }).layout.map((f) =>
          f.name === 'crc' ? { ...f, type: 'u16be' } : f,
        ),
      },
    } as typeof turnstile;
    const le = new FramedCodec(turnstile).encode('pass', { direction: 1 });
    const bef = new FramedCodec(be).encode('pass', { direction: 1 });
    expect([bef[5], bef[6]]).toEqual([le[6], le[5]]);
    expect(new FrameReader(new FramedCodec(be)).push(bef, 0).frames).toHaveLength(1);
  });
  it('encodes and decodes bit fields of a status byte', () => {
    const codec = new FramedCodec(post);
    const f = codec.encode('event', { button: 1, tamper: 0, sirenOn: 1 });
    expect(f).toEqual(hex('7E 01 B0 01 05 B7 0D'));
    const r = new FrameReader(codec).push(f, 0);
    expect(r.faults).toEqual([]);
    expect(codec.identify(r.frames[0]!, 'from-device')).toEqual({
      message: 'event',
      address: 1,
      values: { button: 1, tamper: 0, sirenOn: 1, strobeOn: 0 },
    });
  });
  it('a to-device frame is not taken for a from-device message', () => {
    const codec = new FramedCodec(barrier);
    const r = new FrameReader(codec).push(codec.encode('control', { action: 1 }), 0);
    expect(codec.identify(r.frames[0]!, 'from-device')).toBeUndefined();
    expect(codec.identify(r.frames[0]!, 'to-device')?.message).toBe('control');
  });
});

describe('FrameReader', () => {
  const codec = new FramedCodec(barrier);
  const ack = codec.encode('ack', { result: 0 });
  it('reassembles a frame split byte by byte', () => {
    const reader = new FrameReader(codec);
    const frames = [...ack].flatMap((b, i) => reader.push(Buffer.from([b]), i).frames);
    expect(frames).toHaveLength(1);
  });
  it('skips noise before a frame and reads two frames in one chunk', () => {
    const r = new FrameReader(codec).push(Buffer.concat([hex('00 13 37'), ack, ack]), 0);
    expect(r.frames).toHaveLength(2);
    expect(r.faults).toEqual(['noise']);
  });
  it('drops a frame with a bad checksum and finds the next good one', () => {
    const bad = Buffer.from(ack);
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 0xff;
    const r = new FrameReader(codec).push(Buffer.concat([bad, ack]), 0);
    expect(r.frames).toHaveLength(1);
    expect(r.faults).toContain('checksum');
  });
  it('drops a partial frame that stalls past the inter-byte timeout', () => {
    const reader = new FrameReader(codec);
    reader.push(ack.subarray(0, 4), 0);
    const r = reader.push(ack, 1000);
    expect(r.faults).toEqual(['truncated']);
    expect(r.frames).toHaveLength(1);
  });
  it('refuses an oversized length without waiting for the bytes', () => {
    const r = new FrameReader(codec).push(hex('AA 55 01 90 F0'), 0);
    expect(r.faults).toContain('oversized');
    expect(r.frames).toHaveLength(0);
  });
  it('a trailer mismatch is a fault', () => {
    const pc = new FramedCodec(post);
    const f = pc.encode('event', { button: 1 });
    f[f.length - 1] = 0x0a;
    expect(new FrameReader(pc).push(f, 0).faults).toContain('trailer');
  });
});
