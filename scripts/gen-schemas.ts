// `npm run -s schemas`: writes the JSON Schemas of every MQTT payload to cloud-bridge/schemas/
// from the zod schemas (cloud-bridge/mqtt/payloads.ts and gateway/contracts/). Run it after adding or
// changing an event contract; a test fails while the committed files are stale.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSchemaFiles, readSchemaFiles, SCHEMAS_DIR } from '../cloud-bridge/schema-files.ts';

const files = buildSchemaFiles();
let changed = 0;
const before = readSchemaFiles();
for (const name of Object.keys(before)) {
  if (!(name in files)) {
    rmSync(join(SCHEMAS_DIR, name));
    changed++;
  }
}
for (const [name, text] of Object.entries(files)) {
  if (before[name] === text) continue;
  mkdirSync(dirname(join(SCHEMAS_DIR, name)), { recursive: true });
  writeFileSync(join(SCHEMAS_DIR, name), text);
  changed++;
}
process.stdout.write(`${Object.keys(files).length} schemas in cloud-bridge/schemas/, ${changed} written or removed\n`);
