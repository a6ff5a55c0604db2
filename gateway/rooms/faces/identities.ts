/**
 * The residents' search index kept in step with SQLite: loaded once, then refreshed
 * incrementally from the change log (only the residents that changed are re-read).
 */
import { meanTemplate } from './enrol.js';
import { GalleryIndex } from './index/gallery-index.js';
import { EMBEDDING_DIM } from './models.js';
import type { ResidentStore } from './store/resident-store.js';
import type { Pass } from './visitors/pass.js';

/** Passes of people removed lately, kept so a track decided on them just before is judged on what they were. */
const DEPARTED_KEPT = 1000;
/** What a face of nobody this index ever held is judged as: a pass that ended (the gate stays shut). */
const NO_PASS: Pass = { kind: 'visitor', validFrom: null, validUntil: new Date(0).toISOString(), hostId: null };

export interface Match {
  residentId: string;
  name: string;
  similarity: number;
}

export class Identities {
  readonly index = new GalleryIndex({ dim: EMBEDDING_DIM });
  private readonly names = new Map<string, string>();
  /** Who each enrolled person is (resident, or visitor with a pass): the access policy decides on it. */
  private readonly passes = new Map<string, Pass>();
  private readonly departed = new Map<string, Pass>();
  private readonly store: ResidentStore;
  private version = -1;
  /** Per camera, who its gates admit (access groups): its 1:N search covers only them. Absent: everyone. */
  private scopes = new Map<string, ReadonlySet<string>>();

  constructor(ctx: { store: ResidentStore }) {
    this.store = ctx.store;
  }

  get size(): number {
    return this.index.size;
  }

  /** Reads every resident (call once at start). */
  loadAll(): number {
    this.index.clear();
    this.names.clear();
    this.passes.clear();
    const version = this.store.version();
    for (const r of this.store.allEmbeddings()) {
      this.index.upsert(r.id, meanTemplate(r.embeddings));
      this.names.set(r.id, r.name);
      this.passes.set(r.id, r.pass);
    }
    this.version = version;
    return this.index.size;
  }

  /** Applies changes made since the last load/refresh (by this process or another). Returns the ids reloaded. */
  refresh(): string[] {
    if (this.version < 0) {
      this.loadAll();
      return [];
    }
    if (this.store.version() === this.version) return [];
    const { version, residentIds } = this.store.changesSince(this.version);
    for (const id of residentIds) {
      const r = this.store.get(id);
      const embeddings = r ? this.store.embeddings(id) : [];
      if (!r || embeddings.length === 0) {
        this.index.remove(id);
        this.names.delete(id);
        const gone = this.passes.get(id);
        if (gone) this.depart(id, gone);
        this.passes.delete(id);
      } else {
        this.index.upsert(id, meanTemplate(embeddings));
        this.names.set(id, r.name);
        this.passes.set(id, { kind: r.kind, validFrom: r.validFrom, validUntil: r.validUntil, hostId: r.hostId });
      }
    }
    this.version = version;
    return residentIds;
  }

  /**
   * Resident or visitor, with the pass as of the last refresh. A person removed since a track
   * matched them keeps the pass they had (an erased visitor stays expired, never a resident).
   */
  pass(id: string): Pass {
    return this.passes.get(id) ?? this.departed.get(id) ?? NO_PASS;
  }

  private depart(id: string, pass: Pass): void {
    this.departed.delete(id);
    this.departed.set(id, pass);
    if (this.departed.size > DEPARTED_KEPT) this.departed.delete(this.departed.keys().next().value as string);
  }

  /** Every enrolled person's id and kind (for the access groups' scopes). */
  *people(): Generator<{ id: string; kind: Pass['kind'] }> {
    for (const [id, p] of this.passes) yield { id, kind: p.kind };
  }

  /** Restricts each camera's search to these people (null or absent: everyone). */
  setScopes(scopes: ReadonlyMap<string, ReadonlySet<string> | null>): void {
    const next = new Map<string, ReadonlySet<string>>();
    for (const [cam, ids] of scopes) if (ids) next.set(cam, ids);
    this.scopes = next;
  }

  /** How many enrolled people the camera's search covers. */
  sizeFor(cameraId: string): number {
    const scope = this.scopes.get(cameraId);
    if (!scope) return this.index.size;
    let n = 0;
    for (const id of scope) if (this.index.has(id)) n++;
    return n;
  }

  /**
   * Best resident for an embedding (whatever the similarity), or null with nobody enrolled;
   * with `cameraId`, among the people the camera's gates admit only.
   */
  best(embedding: Float32Array, cameraId?: string): Match | null {
    return this.ranked(embedding, 1, cameraId)[0] ?? null;
  }

  /** The best `k` people for an embedding, best first (the same search as `best`). */
  ranked(embedding: Float32Array, k: number, cameraId?: string): Match[] {
    const scope = cameraId === undefined ? undefined : this.scopes.get(cameraId);
    return this.index
      .search(embedding, k, scope)
      .map((hit) => ({ residentId: hit.id, name: this.names.get(hit.id) ?? hit.id, similarity: hit.similarity }));
  }
}
