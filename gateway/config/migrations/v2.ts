import { section, type MigrationStep, type RawConfig } from './doc.js';

/** A snapshot as stored (scene JPEG and its crop) is about this big at the default size and quality. */
const MB_PER_SNAPSHOT = 0.1;

/**
 * Version 2 (this wave):
 * - cameras.snapshots.maxCount becomes maxMb: snapshots are bounded by the disk they take.
 * - faces.snapshotQuality is gone: face crops are kept in the cameras' snapshot store, at
 *   cameras.snapshots.quality.
 */
export const toV2: MigrationStep = {
  to: 2,
  migrate(input: RawConfig) {
    const doc = structuredClone(input);
    const notes: string[] = [];
    const snapshots = section(doc, ['cameras', 'snapshots']);
    if (snapshots && 'maxCount' in snapshots) {
      const count = Number(snapshots.maxCount);
      delete snapshots.maxCount;
      if (Number.isFinite(count) && count > 0 && snapshots.maxMb === undefined) {
        snapshots.maxMb = Math.max(1, Math.round(count * MB_PER_SNAPSHOT));
        notes.push(
          `cameras.snapshots.maxCount ${count} became cameras.snapshots.maxMb ${String(snapshots.maxMb)} (snapshots are now bounded by size)`,
        );
      } else notes.push('cameras.snapshots.maxCount removed (snapshots are now bounded by cameras.snapshots.maxMb)');
    }
    const faces = section(doc, ['faces']);
    if (faces && 'snapshotQuality' in faces) {
      delete faces.snapshotQuality;
      notes.push('faces.snapshotQuality removed: face crops use cameras.snapshots.quality');
    }
    return { doc, notes };
  },
};
