/**
 * What retention keeps of each growing table, and how to measure it: pure data and arithmetic.
 * Row sizes are estimated from their columns (exact page accounting would read the whole file).
 */
export interface TableSpec {
  /** Config key under store.retention. */
  key: 'gateCommands' | 'deviceInputs' | 'plateReads' | 'accessDecisions' | 'auditLog' | 'residentChanges';
  table: string;
  /** ISO 8601 time column (indexed). */
  ts: string;
  /** SQL expression estimating one row's bytes (columns, plus SQLite's per-row and index overhead). */
  bytes: string;
}

export const TABLES: readonly TableSpec[] = [
  {
    key: 'gateCommands',
    table: 'gate_commands',
    ts: 'ts',
    bytes: '90 + length(device_id) + length(command) + length(origin) + ifnull(length(error), 0)',
  },
  { key: 'deviceInputs', table: 'device_inputs', ts: 'ts', bytes: '80 + length(device_id) + length(input) + length(kind)' },
  {
    key: 'plateReads',
    table: 'plate_reads',
    ts: 'ts',
    bytes: '120 + length(id) + length(camera_id) + length(plate) + ifnull(length(snapshot_id), 0)',
  },
  {
    key: 'accessDecisions',
    table: 'access_decisions',
    ts: 'ts',
    bytes: '160 + length(id) + length(label) + length(gate_id) + length(camera_id) + ifnull(length(subject_id), 0)',
  },
  { key: 'auditLog', table: 'audit_log', ts: 'ts', bytes: '100 + length(id) + length(action) + length(by) + length(detail)' },
  { key: 'residentChanges', table: 'resident_changes', ts: 'ts', bytes: '60 + length(resident_id)' },
];

/** How many of the oldest rows to delete so that `rows` of `avgBytes` fit in `maxBytes`. */
export function rowsOverBudget(rows: number, avgBytes: number, maxBytes: number): number {
  if (rows <= 0 || avgBytes <= 0) return 0;
  const fit = Math.floor(maxBytes / avgBytes);
  return Math.max(0, rows - fit);
}
