import { describe, expect, it } from 'vitest';
import { lookalikeKey } from '../../lib/plate-text/lookalike.js';
import { decide, prunePassages, type AccessPoint, type PassageMemory, type PolicyOptions, type Recognition } from './policy.js';

const points: AccessPoint[] = [
  { cameraId: 'cam-ped', gateId: 'ped-1', via: 'face' },
  { cameraId: 'cam-car', gateId: 'barrier-1', via: 'plate' },
  { cameraId: 'cam-car', gateId: 'barrier-2', via: 'plate' },
];
const opts: PolicyOptions = { cooldownS: 10, denied: new Set(['r-banned', '粤B00000']), gatesInFault: new Set() };
const t0 = new Date('2026-11-24T08:00:00Z');

function face(subject: Recognition['subject'], at = t0): Recognition {
  return {
    via: 'face',
    cameraId: 'cam-ped',
    subject,
    confidence: 0.8,
    label: subject.kind === 'unknown' ? 'unknown' : subject.name,
    ts: at,
  };
}
function plate(label: string, subject: Recognition['subject'], at = t0): Recognition {
  return { via: 'plate', cameraId: 'cam-car', subject, confidence: 0.97, label, ts: at };
}

describe('access policy', () => {
  it('opens for a resident at the gate its camera watches, and only there', () => {
    const d = decide(face({ kind: 'resident', id: 'r1', name: 'Li Lei' }), points, opts, new Map());
    expect(d).toEqual([
      {
        gateId: 'ped-1',
        cameraId: 'cam-ped',
        via: 'face',
        allow: true,
        reason: 'resident',
        subjectKind: 'resident',
        subjectId: 'r1',
        label: 'Li Lei',
        confidence: 0.8,
        ts: t0.toISOString(),
      },
    ]);
  });

  it('refuses strangers, denied residents and denied plates', () => {
    expect(decide(face({ kind: 'unknown' }), points, opts, new Map())[0]).toMatchObject({
      allow: false,
      reason: 'unknown',
      subjectId: null,
    });
    expect(decide(face({ kind: 'resident', id: 'r-banned', name: 'X' }), points, opts, new Map())[0]).toMatchObject({
      allow: false,
      reason: 'denied',
    });
    expect(decide(plate('粤B00000', { kind: 'unknown' }), points, opts, new Map()).map((d) => d.reason)).toEqual(['denied', 'denied']);
  });

  it('lets a visitor vehicle in only inside its validity window', () => {
    const visitor = {
      kind: 'visitor' as const,
      id: 'v1',
      name: 'courier',
      validFrom: '2026-11-24T07:00:00Z',
      validUntil: '2026-11-24T09:00:00Z',
    };
    expect(decide(plate('沪A12345', visitor), points, opts, new Map())[0]).toMatchObject({ allow: true, reason: 'visitor_valid' });
    expect(decide(plate('沪A12345', visitor, new Date('2026-11-24T06:59:59Z')), points, opts, new Map())[0]).toMatchObject({
      allow: false,
      reason: 'visitor_not_yet_valid',
    });
    expect(decide(plate('沪A12345', visitor, new Date('2026-11-24T09:00:01Z')), points, opts, new Map())[0]).toMatchObject({
      allow: false,
      reason: 'visitor_expired',
    });
  });

  it('decides a visitor recognised by face on the same window as a visitor vehicle, ending at validUntil', () => {
    const visitor = {
      kind: 'visitor' as const,
      id: 'v-7',
      name: 'Zhang Wei',
      validFrom: '2026-11-24T07:00:00.000Z',
      validUntil: '2026-11-24T09:00:00.000Z',
    };
    const at = (iso: string) => decide(face(visitor, new Date(iso)), points, opts, new Map())[0];
    expect(at('2026-11-24T06:59:59.999Z')).toMatchObject({ allow: false, reason: 'visitor_not_yet_valid', subjectKind: 'visitor' });
    expect(at('2026-11-24T07:00:00Z')).toMatchObject({ allow: true, reason: 'visitor_valid', subjectId: 'v-7', gateId: 'ped-1' });
    expect(at('2026-11-24T08:59:59.999Z')).toMatchObject({ allow: true, reason: 'visitor_valid' });
    expect(at('2026-11-24T09:00:00Z')).toMatchObject({ allow: false, reason: 'visitor_expired' });
    expect(decide(face({ ...visitor, id: 'r-banned' }), points, opts, new Map())[0]).toMatchObject({ allow: false, reason: 'denied' });
  });

  it('decides once per passage: repeats within the cooldown give no decision', () => {
    const memory: PassageMemory = new Map();
    const r = { kind: 'resident' as const, id: 'r1', name: 'Li Lei' };
    expect(decide(face(r), points, opts, memory)).toHaveLength(1);
    expect(decide(face(r, new Date(t0.getTime() + 9_999)), points, opts, memory)).toHaveLength(0);
    expect(
      decide(face({ kind: 'resident', id: 'r2', name: 'Han Meimei' }, new Date(t0.getTime() + 1000)), points, opts, memory),
    ).toHaveLength(1);
    expect(decide(face(r, new Date(t0.getTime() + 10_000)), points, opts, memory)).toHaveLength(1);
    prunePassages(memory, t0.getTime() + 25_000, 10);
    expect(memory.size).toBe(0);
  });

  it('never commands a gate in fault, and says so', () => {
    const faulty = { ...opts, gatesInFault: new Set(['barrier-2']) };
    const d = decide(plate('沪A12345', { kind: 'resident', id: 'r1', name: 'Li Lei' }), points, faulty, new Map());
    expect(d.map((x) => [x.gateId, x.allow, x.reason])).toEqual([
      ['barrier-1', true, 'resident'],
      ['barrier-2', false, 'gate_fault'],
    ]);
  });

  it('ignores recognitions from cameras or modalities that watch no gate', () => {
    expect(decide({ ...face({ kind: 'resident', id: 'r1', name: 'x' }), cameraId: 'lobby' }, points, opts, new Map())).toEqual([]);
    expect(decide({ ...face({ kind: 'resident', id: 'r1', name: 'x' }), via: 'plate' }, points, opts, new Map())).toEqual([]);
  });
});

