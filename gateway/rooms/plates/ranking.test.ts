import { describe, expect, it } from 'vitest';
import type { PlateResult } from './plate-reader.js';
import { cutByEdge, mergeResults, rankReads } from './ranking.js';

const frame = { x: 0, y: 0, width: 1280, height: 720 };
const opts = { confident: 0.93, confidentChar: 0.75 };

function read(plate: string, confidence: number, x: number, y: number, width: number, minCharProb = confidence): PlateResult {
  const height = width / 3;
  const quad = [
    { x, y },
    { x: x + width, y },
    { x: x + width, y: y + height },
    { x, y: y + height },
  ];
  return {
    plate,
    colour: 'blue',
    confidence,
    minCharProb,
    evidence: [],
    box: { x, y, width, height },
    quad,
    kind: 'single',
    crop: { width: 1, height: 1, data: new Uint8Array(3) },
  };
}

describe('which read comes first', () => {
  it('of two sure reads, the nearer vehicle (wider plate) comes first, whatever the confidence says', () => {
    const far = read('津CT0956', 0.96, 450, 300, 85);
    const near = read('津H65817', 0.955, 550, 460, 147);
    expect(rankReads([far, near], opts, frame).map((r) => r.plate)).toEqual(['津H65817', '津CT0956']);
  });
  it('a sure read comes before an unsure one, and unsure ones go by confidence', () => {
    const unsure = read('粤B12345', 0.85, 500, 400, 200, 0.5);
    const sure = read('湘A11111', 0.95, 100, 100, 90);
    const unsure2 = read('粤B99999', 0.9, 900, 400, 150, 0.6);
    expect(rankReads([unsure, sure, unsure2], opts, frame).map((r) => r.plate)).toEqual(['湘A11111', '粤B99999', '粤B12345']);
  });
  it('a plate cut by the edge of the searched area comes after plates in full view', () => {
    const cut = read('粤B450LJ', 0.99, -4, 640, 148);
    const inView = read('湘A9NU97', 0.8, 730, 500, 113, 0.6);
    expect(cutByEdge(cut, frame)).toBe(true);
    expect(cutByEdge(inView, frame)).toBe(false);
    expect(rankReads([cut, inView], opts, frame).map((r) => r.plate)).toEqual(['湘A9NU97', '粤B450LJ']);
    // Within a lane's region, its edges count.
    expect(cutByEdge(inView, { x: 750, y: 0, width: 500, height: 720 })).toBe(true);
  });
  it('keeps one read per place: the most confident of overlapping reads', () => {
    const a = read('粤B12345', 0.9, 500, 400, 200);
    const b = read('粤B12346', 0.95, 505, 402, 198);
    expect(mergeResults([a, b]).map((r) => r.plate)).toEqual(['粤B12346']);
  });
});
