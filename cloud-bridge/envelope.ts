import type { OutboxRow } from '../gateway/store/outbox.js';
import { ENVELOPE_VERSION, type Envelope } from './payloads.js';

/** The published form of one outbox row (pure). */
export function toEnvelope(row: OutboxRow, nodeId: string): Envelope {
  return { id: row.id, nodeId, kind: row.kind, ts: row.ts, seq: row.seq, v: ENVELOPE_VERSION, data: row.data };
}

export function encodeEnvelope(row: OutboxRow, nodeId: string): string {
  return JSON.stringify(toEnvelope(row, nodeId));
}
