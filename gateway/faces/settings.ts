/** From the `faces` config section to the options of the pipeline and the stream. Pure. */
import type { FacesConfig } from '../config/sections/faces.js';
import type { PipelineOptions } from './pipeline.js';
import type { FaceStreamOptions } from './stream/face-stream.js';
import { knownThresholdFor, type GalleryScaling } from './threshold-policy.js';

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

export function streamOptions(cfg: FacesConfig): FaceStreamOptions {
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
    rois: new Map(cfg.cameras.filter((c) => c.roi).map((c) => [c.id, c.roi!] as const)),
  };
}

export function galleryScaling(cfg: FacesConfig): GalleryScaling {
  return { referenceSize: cfg.gallery.referenceSize, risePerDecade: cfg.gallery.risePerDecade };
}

/** The known-face threshold in force for a gallery of `size` residents. */
export function thresholdFor(cfg: FacesConfig, size: number): number {
  return knownThresholdFor(cfg.threshold, size, galleryScaling(cfg));
}
