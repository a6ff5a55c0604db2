import { describe, expect, it } from 'vitest';
import { consensusOf, EARLY_DEFAULTS, PlateTracker, type KnownMatch, type TrackRead } from './consensus.js';

const box = { x: 100, y: 100, width: 120, height: 40 };
const read = (plate: string, confidence: number, ts = 0): TrackRead => ({ plate, colour: 'blue', confidence, box, ts });

describe('plate consensus', () => {
  it('takes the largest cluster and votes per character', () => {
    const c = consensusOf([read('粤B12345', 0.9), read('粤B1234S', 0.6), read('粤B12345', 0.8), read('湘A99999', 0.99)]);
    expect(c?.plate).toBe('粤B12345');
    expect(c?.reads).toBe(3);
  });
  it('votes characters across reads that each have one error', () => {
    const c = consensusOf([read('粤B12845', 0.9), read('粤B12395', 0.9), read('粤B72345', 0.9), read('粤B12345', 0.5)]);
    expect(c?.plate).toBe('粤B12345');
  });
  it('returns undefined for no reads', () => expect(consensusOf([])).toBeUndefined());
});

describe('PlateTracker', () => {
  const opts = { minReads: 2, maxReads: 3, trackTimeoutMs: 1000, stationaryRecheckMs: 10_000 };
  const r = (plate: string, x = 100) => ({ plate, colour: 'blue', confidence: 0.9, box: { ...box, x } });

  it('reports once a track has enough agreeing reads, and only once', () => {
    const t = new PlateTracker(opts);
    expect(t.add('cam', [r('粤B12345')], 0)).toHaveLength(0);
    const rep = t.add('cam', [r('粤B12345', 104)], 100);
    expect(rep.map((x) => x.consensus.plate)).toEqual(['粤B12345']);
    expect(t.add('cam', [r('粤B12345', 106)], 200)).toHaveLength(0);
  });

  it('stops reading a settled vehicle that stands still, until the recheck time', () => {
    const t = new PlateTracker(opts);
    t.add('cam', [r('粤B12345')], 0);
    t.add('cam', [r('粤B12345')], 100);
    expect(t.wantsRead('cam', 200, box)).toBe(false);
    t.touch('cam', 900);
    expect(t.wantsRead('cam', 1500, box)).toBe(false); // kept alive by touch
    expect(t.wantsRead('cam', 1500, { ...box, x: 600 })).toBe(true); // motion away from the parked car: another vehicle
    expect(t.wantsRead('cam', 1500, { x: 50, y: 50, width: 400, height: 300 })).toBe(false); // motion around the parked car itself
    t.touch('cam', 1800);
    t.touch('cam', 2700);
    expect(t.wantsRead('cam', 10_200, box)).toBe(true); // recheck
    expect(t.wantsRead('other', 200)).toBe(true);
  });

  it('reads again when the picture at a settled vehicle changes: the next car in the queue', () => {
    const t = new PlateTracker(opts);
    t.add('cam', [r('粤B12345')], 0);
    t.add('cam', [r('粤B12345')], 100);
    let pictureChanged = false;
    const standsStill = () => !pictureChanged;
    t.touch('cam', 600); // motion keeps coming: the car drives off, the next one moves up
    expect(t.wantsRead('cam', 700, box, standsStill)).toBe(false);
    pictureChanged = true;
    expect(t.wantsRead('cam', 800, box, standsStill)).toBe(true);
    // The next car's plate at the same place is a new vehicle, reported on its own...
    expect(t.add('cam', [r('湘A99999')], 800)).toHaveLength(0);
    expect(t.add('cam', [r('湘A99999', 102)], 1000).map((x) => x.consensus.plate)).toEqual(['湘A99999']);
    // ...and the first car's track is closed (already reported: nothing more from it).
    expect(t.expire(1000)).toEqual([]);
    expect(t.size).toBe(1);
  });

  it('a car that drove off and comes back is a new vehicle, even while another car stood at the barrier in between', () => {
    // The demo lane as the daemon saw it (a 16 s loop; the next car is read ~15 s after the last): the resident's car stops, drives on; an
    // unregistered car comes up, waits, backs away. While one car waits, only its own track is
    // kept alive: the car that left is not, so its return is a new passage.
    const t = new PlateTracker({ ...opts, maxReads: 5, trackTimeoutMs: 5000, stationaryRecheckMs: 60_000 });
    const at = (plate: string, y: number) => ({ plate, colour: 'blue', confidence: 0.99, box: { x: 260, y, width: 120, height: 40 } });
    const reported: string[] = [];
    const read = (plate: string, ms: number, y: number) =>
      reported.push(...t.add('lane', [at(plate, y)], ms).map((x) => x.consensus.plate));
    const wait = (plate: string, from: number, to: number) => {
      const standsStill = (tr: { reportedPlate: string }) => tr.reportedPlate === plate;
      for (let ms = from; ms <= to; ms += 200) {
        expect(t.wantsRead('lane', ms, null, standsStill)).toBe(false);
        t.touch('lane', ms, standsStill);
      }
    };
    for (let t0 = 0; t0 < 3 * 15_000; t0 += 15_000) {
      [200, 400, 600, 700].forEach((ms, i) => read('粤B3K7M9', t0 + ms, 270 + i * 4));
      wait('粤B3K7M9', t0 + 900, t0 + 2900);
      [3100, 3300, 3500].forEach((ms, i) => read('粤B3K7M9', t0 + ms, 288 + i * 16));
      for (let ms = 3700; ms <= 6300; ms += 200) t.expire(t0 + ms);
      [6500, 6700, 6900, 7100, 7300, 8100].forEach((ms, i) => read('粤B7Q2H5', t0 + ms, 182 + i * 20));
      wait('粤B7Q2H5', t0 + 8300, t0 + 10_300);
      [10_500, 10_700, 11_500].forEach((ms, i) => read('粤B7Q2H5', t0 + ms, 284 - i * 30));
      for (let ms = 11_700; ms < 15_000; ms += 200) t.expire(t0 + ms);
    }
    expect(reported).toEqual(['粤B3K7M9', '粤B7Q2H5', '粤B3K7M9', '粤B7Q2H5', '粤B3K7M9', '粤B7Q2H5']);
  });

  it('a misread of a settled plate (one character off) stays with its vehicle', () => {
    const t = new PlateTracker(opts);
    t.add('cam', [r('粤B12345')], 0);
    t.add('cam', [r('粤B12345')], 100);
    expect(t.add('cam', [r('粤B1234S')], 200)).toHaveLength(0);
    expect(t.size).toBe(1);
  });

  it('reports a single read when its track closes, and forgets it', () => {
    const t = new PlateTracker(opts);
    t.add('cam', [r('皖AD11166')], 0);
    expect(t.expire(500)).toHaveLength(0);
    expect(t.expire(1200).map((x) => x.consensus.plate)).toEqual(['皖AD11166']);
    expect(t.size).toBe(0);
  });

  it('keeps vehicles of different cameras and places apart', () => {
    const t = new PlateTracker(opts);
    t.add('a', [r('粤B12345')], 0);
    t.add('b', [r('粤B12345')], 0);
    t.add('a', [r('湘A11111', 700)], 0);
    expect(t.size).toBe(3);
  });
});

