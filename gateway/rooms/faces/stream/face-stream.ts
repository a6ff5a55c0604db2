/**
 * Face recognition over camera frames: detect (in the camera's region of interest), describe,
 * match, track per camera, and decide per track from several frames. Returns decisions; the
 * room records them. Frames are processed one at a time per caller; a frame's pixels are only
 * read before this call resolves (crops are copied).
 */
import { cropRgb, type RgbImage } from '../../../lib/imaging/image.js';
import { StaleFrameError } from '../../../lib/inference/inference-worker.js';
import type { FaceBox, Rect } from '../geometry.js';
import { meanTemplate } from '../enrol.js';
import type { Match } from '../identities.js';
import type { FaceObservation, FacePipeline } from '../pipeline.js';
import { passageThresholdFor, type GalleryScaling } from '../threshold-policy.js';
import { frameWeight, fuse } from './fusion.js';
import { IouTracker, type Track, type TrackerOptions } from './tracker.js';
import { decideTrack, type FrameVote, type TrackDecision, type VotePolicy } from './votes.js';

export interface FaceFrame {
  cameraId: string;
  /** ms since the epoch */
  ts: number;
  width: number;
  height: number;
  /** rgb24, width * height * 3 bytes */
  data: Uint8Array;
}

export interface TrackOutcome {
  cameraId: string;
  trackId: number;
  decision: TrackDecision;
  box: FaceBox;
  firstTs: number;
  ts: number;
  /** Face crop from the best frame, or null. */
  crop: RgbImage | null;
  /**
   * Recognised on usable frames: the embedding the decision was taken on (the one frame, or the
   * track's fused face), its similarity and the second-best person's (learner.ts decides whether
   * it becomes a template). Absent for strangers and for decisions on weak frames.
   */
  learnable?: Learnable;
}

export interface Learnable {
  embedding: Float32Array;
  similarity: number;
  second: number;
}

export interface FaceStreamOptions {
  /** knownThreshold is the threshold at the reference gallery size; it rises with `gallery`. */
  policy: VotePolicy;
  gallery?: GalleryScaling;
  tracker: TrackerOptions;
  /** Frames whose liveness score is below this do not count (when the pipeline runs liveness). */
  minLiveness: number;
  /** Region of interest per camera, as fractions [x, y, w, h]; absent = whole frame. */
  rois: ReadonlyMap<string, readonly [number, number, number, number]>;
}

/**
 * Below this cosine similarity to the track's face (the mean of its usable faces, or of its weak
 * ones while it has none), a face on that track is somebody else (CHANGE_FRAMES in a row split
 * the track, decided or not). Measured by `sharpeyes eval faces DIR --stream` (split.*) on the
 * default set: the same person's faces, two in a row, stay >= 0.88 (one face alone >= 0.53); the
 * second person of a queue scores up to 0.45 against the first (look-alikes: those stay on the
 * first person's track, models/README.md). A wrong split only costs an extra face event: the
 * access cooldown keeps it from becoming a second decision.
 */
export const OTHER_PERSON_BELOW = 0.3;

/**
 * Faces in a row that must differ from a track's (below OTHER_PERSON_BELOW) before the track is
 * split. Two at the analysed 5 fps: the second person of a queue is decided 200 ms later, and
 * stays in view for a second or more (they step up to the gate), so none is missed; a single
 * odd frame of the first person (landmarks slipping on a turned or blurred face) no longer
 * splits them in two.
 */
export const CHANGE_FRAMES = 2;

/** One face as evidence for a track. */
interface Evidence {
  face: FaceObservation;
  usable: boolean;
  /** Refused only by the pose or blur gates. */
  weak: boolean;
  ts: number;
  /** The face crop, copied when the face is held back (the frame's pixels are gone by then). */
  crop?: RgbImage;
}

interface TrackState {
  votes: FrameVote[];
  decided: boolean;
  /** The usable embeddings before the decision (the track's face). */
  faces: Float32Array[];
  /** Quality weight of each of `faces`. */
  weights: number[];
  /** Faces refused only by the pose or blur gates (evidence when no usable face comes), and their weights. */
  weak: Float32Array[];
  weakWeights: number[];
  /** Latest faces in a row that differ from the track's (held back: maybe the next person). */
  differing: Evidence[];
  crop: RgbImage | null;
  cropScore: number;
  /** Gallery size when the track was decided a stranger (a change of the gallery reopens it). */
  unknownAtGallery?: number;
}

const freshTrack = (): TrackState => ({
  votes: [],
  decided: false,
  faces: [],
  weights: [],
  weak: [],
  weakWeights: [],
  differing: [],
  crop: null,
  cropScore: -1,
});

/** What the stream needs from the residents' index. */
export interface StreamIdentities {
  /** Best resident among those the camera's gates admit (access groups; absent camera: everyone). */
  best(e: Float32Array, cameraId?: string): Match | null;
  /** Residents enrolled (the threshold rises with it). */
  readonly size: number;
  /** Residents the camera's search covers (its gates' access groups); absent: `size`. */
  sizeFor?(cameraId: string): number;
  /** The best `k` people, best first (for the margin to the second-best); absent: nothing is learnable. */
  ranked?(e: Float32Array, k: number, cameraId?: string): Match[];
}

