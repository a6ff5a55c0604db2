import { section, type MigrationStep, type RawConfig } from './doc.js';

/**
 * Version 4: keys that no longer do anything are removed, with a note each, instead of being
 * accepted and warned about at every start:
 * - console.tokenFile (the console has accounts: `sharpeyes users add NAME --role admin`);
 * - cameras.liveView.host and cameras.liveView.port (live view is served by the console, behind
 *   its login, not on a port of its own).
 */
export const toV4: MigrationStep = {
  to: 4,
  migrate(input: RawConfig) {
    const doc = structuredClone(input);
    const notes: string[] = [];
    const console = section(doc, ['console']);
    if (console && 'tokenFile' in console) {
      delete console.tokenFile;
      notes.push(
        'console.tokenFile removed: the console has accounts (create the first admin with `sharpeyes users add NAME --role admin`)',
      );
    }
    const liveView = section(doc, ['cameras', 'liveView']);
    for (const key of ['host', 'port'] as const)
      if (liveView && key in liveView) {
        delete liveView[key];
        notes.push(`cameras.liveView.${key} removed: live view is served by the console, behind its login, not on a port of its own`);
      }
    return { doc, notes };
  },
};
