import { describe, expect, it } from 'vitest';
import { parseSplitGroups } from './dataset.js';

describe('split groups from MANIFEST.tsv', () => {
  it('maps each listed file (relative to the manifest) to its split group', () => {
    const text = 'path\tlabel\tsplit_group\nfaces/a/1.jpg\ta\tg1\nfaces/a/2.jpg\ta\tg1\nfaces/b/1.jpg\tb\t\n';
    const groups = parseSplitGroups(text, '/data');
    expect(groups.get('/data/faces/a/1.jpg')).toBe('g1');
    expect(groups.get('/data/faces/a/2.jpg')).toBe('g1');
    expect(groups.has('/data/faces/b/1.jpg')).toBe(false); // no group: the file is its own
  });
  it('a manifest without split_group gives no groups', () => {
    expect(parseSplitGroups('path\tlabel\nfaces/a/1.jpg\ta\n', '/d').size).toBe(0);
  });
});
