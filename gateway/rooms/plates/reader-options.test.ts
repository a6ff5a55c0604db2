import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.js';
import { READER_DEFAULTS } from './plate-reader.js';
import { readerOptions } from './reader-options.js';

describe('the plate reader options come from the plates config', () => {
  const cfg = (yaml: string) => parseConfig(yaml, { source: 'test', baseDir: '/' }).config.plates;
  it('at the defaults, the reader built without a config reads like the daemon', () => {
    expect(READER_DEFAULTS).toMatchObject(readerOptions(cfg('')));
    expect(readerOptions(cfg('')).provincePrior).toBeUndefined();
  });
  it('carries every setting the config gives', () => {
    expect(
      readerOptions(cfg('plates:\n  minConfidence: 0.8\n  longSide: 1280\n  fastLongSide: 0\n  provincePrior: {province: 粤}\n')),
    ).toEqual({ longSide: 1280, fastLongSide: 0, minConfidence: 0.8, provincePrior: { province: '粤', weight: 10 } });
    expect(() => cfg('plates:\n  provincePrior: {province: X}\n')).toThrow(/province/);
  });
});
