import { describe, expect, it } from 'vitest';
import { buildSchemaFiles, readSchemaFiles } from './schema-files.js';

describe('cloud-bridge/schemas/', () => {
  it('matches the zod schemas (run `npm run -s schemas` after changing a payload or an event contract)', () => {
    const generated = buildSchemaFiles();
    const committed = readSchemaFiles();
    const stale = Object.keys({ ...generated, ...committed }).filter((name) => generated[name] !== committed[name]);
    expect(stale, `stale JSON Schemas: ${stale.join(', ')} — run \`npm run -s schemas\` and commit cloud-bridge/schemas/`).toEqual([]);
  });
  it('has a schema for the envelope, status, request, response and every event kind', () => {
    const names = Object.keys(buildSchemaFiles());
    expect(names).toEqual(
      expect.arrayContaining(['envelope.json', 'status.json', 'request.json', 'response.json', 'events/outbox.compacted.json']),
    );
  });
});
