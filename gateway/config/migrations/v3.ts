import { section, type MigrationStep, type RawConfig } from './doc.js';

const isObject = (v: unknown): v is RawConfig => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Version 3: one place per camera. The regions of interest of a camera live under it, in
 * cameras.list[].regions { motion, faces, plates }:
 * - cameras.list[].motion.regions becomes cameras.list[].regions.motion;
 * - faces.cameras[].roi becomes cameras.list[].regions.faces, and faces.cameras a list of ids
 *   (like plates.cameras);
 * - plates.roi.<camera> becomes cameras.list[].regions.plates.
 * A region of a camera that cameras.list does not have (the demo cameras) has nowhere to go: it
 * is dropped with a note.
 */
export const toV3: MigrationStep = {
  to: 3,
  migrate(input: RawConfig) {
    const doc = structuredClone(input);
    const notes: string[] = [];
    const list = section(doc, ['cameras'])?.list;
    const cameras = Array.isArray(list) ? list.filter(isObject) : [];
    const regionsOf = (id: unknown): RawConfig | undefined => {
      const cam = cameras.find((c) => c.id === id);
      if (!cam) return undefined;
      if (!isObject(cam.regions)) cam.regions = {};
      return cam.regions as RawConfig;
    };

    cameras.forEach((cam, i) => {
      const motion = cam.motion;
      if (!isObject(motion) || !('regions' in motion)) return;
      const moved = motion.regions;
      delete motion.regions;
      regionsOf(cam.id)!.motion = moved;
      notes.push(`cameras.list[${i}].motion.regions moved to cameras.list[${i}].regions.motion`);
    });

    const faces = section(doc, ['faces']);
    const faceCameras = faces?.cameras;
    if (faces && Array.isArray(faceCameras)) {
      faces.cameras = faceCameras.map((entry: unknown, i) => {
        if (!isObject(entry)) return entry;
        if ('roi' in entry) {
          const target = regionsOf(entry.id);
          if (target) {
            target.faces = entry.roi;
            notes.push(`faces.cameras[${i}].roi moved to cameras.list[${cameras.findIndex((c) => c.id === entry.id)}].regions.faces`);
          } else notes.push(`faces.cameras[${i}].roi dropped: camera ${JSON.stringify(entry.id)} is not in cameras.list`);
        }
        return entry.id;
      });
      if (faceCameras.some(isObject)) notes.push('faces.cameras is now a list of camera ids');
    }

    const plates = section(doc, ['plates']);
    if (plates && 'roi' in plates) {
      const rois = plates.roi;
      delete plates.roi;
      if (isObject(rois))
        for (const [id, roi] of Object.entries(rois)) {
          const target = regionsOf(id);
          if (target) {
            target.plates = roi;
            notes.push(`plates.roi.${id} moved to cameras.list[${cameras.findIndex((c) => c.id === id)}].regions.plates`);
          } else notes.push(`plates.roi.${id} dropped: camera "${id}" is not in cameras.list`);
        }
    }
    return { doc, notes };
  },
};
