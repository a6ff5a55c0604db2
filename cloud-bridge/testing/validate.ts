import { Ajv2020 } from 'ajv/dist/2020.js';
import { readSchemaFiles } from '../schema-files.js';

/**
 * Validates payloads against the committed JSON Schemas in cloud-bridge/schemas/ (what the
 * platform receives), with ajv. Throws with ajv's messages on the first failure.
 */
export function schemaValidator(): (file: string, value: unknown) => void {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  // ajv-formats is not installed; the one format the payloads use, checked strictly enough.
  ajv.addFormat(
    'date-time',
    (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) && !Number.isNaN(Date.parse(s)),
  );
  const files = readSchemaFiles();
  return (file, value) => {
    const text = files[file];
    if (!text) throw new Error(`no schema file ${file} in cloud-bridge/schemas/ (run npm run -s schemas)`);
    const validate = ajv.getSchema(file) ?? (ajv.addSchema(JSON.parse(text) as object, file), ajv.getSchema(file));
    if (!validate) throw new Error(`cannot compile ${file}`);
    if (!validate(value)) throw new Error(`${file}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(value).slice(0, 300)}`);
  };
}
