import { describe, expect, it } from 'vitest';
import { failureCause, plateClass } from './eval-causes.js';

describe('why a plate read failed', () => {
  it('names one cause per miss, none for a right first read', () => {
    expect(failureCause('粤B12345', ['粤B12345'])).toBeUndefined();
    expect(failureCause('粤B12345', [], 'bad JPEG')).toBe('unreadable');
    expect(failureCause('粤B12345', [])).toBe('no_read');
    expect(failureCause('粤B12345', ['湘A88888', '粤B12345'])).toBe('other_plate_first');
    expect(failureCause('桂ATK071', ['皖ATK071'])).toBe('province');
    expect(failureCause('川AM1186', ['川AM118G'])).toBe('lookalike');
    expect(failureCause('皖AD11166', ['皖A11166'])).toBe('length');
    expect(failureCause('粤B12345', ['粤B12945'])).toBe('glyph');
    expect(failureCause('粤B12345', ['湘B12945'])).toBe('glyph');
  });
  it('sorts plates into blue, green (new-energy), yellow (large/two-row) and other', () => {
    expect(plateClass('粤B12345', 'blue')).toBe('blue');
    expect(plateClass('粤B12345', 'unknown')).toBe('blue');
    expect(plateClass('皖AD11166', 'unknown')).toBe('green');
    expect(plateClass('皖AD11166', 'white')).toBe('green');
    expect(plateClass('鲁Q1234学', 'unknown')).toBe('yellow');
    expect(plateClass('苏E55522', 'yellow')).toBe('yellow');
    expect(plateClass('粤B12345', 'black')).toBe('other');
  });
});
