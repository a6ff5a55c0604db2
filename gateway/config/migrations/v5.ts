import type { MigrationStep, RawConfig } from './doc.js';

/**
 * Version 5: one spelling on the wire (envelope version 2, gateway/core/wire-spelling.ts) reaches
 * the config: `devices[].fireUnknown: hold-open` is `hold_open`, as the command it sends is named
 * in the device profiles now. Written out here, not read from the alias table: a released step
 * never changes.
 */
export const toV5: MigrationStep = {
  to: 5,
  migrate(input: RawConfig) {
    const doc = structuredClone(input);
    const notes: string[] = [];
    if (Array.isArray(doc.devices))
      doc.devices.forEach((d: unknown, i) => {
        if (typeof d !== 'object' || d === null || Array.isArray(d)) return;
        const device = d as RawConfig;
        if (device.fireUnknown !== 'hold-open') return;
        device.fireUnknown = 'hold_open';
        notes.push(`devices[${i}].fireUnknown hold-open became hold_open (the command's name in the device profiles)`);
      });
    return { doc, notes };
  },
};
