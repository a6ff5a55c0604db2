import { describe, expect, it } from 'vitest';
import { chooseMainFace, decodeDetections, landmarkCrop, nms } from './detection.js';
import { rectMap } from './geometry.js';

describe('RFB-320 output decoding', () => {
  it('keeps anchors above the threshold, maps them to image pixels and suppresses overlaps', () => {
    // Three anchors: a face, a near-duplicate of it, and one below threshold.
    const scores = Float32Array.from([0.1, 0.9, 0.2, 0.8, 0.5, 0.5]);
    const boxes = Float32Array.from([0.25, 0.25, 0.5, 0.5, 0.26, 0.25, 0.51, 0.5, 0, 0, 0.1, 0.1]);
    // The detector saw a 640x480 image stretched to 320x240.
    const dets = decodeDetections(scores, boxes, {
      threshold: 0.7,
      nmsIou: 0.3,
      inputWidth: 320,
      inputHeight: 240,
      toImage: rectMap({ x: 0, y: 0, width: 640, height: 480 }, 320, 240),
    });
    expect(dets).toHaveLength(1);
    expect(dets[0]!.score).toBeCloseTo(0.9, 6);
    expect(dets[0]!.box.x1).toBeCloseTo(160, 3);
    expect(dets[0]!.box.y1).toBeCloseTo(120, 3);
    expect(dets[0]!.box.x2).toBeCloseTo(320, 3);
    expect(dets[0]!.box.y2).toBeCloseTo(240, 3);
  });

  it('maps boxes found in a region of interest back to the full frame', () => {
    const dets = decodeDetections(Float32Array.from([0, 1]), Float32Array.from([0, 0, 0.5, 0.5]), {
      threshold: 0.5,
      nmsIou: 0.3,
      inputWidth: 320,
      inputHeight: 240,
      toImage: rectMap({ x: 1000, y: 500, width: 640, height: 480 }, 320, 240),
    });
    expect(dets[0]!.box.x1).toBeCloseTo(1000, 3);
    expect(dets[0]!.box.x2).toBeCloseTo(1320, 3);
    expect(dets[0]!.box.y2).toBeCloseTo(740, 3);
  });

  it('NMS keeps the best of overlapping boxes and separate faces', () => {
    const a = { box: { x1: 0, y1: 0, x2: 10, y2: 10 }, score: 0.8 };
    const b = { box: { x1: 1, y1: 1, x2: 11, y2: 11 }, score: 0.95 };
    const c = { box: { x1: 50, y1: 50, x2: 60, y2: 60 }, score: 0.7 };
    expect(nms([a, b, c], 0.3)).toEqual([b, c]);
  });
});

describe('choosing the face a photo is about', () => {
  it('prefers a central face over a somewhat bigger one at the edge', () => {
    const central = { box: { x1: 400, y1: 250, x2: 600, y2: 450 } };
    const edge = { box: { x1: 0, y1: 0, x2: 230, y2: 230 } };
    expect(chooseMainFace([edge, central], 1000, 700)).toBe(central);
    const huge = { box: { x1: 0, y1: 0, x2: 600, y2: 600 } };
    expect(chooseMainFace([huge, central], 1000, 700)).toBe(huge);
    expect(chooseMainFace([], 10, 10)).toBeUndefined();
  });

  it('the landmark crop is a square of the box height, moved inside the image', () => {
    expect(landmarkCrop({ x1: 10, y1: 10, x2: 50, y2: 70 }, 200, 200)).toEqual({ x: 0, y: 10, size: 60 });
    expect(landmarkCrop({ x1: 100, y1: 100, x2: 140, y2: 160 }, 200, 200)).toEqual({ x: 90, y: 100, size: 60 });
  });
});
