/** The shapes a config migration step works on: plain parsed YAML, before validation. */
export type RawConfig = Record<string, unknown>;
export interface MigrationStep {
  to: number;
  migrate(doc: RawConfig): { doc: RawConfig; notes: string[] };
}

/** A nested object of a document (created empty when `create`), or undefined. */
export function section(doc: RawConfig, path: string[], create = false): RawConfig | undefined {
  let node: RawConfig = doc;
  for (const key of path) {
    const next = node[key];
    if (next === undefined && create) node[key] = {};
    else if (typeof next !== 'object' || next === null || Array.isArray(next)) return undefined;
    node = node[key] as RawConfig;
  }
  return node;
}
