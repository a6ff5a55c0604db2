import { describe, expect, it } from 'vitest';
import { isLookalike, matchPlate, plateDistance } from './match.js';

const known = [{ plate: '粤B12345' }, { plate: '湘A0D888' }, { plate: '皖AD11166' }];

describe('known plate matching', () => {
  it('weights look-alike substitutions', () => {
    expect(isLookalike('0', 'O')).toBe(true);
    expect(isLookalike('8', 'B')).toBe(true);
    expect(isLookalike('8', '3')).toBe(false);
    expect(plateDistance('粤B12345', '粤B12345')).toBe(0);
    expect(plateDistance('粤B1Z345', '粤B12345')).toBe(0.5);
    expect(plateDistance('粤B19345', '粤B12345')).toBe(1);
    expect(plateDistance('粤B1234', '粤B12345')).toBe(1);
  });
  it('matches exactly, then within tolerance', () => {
    expect(matchPlate('粤B12345', known)).toEqual({ entry: known[0], distance: 0 });
    expect(matchPlate('湘A0DB88', known)?.distance).toBe(0.5);
    expect(matchPlate('湘AOD8B8', known)?.distance).toBe(1);
    expect(matchPlate('湘AOD8B3', known)).toBeUndefined();
    expect(matchPlate('粤B12345', known, { maxDistance: 0 })?.distance).toBe(0);
    expect(matchPlate('粤B1Z345', known, { maxDistance: 0 })).toBeUndefined();
  });
  it('never matches across provinces unless asked', () => {
    expect(matchPlate('桂B12345', known)).toBeUndefined();
    expect(matchPlate('桂B12345', known, { crossProvince: true })?.entry.plate).toBe('粤B12345');
  });
});