describe('early reports for known vehicles', () => {
  const opts = { minReads: 3, maxReads: 5, trackTimeoutMs: 1000, stationaryRecheckMs: 10_000, early: EARLY_DEFAULTS };
  const r = (plate: string, confidence: number, minCharProb = confidence, x = 100) => ({
    plate,
    colour: 'blue',
    confidence,
    minCharProb,
    box: { ...box, x },
  });
  const known =
    (plates: Record<string, 'exact' | 'lookalike'>) =>
    (p: string): KnownMatch =>
      plates[p];

  it('reports a known plate at once on one very sure read of it exactly, and nothing else on one read', () => {
    const t = new PlateTracker(opts);
    expect(t.add('cam', [r('粤B12345', 0.99, 0.95)], 0, known({ 粤B12345: 'exact' })).map((x) => x.consensus.plate)).toEqual(['粤B12345']);
    for (const [read, k] of [
      [r('湘A11111', 0.99, 0.95, 600), known({})], // unknown
      [r('湘A22222', 0.99, 0.95, 900), known({ 湘A22222: 'lookalike' })], // a look-alike needs two reads
      [r('湘A33333', 0.95, 0.95, 1200), known({ 湘A33333: 'exact' })], // not sure enough
      [r('湘A44444', 0.99, 0.6, 1500), known({ 湘A44444: 'exact' })], // one unsure character
    ] as const)
      expect(t.add('cam', [read], 0, k)).toEqual([]);
  });

  it('reports a known plate on two decisive reads before minReads, exact or look-alike', () => {
    const t = new PlateTracker(opts);
    const k = known({ 粤B1234S: 'lookalike' });
    expect(t.add('cam', [r('粤B1234S', 0.95, 0.8)], 0, k)).toEqual([]);
    expect(t.add('cam', [r('粤B1234S', 0.94, 0.8)], 100, k).map((x) => x.consensus.plate)).toEqual(['粤B1234S']);
    // Unknown plates wait for minReads.
    const u = new PlateTracker(opts);
    u.add('cam', [r('粤B99999', 0.99)], 0);
    expect(u.add('cam', [r('粤B99999', 0.99)], 100)).toEqual([]);
    expect(u.add('cam', [r('粤B99999', 0.99)], 200).map((x) => x.consensus.plate)).toEqual(['粤B99999']);
  });

  it('keeps reading after an early report until minReads, and reports a corrected plate', () => {
    const t = new PlateTracker(opts);
    const k = known({ 粤B12345: 'exact' });
    expect(t.add('cam', [r('粤B12345', 0.98, 0.92)], 0, k)).toHaveLength(1);
    expect(t.wantsRead('cam', 50, box)).toBe(true); // one read is not settled
    expect(t.add('cam', [r('粤B12346', 0.99, 0.99)], 100, k)).toEqual([]);
    expect(t.add('cam', [r('粤B12346', 0.99, 0.99)], 200, k).map((x) => x.consensus.plate)).toEqual(['粤B12346']);
    expect(t.wantsRead('cam', 250, box)).toBe(false); // settled now
  });

  it('is off without early options', () => {
    const t = new PlateTracker({ ...opts, early: undefined });
    expect(t.add('cam', [r('粤B12345', 0.99)], 0, known({ 粤B12345: 'exact' }))).toEqual([]);
  });
});

describe('the evidence of a consensus', () => {
  it("is, per position, each glyph's best probability over the reads of the consensus length", () => {
    const box = { x: 0, y: 0, width: 100, height: 30 };
    const sure = [...'粤B12A45'].map((c) => ({ [c]: 0.98 }));
    const unsure = sure.map((e, i) => (i === 4 ? { A: 0.6, 4: 0.38 } : e));
    const c = consensusOf([
      { plate: '粤B12A45', colour: 'blue', confidence: 0.98, evidence: sure, box, ts: 1 },
      { plate: '粤B12A45', colour: 'blue', confidence: 0.9, evidence: unsure, box, ts: 2 },
      {
        plate: '粤B12A4',
        colour: 'blue',
        confidence: 0.9,
        evidence: [{ 粤: 1 }, { B: 1 }, { 1: 1 }, { 2: 1 }, { 4: 1 }, { 4: 1 }],
        box,
        ts: 3,
      },
    ]);
    expect(c?.plate).toBe('粤B12A45');
    expect(c?.evidence[4]).toEqual({ A: 0.98, 4: 0.38 });
    expect(c?.evidence[0]).toEqual({ 粤: 0.98 });
  });
});
