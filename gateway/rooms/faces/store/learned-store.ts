/**
 * Templates learned at the gate in SQLite (migration 015: `face_templates.learned = 1`). Each one
 * is the embedding of a capture the daemon recognised very surely (learning-policy.ts); no image
 * is kept. A resident keeps at most `maxLearned` (the oldest replaced, keepLearned); enrolment
 * templates are never touched. Erasing a person or re-enrolling their photos (resident-store.ts)
 * deletes the learned ones with the rest; `clear` deletes only them (residents/clear-learned).
 */
import type { Database } from '../../../store/database.js';
import { keepLearned } from '../learning-policy.js';
import type { ResidentStore } from './resident-store.js';

export interface LearnedCapture {
  residentId: string;
  embedding: Float32Array;
  /** What the decision saw: similarity, second-best, threshold, camera (kept as the template's quality). */
  evidence: { similarity: number; second: number; threshold: number; cameraId: string; frames: number };
}

export type LearnOutcome =
  | { added: true; templateId: number; replaced: number[]; learned: number }
  /** `gone`: no such person any more; `not-resident`: a visitor (never learned from); `no-enrolment`: no enrolment template of this model. */
  | { added: false; why: 'gone' | 'not-resident' | 'no-enrolment' };

export class LearnedTemplates {
  private readonly db: Database;

  constructor(private readonly store: ResidentStore) {
    this.db = store.db;
  }

  /** Adds the capture as a learned template of a resident, keeping at most `maxLearned`, in one transaction. */
  add(c: LearnedCapture, maxLearned: number): LearnOutcome {
    return this.db.transaction((): LearnOutcome => {
      const who = this.db.prepare<{ kind: string }>('SELECT kind FROM residents WHERE id = ?').get(c.residentId);
      if (!who) return { added: false, why: 'gone' };
      if (who.kind !== 'resident') return { added: false, why: 'not-resident' };
      const model = this.store.modelName;
      const enrolled = this.db
        .prepare<{ n: number }>('SELECT COUNT(*) AS n FROM face_templates WHERE resident_id = ? AND model = ? AND learned = 0')
        .get(c.residentId, model)!.n;
      if (enrolled === 0) return { added: false, why: 'no-enrolment' };
      // Learned templates of another embedding model mean nothing any more.
      this.db.prepare('DELETE FROM face_templates WHERE resident_id = ? AND learned = 1 AND model <> ?').run(c.residentId, model);
      const before = this.db
        .prepare<{ id: number }>('SELECT id FROM face_templates WHERE resident_id = ? AND learned = 1 ORDER BY id')
        .all(c.residentId)
        .map((r) => r.id);
      const e = c.embedding;
      const id = Number(
        this.db
          .prepare(
            "INSERT INTO face_templates(resident_id, model, embedding, quality, source, created_at, learned) VALUES (?, ?, ?, ?, 'gate', ?, 1)",
          )
          .run(c.residentId, model, Buffer.from(e.buffer, e.byteOffset, e.byteLength), JSON.stringify(c.evidence), new Date().toISOString())
          .lastInsertRowid,
      );
      const { kept, dropped } = keepLearned(before, id, maxLearned);
      const del = this.db.prepare('DELETE FROM face_templates WHERE id = ?');
      for (const old of dropped) del.run(old);
      this.store.markChanged(c.residentId);
      if (!kept.includes(id)) return { added: false, why: 'gone' };
      return { added: true, templateId: id, replaced: dropped, learned: kept.length };
    });
  }

  /** Deletes every learned template of a person; returns how many there were. */
  clear(residentId: string): number {
    const n = this.db.transaction(() => {
      const n = this.db.prepare('DELETE FROM face_templates WHERE resident_id = ? AND learned = 1').run(residentId).changes;
      if (n > 0) this.store.markChanged(residentId);
      return n;
    });
    if (n > 0) this.store.checkpoint();
    return n;
  }

  /** The learned embeddings of a person, oldest first (tests, the console's count). */
  embeddings(residentId: string): Float32Array[] {
    return this.db
      .prepare<{ embedding: Buffer }>('SELECT embedding FROM face_templates WHERE resident_id = ? AND learned = 1 ORDER BY id')
      .all(residentId)
      .map((r) => {
        const out = new Float32Array(r.embedding.byteLength / 4);
        new Uint8Array(out.buffer).set(r.embedding);
        return out;
      });
  }
}