describe('access policy and the watchlist', () => {
  const watch = (plates: string[]) => {
    const keys = new Set(plates.map(lookalikeKey));
    return { ...opts, deniedPlate: (p: string) => keys.has(lookalikeKey(p)) };
  };
  const resident = { kind: 'resident' as const, id: 'r1', name: 'Li Lei' };

  it('refuses a listed plate read with look-alike glyphs, matched or not', () => {
    const o = watch(['粤B8O123']);
    const read = (label: string, subject: Recognition['subject'], matched?: string) => ({
      ...plate(label, subject),
      plates: matched ? [label, matched] : [label],
    });
    expect(decide(read('粤BB0123', { kind: 'unknown' }), points, o, new Map())[0]?.reason).toBe('denied');
    expect(decide(read('粤B80123', resident, '粤B80123'), points, o, new Map())[0]?.reason).toBe('denied');
    // The read is clean, but the known plate it matched is listed.
    expect(decide(read('湘A1234S', resident, '粤B8O123'), points, o, new Map())[0]?.reason).toBe('denied');
    expect(decide(read('粤B80124', resident, '粤B80124'), points, o, new Map())[0]?.reason).toBe('resident');
  });
});

describe('a face decision says how many frames of the passage it rests on', () => {
  it('carries the frames of the recognition; plate decisions carry none', () => {
    const rec = { ...face({ kind: 'resident', id: 'r1', name: 'Li Lei' }), frames: 3 };
    expect(decide(rec, points, opts, new Map())[0]).toMatchObject({ allow: true, frames: 3 });
    expect(decide(plate('粤B12345', { kind: 'resident', id: 'r1', name: '粤B12345' }), points, opts, new Map())[0]).not.toHaveProperty(
      'frames',
    );
  });
});