interface CameraState {
  tracker: IouTracker;
  tracks: Map<number, TrackState>;
}

export class FaceStream {
  private readonly cameras = new Map<string, CameraState>();
  /** Frames skipped because the inference queue had a newer one of the same camera. */
  stale = 0;

  constructor(private readonly ctx: { pipeline: FacePipeline; identities: StreamIdentities; options: FaceStreamOptions }) {}

  async process(frame: FaceFrame): Promise<TrackOutcome[]> {
    const img: RgbImage = { width: frame.width, height: frame.height, data: frame.data };
    const roi = this.roiOf(frame);
    let faces: FaceObservation[];
    try {
      faces = await this.ctx.pipeline.analyse(img, { roi, dropKey: frame.cameraId, maxFaces: 4 });
    } catch (err) {
      if (err instanceof StaleFrameError) {
        this.stale++;
        return [];
      }
      throw err;
    }
    const cam = this.camera(frame.cameraId);
    const { trackIds, ended } = cam.tracker.update(
      faces.map((f) => f.box),
      frame.ts,
    );
    const out: TrackOutcome[] = this.finish(frame.cameraId, cam, ended, frame.ts);
    faces.forEach((face, i) => {
      let trackId = trackIds[i]!;
      let track = cam.tracker.live.find((t) => t.id === trackId)!;
      let st = cam.tracks.get(trackId);
      if (!st) cam.tracks.set(trackId, (st = freshTrack()));
      const ev = this.evidenceOf(face, frame.ts);
      // Who the track has been so far: its usable faces, or its weak ones while it has none (a
      // first person who never faced the camera squarely is still somebody the next one differs from).
      const reference = st.faces.length > 0 ? st.faces : st.weak;
      const differs = (ev.usable || ev.weak) && reference.length > 0 && similarityToTrack(face.embedding, reference) < OTHER_PERSON_BELOW;
      // Somebody else stands where the tracked face was (a queue at the gate) when CHANGE_FRAMES
      // faces in a row differ from the track's: one odd frame (a landmark slip, a turn, motion
      // blur) is held back, not taken for a new person.
      const change = differs ? [...st.differing, ev] : [];
      st.differing = change.length < CHANGE_FRAMES ? change : [];
      const otherPerson = change.length >= CHANGE_FRAMES;
      if (differs && !otherPerson) {
        ev.crop = cropFace(img, face.box);
        return;
      }
      if (st.decided && !otherPerson && st.unknownAtGallery !== undefined && st.unknownAtGallery !== this.sizeAt(frame.cameraId)) {
        // Residents were enrolled or removed since this face was found a stranger (somebody
        // enrolled while standing at the gate): look again, against the gallery as it is now.
        cam.tracks.set(trackId, (st = freshTrack()));
      }
      if (st.decided && !otherPerson) return;
      if (otherPerson) {
        // The track of the first person ends here (decided now if it was not yet); the second
        // gets a new one, from their first differing face.
        const previous = st.decided
          ? null
          : decideTrack(st.votes, this.policy(frame.cameraId), true, ...this.fusedMatches(st, frame.cameraId));
        if (previous)
          out.push({
            cameraId: frame.cameraId,
            trackId,
            decision: previous,
            box: track.box,
            firstTs: track.firstTs,
            ts: frame.ts,
            crop: st.crop,
            ...this.learnable(st, previous, frame.cameraId),
          });
        cam.tracks.delete(trackId);
        track = cam.tracker.restart(trackId, change[0]!.ts) as Track;
        trackId = track.id;
        cam.tracks.set(trackId, (st = freshTrack()));
      }
      for (const e of otherPerson ? change : [ev]) this.addEvidence(st, e, img, frame.cameraId);
      const decision = decideTrack(st.votes, this.policy(frame.cameraId), false, ...this.fusedMatches(st, frame.cameraId));
      if (decision) {
        st.decided = true;
        if (decision.kind === 'unknown') st.unknownAtGallery = this.sizeAt(frame.cameraId);
        out.push({
          cameraId: frame.cameraId,
          trackId,
          decision,
          box: face.box,
          firstTs: track.firstTs,
          ts: frame.ts,
          crop: st.crop,
          ...this.learnable(st, decision, frame.cameraId),
        });
      }
    });
    return out;
  }

  /** Ends the tracks that went stale by `ts` (call periodically when frames stop coming). */
  flush(ts: number): TrackOutcome[] {
    const out: TrackOutcome[] = [];
    for (const [cameraId, cam] of this.cameras) out.push(...this.finish(cameraId, cam, cam.tracker.expire(ts), ts));
    return out;
  }

  private finish(cameraId: string, cam: CameraState, ended: Track[], ts: number): TrackOutcome[] {
    const out: TrackOutcome[] = [];
    for (const t of ended) {
      const st = cam.tracks.get(t.id);
      cam.tracks.delete(t.id);
      if (!st || st.decided) continue;
      const decision = decideTrack(st.votes, this.policy(cameraId), true, ...this.fusedMatches(st, cameraId));
      if (decision)
        out.push({
          cameraId,
          trackId: t.id,
          decision,
          box: t.box,
          firstTs: t.firstTs,
          ts,
          crop: st.crop,
          ...this.learnable(st, decision, cameraId),
        });
    }
    return out;
  }

