import { z } from 'zod';

// Owned by the faces room (gateway/rooms/faces). Thresholds are calibrated with
// `sharpeyes eval faces ../shared/datasets/faces` (see models/README.md, "Faces").

export const facesSection = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe('Run face recognition (models from `npm run models`; without them the room logs an error and stays idle).'),
    threshold: z
      .number()
      .min(0)
      .max(1)
      .default(0.472)
      .describe(
        "Known-face threshold for a gallery of up to faces.gallery.referenceSize residents: similarity of a track (its frames fused, quality-weighted) to a resident's template needed to recognise them. Above that size it rises with log10 of the gallery size (faces.gallery), as the stranger false-accept rate grows with the number of residents; at a gate it is the threshold for a gallery as many times larger as a passage has looks (about 2.3 with the default tracking: per-passage FAR, gateway/rooms/faces/README.md). `sharpeyes eval faces DIR --json` reports FAR/FRR at this policy (at_config) and for galleries of ~50, 500 and 1,500 (see models/README.md).",
      ),
    gallery: z
      .strictObject({
        referenceSize: z.number().int().min(1).default(50).describe('faces.threshold holds for galleries up to this many residents.'),
        risePerDecade: z
          .number()
          .min(0)
          .max(0.3)
          .default(0.077)
          .describe(
            'How much the known-face threshold rises per tenfold growth of the gallery beyond referenceSize (from the tail of impostor scores: see gateway/rooms/faces/threshold-policy.ts).',
          ),
      })
      .prefault({})
      .describe('The threshold policy for large galleries.'),
    unknownThreshold: z
      .number()
      .min(0)
      .max(1)
      .default(0.3)
      .describe('Below this similarity to everybody (in every usable frame) a track is reported as a stranger before it ends.'),
    detection: z
      .strictObject({
        threshold: z.number().min(0.05).max(1).default(0.7).describe('Minimum detector face probability.'),
        nmsIou: z.number().min(0.05).max(0.95).default(0.3).describe('Overlapping detections above this IoU are merged.'),
        padRetry: z
          .number()
          .min(0)
          .max(1)
          .default(0.125)
          .describe(
            'Photos (enrolment, identify): when no face is found, widen the image by this fraction on each side and detect again (tight crops).',
          ),
      })
      .prefault({})
      .describe('Face detector (RFB-320).'),
    quality: z
      .strictObject({
        minFacePx: z.number().min(8).default(48).describe('Smallest face box height in pixels.'),
        minEyeDistancePx: z.number().min(4).default(20).describe('Smallest distance between the eye centres in pixels.'),
        maxYaw: z
          .number()
          .min(0)
          .max(1)
          .default(0.6)
          .describe('Largest head turn (0 frontal .. 1 profile, from the nose position between the eyes).'),
        pitchMin: z
          .number()
          .default(0.2)
          .describe('Smallest pitch ratio (nose-to-eyes / mouth-to-eyes distance); lower = head tilted back.'),
        pitchMax: z.number().default(0.85).describe('Largest pitch ratio; higher = head bowed.'),
        minSharpness: z.number().min(0).default(40).describe('Smallest variance of the Laplacian of the aligned 112x112 face (blur gate).'),
      })
      .prefault({})
      .describe(
        'Quality gates: enrolment refuses photos that fail them; in the stream such frames do not count, except that a track with no usable frame is decided at its end on its faces refused only by the pose or blur gates.',
      ),
    liveness: z
      .strictObject({
        enabled: z
          .boolean()
          .default(false)
          .describe(
            "Run the liveness classifier and ignore frames below minScore. Off by default: the model's function is not verified (see models/README.md).",
          ),
        minScore: z.number().min(0).max(1).default(0.5).describe('Smallest "real face" probability.'),
      })
      .prefault({})
      .describe('Optional presentation-attack check.'),
    tracking: z
      .strictObject({
        minIou: z
          .number()
          .min(0.01)
          .max(1)
          .default(0.3)
          .describe("A face continues a track when its box overlaps the track's last box by at least this IoU."),
        maxGapMs: z.number().int().min(100).default(1500).describe('A track with no face for this long ends.'),
        minFrames: z
          .number()
          .int()
          .min(1)
          .max(50)
          .default(2)
          .describe(
            'Usable frames needed before a track is decided. A track that ends (or reaches maxFrames faces) with fewer is decided on what it has: its usable frames, else its faces refused only by the pose or blur gates, at the same threshold.',
          ),
        maxFrames: z
          .number()
          .int()
          .min(1)
          .max(200)
          .default(10)
          .describe('A track still undecided after this many usable frames is reported unknown ("undecided").'),
        singleFrameMargin: z
          .number()
          .min(0)
          .max(1)
          .default(0.12)
          .describe(
            'One frame decides (without waiting for minFrames) when its similarity is at least the known-face threshold plus this margin and the face is at least singleFrameMinFacePx high. 1 = never.',
          ),
        singleFrameMinFacePx: z
          .number()
          .min(8)
          .default(112)
          .describe('Smallest face height (pixels) for a one-frame decision (112: the embedding model input, no upscaling).'),
      })
      .prefault({})
      .describe('Per-camera IoU tracking and multi-frame decisions.'),
    cameras: z
      .array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/))
      .max(64)
      .default([])
      .describe('Camera ids whose frames are searched for faces (in cameras.list[].regions.faces); empty means every camera.'),
    enrolment: z
      .strictObject({
        maxPhotos: z.number().int().min(1).max(20).default(5).describe('Photos accepted per residents/add request.'),
        maxPhotoBytes: z
          .number()
          .int()
          .min(10_000)
          .max(20_000_000)
          .default(2_000_000)
          .describe('Largest photo (decoded from base64) accepted over MQTT.'),
      })
      .prefault({})
      .describe('Enrolment limits.'),
    pollMs: z
      .number()
      .int()
      .min(100)
      .max(60_000)
      .default(2000)
      .describe('How often the daemon checks the residents version counter for changes made by the CLI.'),
    learning: z
      .strictObject({
        enabled: z
          .boolean()
          .default(false)
          .describe(
            "Templates learned at the gate: a resident recognised very surely adds that capture's embedding (no image) as a template, audited (faces/learn). Off by default: it keeps biometric data the resident did not hand in (ask them first), and on the dev set it helps small galleries only; a look-alike (an identical twin, a near-duplicate face) let in as a resident clears every bar and is learned too: 2 of 763 strangers at 500 residents (eval faces, learned_impostors; see gateway/rooms/faces/README.md).",
          ),
        minSimilarity: z.number().min(0).max(1).default(0.7).describe('A capture is learned only at this similarity or more.'),
        aboveThreshold: z
          .number()
          .min(0)
          .max(1)
          .default(0.2)
          .describe("And at least this far above the gate's known-face threshold (for its gallery size)."),
        margin: z.number().min(0).max(1).default(0.25).describe('And at least this far ahead of the second-best resident.'),
        maxLearned: z
          .number()
          .int()
          .min(1)
          .max(20)
          .default(3)
          .describe('Learned templates kept per resident (the oldest is replaced; enrolment templates never).'),
        holdS: z
          .number()
          .min(1)
          .max(600)
          .default(30)
          .describe(
            'A capture is held this long after its decision, and until its track has left, before it is learned: a gate opened or commanded by a person (gate/open, gate/command) at a gate of that camera meanwhile discards it.',
          ),
      })
      .prefault({})
      .describe(
        'Templates learned at the gate (gateway/rooms/faces/learner.ts). Synced residents keep their learned templates across updates without photos; new photos or erasure delete them.',
      ),
    visitors: z
      .strictObject({
        retentionHours: z
          .number()
          .min(0)
          .max(24 * 90)
          .default(24)
          .describe(
            'A visitor enrolled by face is erased (face templates and record, with a visitor.erased event) this long after the pass ended. Until then the gate refuses them as visitor_expired (the guard sees why) and the host can extend the pass without new photos; 0 erases at once. Faces are sensitive personal information: keep it short.',
          ),
      })
      .prefault({})
      .describe('Visitors enrolled by face with a validity window (residents/add with kind "visitor").'),
  })
  .prefault({})
  .describe('Face recognition.');

export type FacesConfig = z.output<typeof facesSection>;
