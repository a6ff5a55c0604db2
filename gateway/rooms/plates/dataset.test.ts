import { describe, expect, it } from 'vitest';
import { colourFromNotes, parseManifest } from './dataset.js';

const manifest = [
  'path\tlabel\tsource_repo\tsource_path\tlicence\tlabel_method\tsplit_group\tnotes',
  'plates/full/a.jpg\t粤B·12345\tx\ty\tz\tm\teasypr:a\tcolour=blue',
  'plates/crops/b.jpg\t皖AD11166\tx\ty\tz\tm\tccpd:b\tgreen new-energy (8 chars); bbox',
  'plates/other/c.jpg\t粤B12345\tx\ty\tz\tm\tq\t',
  'faces/x/d.jpg\tx\tx\ty\tz\tm\tq\t',
].join('\n');

describe('plate dataset manifest', () => {
  it('keeps scenes and crops of the folder, with labels normalised and colours from notes', () => {
    const rows = parseManifest(manifest, '/data', 'plates/');
    expect(rows).toEqual([
      { path: '/data/plates/full/a.jpg', kind: 'scene', plate: '粤B12345', colour: 'blue', splitGroup: 'easypr:a' },
      { path: '/data/plates/crops/b.jpg', kind: 'crop', plate: '皖AD11166', colour: 'green', splitGroup: 'ccpd:b' },
    ]);
  });
  it('reads colour notes', () => {
    expect(colourFromNotes('re-encoded; colour=yellow')).toBe('yellow');
    expect(colourFromNotes('black consulate plate')).toBe('black');
    expect(colourFromNotes('label corrected')).toBe('unknown');
  });
});
