/**
 * Real reads for `bench -- plate-match`: every scene of ../shared/datasets/plates (the dev set)
 * read with the daemon's reader, its first read and the reader's per-position evidence. What a
 * confident read of a real plate offers the matcher, and what a real misread does.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { decodeImage } from '../../../gateway/lib/imaging/image.js';
import { InferenceWorker } from '../../../gateway/lib/inference/inference-worker.js';
import { modelsPrepared } from '../../../gateway/lib/inference/models.js';
import { PlateReader } from '../../../gateway/rooms/plates/plate-reader.js';
import { readerOptions } from '../../../gateway/rooms/plates/reader-options.js';
import { loadPlateDataset } from '../../../gateway/rooms/plates/dataset.js';
import { DET_FILE } from '../../../gateway/rooms/plates/detector.js';
import { REC_FILE, REC_KEYS } from '../../../gateway/rooms/plates/recognizer.js';
import { isDecisive } from '../../../gateway/rooms/plates/ranking.js';
import type { Evidence } from '../../../gateway/rooms/plates/match.js';
import type { PlatesConfig } from '../../../gateway/config/sections/plates.js';

export const DEV_PLATES = resolve('../shared/datasets/plates');

export interface RealRead {
  file: string;
  label: string;
  plate: string;
  confidence: number;
  confident: boolean;
  evidence: Evidence;
}

/** The dev set's first reads (scenes, or crops with `kind`), or a reason why there are none. */
export async function readDevScenes(cfg: PlatesConfig, kind: 'scene' | 'crop' = 'scene'): Promise<RealRead[] | string> {
  if (!existsSync(resolve(DEV_PLATES, 'full'))) return `no dev scenes at ${DEV_PLATES}/full`;
  if (!modelsPrepared([DET_FILE, REC_FILE, REC_KEYS])) return 'plate models missing (npm run models)';
  const worker = new InferenceWorker('bench-plate-match');
  try {
    const reader = new PlateReader({ worker, options: readerOptions(cfg) });
    await reader.load();
    const out: RealRead[] = [];
    for (const row of loadPlateDataset(DEV_PLATES).filter((r) => r.kind === kind)) {
      const img = await decodeImage(row.path, { lenient: true });
      const r = kind === 'scene' ? (await reader.readScene(img))[0] : await reader.readCrop(img);
      if (!r) continue;
      out.push({
        file: row.path,
        label: row.plate,
        plate: r.plate,
        confidence: r.confidence,
        confident: isDecisive(r, reader.options),
        evidence: r.evidence,
      });
    }
    return out;
  } finally {
    await worker.close();
  }
}
