/**
 * The plate reader's options from the daemon's `plates` config: the one place they are built,
 * so the daemon, `sharpeyes eval plates`, `sharpeyes plate` and the plate benchmark read plates
 * with exactly the same passes and confidence floor.
 */
import type { PlatesConfig } from '../../config/sections/plates.js';
import type { ReaderOptions } from './plate-reader.js';

export function readerOptions(cfg: PlatesConfig): Partial<ReaderOptions> {
  return {
    longSide: cfg.longSide,
    fastLongSide: cfg.fastLongSide,
    minConfidence: cfg.minConfidence,
    ...(cfg.provincePrior ? { provincePrior: cfg.provincePrior } : {}),
  };
}
