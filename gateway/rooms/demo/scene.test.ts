import { describe, expect, it } from 'vitest';
import { DOOR_SCENE, LANE_SCENE, frameCount, placements, placeSprite, poseAt, standsAt, type Key, type SpriteGeometry } from './scene.js';

const FACE: SpriteGeometry = { width: 540, height: 532, anchorX: 261.5, anchorY: 250, ref: 350 };
const CAR: SpriteGeometry = { width: 1000, height: 700, anchorX: 500, anchorY: 680, ref: 1000 };
const SPRITES = { 'resident-walk': FACE, 'stranger-walk': FACE, 'resident-car': CAR, 'unknown-car': CAR };

describe('scene timeline', () => {
  const keys: Key[] = [
    { t: 1, x: 0, y: 0, size: 60, alpha: 0 },
    { t: 2, x: 100, y: 50, size: 200, ease: 'out' },
    { t: 3, x: 100, y: 50, size: 200 },
  ];

  it('interpolates between keys and is absent outside them', () => {
    expect(poseAt(keys, 0.99)).toBeNull();
    expect(poseAt(keys, 3.01)).toBeNull();
    expect(poseAt(keys, 1)).toEqual({ x: 0, y: 0, size: 60, alpha: 0 });
    expect(poseAt(keys, 2.5)).toEqual({ x: 100, y: 50, size: 200, alpha: 1 });
    // 'out' arrives slowing down: past the linear midpoint at half time.
    const mid = poseAt(keys, 1.5)!;
    expect(mid.size).toBeCloseTo(60 + 140 * 0.75);
    expect(mid.alpha).toBeCloseTo(0.75);
  });

  it('places a sprite so that its anchor lands on the pose and its reference length is `size`', () => {
    const p = placeSprite('resident-walk', FACE, { x: 320, y: 150, size: 200, alpha: 1 });
    const s = 200 / 350;
    expect(p.width).toBe(Math.round(540 * s));
    expect(p.left + 261.5 * s).toBeCloseTo(320, 0);
    expect(p.top + 250 * s).toBeCloseTo(150, 0);
  });

  it('walks the resident up from a ~60 px face to a ~200 px face in about 1.5 s, growing all the way', () => {
    const walker = DOOR_SCENE.actors[0]!;
    const stand = standsAt(walker);
    const first = walker.keys[0]!;
    expect(first.size).toBeGreaterThanOrEqual(55);
    expect(first.size).toBeLessThanOrEqual(70);
    expect(stand.from - first.t).toBeCloseTo(1.5, 1);
    let last = 0;
    for (let t = first.t; t <= stand.from; t += 0.1) {
      const size = poseAt(walker.keys, t)!.size;
      expect(size).toBeGreaterThanOrEqual(last);
      last = size;
    }
    expect(last).toBeGreaterThanOrEqual(195);
    expect(stand.to - stand.from).toBeGreaterThanOrEqual(1);
  });

  it('loops every 15-20 s, longer than the access cooldown of 8 s, with one person and one car at a time', () => {
    for (const scene of [DOOR_SCENE, LANE_SCENE]) {
      expect(scene.durationS).toBeGreaterThanOrEqual(15);
      expect(scene.durationS).toBeLessThanOrEqual(20);
      expect(frameCount(scene)).toBe(scene.durationS * scene.fps);
      for (let i = 0; i < frameCount(scene); i++) expect(placements(scene, SPRITES, i).length).toBeLessThanOrEqual(1);
      // Frame n and frame n + one loop are the same picture.
      expect(placements(scene, SPRITES, 25)).toEqual(placements(scene, SPRITES, 25 + frameCount(scene)));
      // Each actor leaves the picture before the loop ends.
      for (const a of scene.actors) expect(a.keys.at(-1)!.t).toBeLessThan(scene.durationS);
    }
  });

  it('brings the car to the barrier with its plate near 110 px wide (a car 4x its plate), then off again', () => {
    const car = LANE_SCENE.actors[0]!;
    const stand = standsAt(car);
    const pose = poseAt(car.keys, (stand.from + stand.to) / 2)!;
    expect(pose.size / 4).toBeGreaterThanOrEqual(100);
    const p = placeSprite('resident-car', CAR, pose);
    expect(p.top + p.height * (680 / 700)).toBeLessThanOrEqual(LANE_SCENE.height);
    expect(poseAt(car.keys, stand.to + 0.5)!.y).toBeGreaterThan(pose.y);
  });
});
