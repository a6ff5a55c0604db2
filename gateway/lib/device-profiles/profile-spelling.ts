import { currentValueOf, OLD_SPELLINGS_UNTIL, PROFILE_FIELDS } from '../../core/wire-spelling.js';

/**
 * A profile file written before envelope version 2 names its kind, its inputs' kinds and its
 * commands in kebab-case (`pedestrian-gate`, `fire-alarm`, `hold-open`): they go on the wire as the
 * profile spells them, so they are read in today's spelling (core/wire-spelling.ts, the one alias
 * table), each with a warning naming the place and the new spelling. Pure: a parsed YAML document
 * in, a renamed copy and the renames out; everything else is left to the schema.
 */

export interface Respelled {
  /** Where in the file, e.g. `inputs.fire.kind` or `commands.hold-open`. */
  path: string;
  old: string;
  now: string;
}

type Doc = Record<string, unknown>;
const isDoc = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

export function respellProfile(raw: unknown): { raw: unknown; renamed: Respelled[] } {
  if (!isDoc(raw)) return { raw, renamed: [] };
  const doc: Doc = structuredClone(raw);
  const renamed: Respelled[] = [];
  /** Renames the string at obj[key] if the alias table renames it in `field`. */
  const value = (obj: unknown, key: string, field: string, path: string) => {
    if (!isDoc(obj) || typeof obj[key] !== 'string') return;
    const old = obj[key];
    const now = currentValueOf(field, old);
    if (now === old) return;
    obj[key] = now;
    renamed.push({ path, old, now });
  };
  value(doc, 'kind', PROFILE_FIELDS.deviceKind, 'kind');
  if (isDoc(doc.inputs))
    for (const [name, input] of Object.entries(doc.inputs)) value(input, 'kind', PROFILE_FIELDS.inputKind, `inputs.${name}.kind`);
  if (isDoc(doc.commands)) {
    // Rebuilt in the file's order, each old key under its new name (unless the file has both:
    // then the old one stays, and the schema refuses it as an unknown command).
    const commands: Doc = {};
    for (const [key, spec] of Object.entries(doc.commands)) {
      const now = currentValueOf(PROFILE_FIELDS.command, key);
      if (now !== key && !Object.hasOwn(doc.commands, now)) {
        commands[now] = spec;
        renamed.push({ path: `commands.${key}`, old: key, now });
      } else commands[key] = spec;
    }
    doc.commands = commands;
  }
  value(doc.protocol, 'reset', PROFILE_FIELDS.command, 'protocol.reset');
  value(doc.heartbeat, 'command', PROFILE_FIELDS.command, 'heartbeat.command');
  return { raw: doc, renamed };
}

/** The warning for a file read in the old spelling: the file, each place, the new spelling. */
export function respelledWarning(source: string, renamed: readonly Respelled[]): string {
  const list = renamed.map((r) => `${r.path}: "${r.old}" is now "${r.now}"`).join('; ');
  return `${source}: device profile in the spelling before envelope version 2, read in the new one (${list}); rewrite the file, the old spelling is refused from ${OLD_SPELLINGS_UNTIL}`;
}
