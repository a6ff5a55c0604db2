import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { publishedEvents } from '../gateway/events.js';
import { availabilitySchema, envelopeSchema, requestSchema, responseSchema, statusSchema } from './mqtt/payloads.js';

/** Where the generated JSON Schemas are committed. */
export const SCHEMAS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'schemas');

const toJson = (schema: z.ZodType, title: string): object => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title,
  ...(z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>),
});

/**
 * Every payload's JSON Schema, by file name relative to cloud-bridge/schemas/: the envelope,
 * status, request, response, and events/<kind>.json for the `data` of each kind in
 * the event catalogue (gateway/events.ts). Pure: `npm run -s schemas` writes them, a test compares them.
 */
export function buildSchemaFiles(): Record<string, string> {
  const files: Record<string, object> = {
    'envelope.json': toJson(envelopeSchema, 'Event envelope'),
    'status.json': toJson(statusSchema, 'Node status'),
    'availability.json': toJson(availabilitySchema, 'Device availability'),
    'request.json': toJson(requestSchema, 'Request'),
    'response.json': toJson(responseSchema, 'Response'),
  };
  for (const [kind, spec] of publishedEvents()) files[`events/${kind}.json`] = toJson(spec.schema, `Event data: ${kind}`);
  return Object.fromEntries(Object.entries(files).map(([name, schema]) => [name, `${JSON.stringify(schema, null, 2)}\n`]));
}

/** The committed schema files, same shape as buildSchemaFiles(). */
export function readSchemaFiles(dir = SCHEMAS_DIR): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of existsSync(dir) ? readdirSync(dir) : []) if (name.endsWith('.json')) out[name] = readFileSync(join(dir, name), 'utf8');
  const events = join(dir, 'events');
  for (const name of existsSync(events) ? readdirSync(events) : [])
    if (name.endsWith('.json')) out[`events/${name}`] = readFileSync(join(events, name), 'utf8');
  return out;
}
