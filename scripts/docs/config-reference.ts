/**
 * Renders the config reference (a Markdown table per section) from the one zod schema, via its
 * JSON Schema, so the README never drifts from what the daemon accepts.
 */
import { configJsonSchema } from '../../gateway/config/schema.js';

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  required?: string[];
  additionalProperties?: unknown;
}

function typeOf(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' | ');
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return alts.map(typeOf).join(' | ');
  if (s.type === 'array') return `list of ${s.items ? typeOf(s.items) : 'any'}`;
  let t = Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? 'any');
  if (t === 'integer' || t === 'number') {
    if (s.minimum !== undefined && s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER) t += ` ${s.minimum}–${s.maximum}`;
    else if (s.minimum !== undefined) t += ` ≥ ${s.minimum}`;
  }
  return t;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function rows(schema: JsonSchema, path: string, out: string[]): void {
  const props = schema.properties ?? (schema.type === 'array' && schema.items?.properties ? schema.items.properties : undefined);
  const prefix = schema.type === 'array' ? `${path}[]` : path;
  if (!props) return;
  for (const [key, sub] of Object.entries(props)) {
    const p = prefix ? `${prefix}.${key}` : key;
    const nested = sub.properties || (sub.type === 'array' && sub.items?.properties);
    const def =
      sub.default === undefined || (typeof sub.default === 'object' && sub.default !== null) ? '' : `\`${JSON.stringify(sub.default)}\``;
    const required = schema.required?.includes(key) && sub.default === undefined ? ' (required)' : '';
    if (!nested || sub.description)
      out.push(
        `| \`${p}\` | ${nested ? (sub.type === 'array' ? 'list' : 'section') : cell(typeOf(sub))} | ${def} | ${cell(sub.description ?? '')}${required} |`,
      );
    if (nested) rows(sub, p, out);
  }
}

export function renderConfigReference(): string {
  const schema = configJsonSchema() as JsonSchema;
  const out = ['| key | type | default | meaning |', '|---|---|---|---|'];
  rows(schema, '', out);
  return out.join('\n');
}
