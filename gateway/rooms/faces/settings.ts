/** From the `faces` config section to the options of the pipeline and the stream. Pure. */
import type { FacesConfig } from '../../config/sections/faces.js';
import type { Rect } from '../../config/sections/rect.js';
import type { PipelineOptions } from './pipeline.js';
import type { FaceStreamOptions } from './stream/face-stream.js';
import { knownThresholdFor, passageLooks, passageThresholdFor, type GalleryScaling } from './threshold-policy.js';

export function pipelineOptions(cfg: FacesConfig): PipelineOptions {
  return {
    detectThreshold: cfg.detection.threshold,
    nmsIou: cfg.detection.nmsIou,
    padRetry: cfg.detection.padRetry,
    quality: {
      minFacePx: cfg.quality.minFacePx,
      minEyeDistancePx: cfg.quality.minEyeDistancePx,
      maxYaw: cfg.quality.maxYaw,
      pitchRange: [cfg.quality.pitchMin, cfg.quality.pitchMax],
      minSharpness: cfg.quality.minSharpness,
    },
    liveness: cfg.liveness.enabled,
  };
}

/** `rois`: per camera id, where faces are searched (cameras.list[].regions.faces; absent = whole frame). */
export function streamOptions(cfg: FacesConfig, rois: ReadonlyMap<string, Rect> = new Map()): FaceStreamOptions {
  return {
    policy: {
      knownThreshold: cfg.threshold,
      unknownThreshold: Math.min(cfg.unknownThreshold, cfg.threshold),
      minFrames: cfg.tracking.minFrames,
      maxFrames: Math.max(cfg.tracking.maxFrames, cfg.tracking.minFrames),
      singleFrameMargin: cfg.tracking.singleFrameMargin,
      singleFrameMinFacePx: cfg.tracking.singleFrameMinFacePx,
    },
    gallery: galleryScaling(cfg),
    tracker: { minIou: cfg.tracking.minIou, maxGapMs: cfg.tracking.maxGapMs },
    minLiveness: cfg.liveness.minScore,
    rois,
  };
}

export function galleryScaling(cfg: FacesConfig): GalleryScaling {
  return { referenceSize: cfg.gallery.referenceSize, risePerDecade: cfg.gallery.risePerDecade };
}

/** The known-face threshold at a gate whose gallery holds `size` people: per passage (all its looks). */
export function thresholdFor(cfg: FacesConfig, size: number): number {
  return passageThresholdFor(cfg.threshold, size, galleryScaling(cfg), cfg.tracking);
}

/** The threshold for one look at a gallery of `size` (one photo: `sharpeyes identify`). */
export function lookThresholdFor(cfg: FacesConfig, size: number): number {
  return knownThresholdFor(cfg.threshold, size, galleryScaling(cfg));
}

/** How many one-look galleries a passage is worth under the configured tracking (threshold-policy.ts). */
export function looksOf(cfg: FacesConfig): number {
  return passageLooks(cfg.tracking, cfg.gallery.risePerDecade);
}