  /**
   * What a recognition on usable frames was decided on: one frame (`frames` 1: the latest usable
   * face) or the track's fused usable faces, scored again with the second-best person beside it.
   */
  private learnable(st: TrackState, d: TrackDecision, cameraId: string): { learnable?: Learnable } {
    const ranked = this.ctx.identities.ranked?.bind(this.ctx.identities);
    if (d.kind !== 'recognized' || !ranked || st.faces.length === 0) return {};
    const embedding = d.frames <= 1 || st.faces.length < 2 ? st.faces[st.faces.length - 1]! : fuse(st.faces, st.weights);
    const [best, second] = ranked(embedding, 2, cameraId);
    if (!best || best.residentId !== d.residentId) return {};
    return { learnable: { embedding, similarity: best.similarity, second: Math.max(0, second?.similarity ?? 0) } };
  }

  /** Whether a track of the camera is still in view (a passage held for learning closes when it is not). */
  isLive(cameraId: string, trackId: number): boolean {
    return this.cameras.get(cameraId)?.tracker.live.some((t) => t.id === trackId) ?? false;
  }

  private evidenceOf(face: FaceObservation, ts: number): Evidence {
    const live = face.liveness === undefined || face.liveness >= this.ctx.options.minLiveness;
    const usable = face.quality.problems.length === 0 && live;
    return { face, usable, weak: !usable && live && !face.quality.tooSmall, ts };
  }

  private addEvidence(st: TrackState, e: Evidence, img: RgbImage, cameraId: string): void {
    const { face, usable, weak } = e;
    const match = this.ctx.identities.best(face.embedding, cameraId);
    if (usable) {
      st.faces.push(face.embedding);
      st.weights.push(frameWeight(face.quality));
    } else if (weak) {
      st.weak.push(face.embedding);
      st.weakWeights.push(frameWeight(face.quality));
    }
    st.votes.push({
      residentId: match?.residentId ?? null,
      name: match?.name ?? null,
      similarity: match?.similarity ?? 0,
      usable,
      weak,
      facePx: face.quality.facePx,
    });
    const cropScore = (usable ? 1 : 0) + face.score * 0.1 + Math.min(1, face.quality.facePx / 400) * 0.1;
    if (cropScore > st.cropScore) {
      st.cropScore = cropScore;
      st.crop = e.crop ?? cropFace(img, face.box);
    }
  }

  /** How many residents this camera's search covers (its gates' access groups). */
  private sizeAt(cameraId: string): number {
    const ids = this.ctx.identities;
    return ids.sizeFor ? ids.sizeFor(cameraId) : ids.size;
  }

  /**
   * The vote policy with the known threshold for a passage at the camera's gallery (its gates'
   * residents): the one-look threshold for a gallery as many times larger as the passage has
   * looks (threshold-policy.ts `passageLooks`).
   */
  private policy(cameraId: string): VotePolicy {
    const p = this.ctx.options.policy;
    const g = this.ctx.options.gallery;
    return g ? { ...p, knownThreshold: passageThresholdFor(p.knownThreshold, this.sizeAt(cameraId), g, p) } : p;
  }

  /** The best resident for the track's fused face (two usable frames or more), and for its fused weak faces. */
  private fusedMatches(st: TrackState, cameraId: string): [Match | null, Match | null] {
    const match = (faces: Float32Array[], weights: number[]) =>
      faces.length < 2 ? null : this.ctx.identities.best(fuse(faces, weights), cameraId);
    return [match(st.faces, st.weights), st.faces.length > 0 ? null : match(st.weak, st.weakWeights)];
  }

  private camera(id: string): CameraState {
    let cam = this.cameras.get(id);
    if (!cam) this.cameras.set(id, (cam = { tracker: new IouTracker(this.ctx.options.tracker), tracks: new Map() }));
    return cam;
  }

  private roiOf(frame: FaceFrame): Rect | undefined {
    const r = this.ctx.options.rois.get(frame.cameraId);
    if (!r) return undefined;
    return { x: r[0] * frame.width, y: r[1] * frame.height, width: r[2] * frame.width, height: r[3] * frame.height };
  }
}

/** Similarity of a unit embedding to the mean of a track's usable faces. */
function similarityToTrack(embedding: Float32Array, faces: readonly Float32Array[]): number {
  const mean = meanTemplate(faces);
  let dot = 0;
  for (let i = 0; i < mean.length; i++) dot += (mean[i] as number) * (embedding[i] as number);
  return dot;
}

/** The face box widened by 40% each side (hair, chin), clamped to the frame. */
export function cropFace(img: RgbImage, box: FaceBox): RgbImage {
  const w = box.x2 - box.x1;
  const h = box.y2 - box.y1;
  return cropRgb(img, { x: box.x1 - 0.4 * w, y: box.y1 - 0.4 * h, width: w * 1.8, height: h * 1.8 });
}
