/**
 * The demo scenes as timelines, and where each sprite stands in a given frame. Pure: the set-up
 * script renders the frames from it (scripts/demo-assets/), the tests check it, and it says when
 * the e2e test should see each passage.
 *
 * An actor moves through keyframes: at time `t` (seconds into the loop) its anchor (the face
 * centre of a walker, the bottom centre of a car) is at (x, y) frame pixels, and its reference
 * length (a walker's face height, a car's width) is `size` pixels.
 */

export type Ease = 'linear' | 'out' | 'in';

export interface Key {
  t: number;
  x: number;
  y: number;
  size: number;
  /** 0 (invisible) .. 1; default 1. */
  alpha?: number;
  /** How the segment that ends at this key is travelled: 'out' slows down into it (arriving), 'in' speeds up. */
  ease?: Ease;
}

export interface Actor {
  /** Which sprite (picture) plays this actor. */
  sprite: string;
  /** In increasing time; the actor is on screen from the first key to the last. */
  keys: readonly Key[];
}

export interface SceneSpec {
  name: string;
  width: number;
  height: number;
  fps: number;
  /** The clip loops after this many seconds. */
  durationS: number;
  /** Drawn in this order (later ones in front). */
  actors: readonly Actor[];
}

/** A sprite's size and what the keys refer to, in the sprite's own pixels. */
export interface SpriteGeometry {
  width: number;
  height: number;
  anchorX: number;
  anchorY: number;
  /** The length that `size` scales to (a face's height, a car's width). */
  ref: number;
}

export interface Pose {
  x: number;
  y: number;
  size: number;
  alpha: number;
}

export interface Placement {
  sprite: string;
  left: number;
  top: number;
  width: number;
  height: number;
  alpha: number;
}

function eased(u: number, ease: Ease | undefined): number {
  if (ease === 'out') return 1 - (1 - u) * (1 - u);
  if (ease === 'in') return u * u;
  return u;
}

/** The actor's pose at `t` seconds, or null when it is not on screen then. */
export function poseAt(keys: readonly Key[], t: number): Pose | null {
  const first = keys[0];
  const last = keys[keys.length - 1];
  if (!first || !last || t < first.t || t > last.t) return null;
  for (let i = 1; i < keys.length; i++) {
    const a = keys[i - 1]!;
    const b = keys[i]!;
    if (t > b.t) continue;
    const u = b.t > a.t ? eased((t - a.t) / (b.t - a.t), b.ease) : 1;
    const lerp = (p: number, q: number) => p + (q - p) * u;
    return { x: lerp(a.x, b.x), y: lerp(a.y, b.y), size: lerp(a.size, b.size), alpha: lerp(a.alpha ?? 1, b.alpha ?? 1) };
  }
  return { x: first.x, y: first.y, size: first.size, alpha: first.alpha ?? 1 };
}

/** Where a sprite in `pose` lands in the frame (whole pixels; may reach outside the frame). */
export function placeSprite(sprite: string, g: SpriteGeometry, pose: Pose): Placement {
  const s = pose.size / g.ref;
  return {
    sprite,
    left: Math.round(pose.x - g.anchorX * s),
    top: Math.round(pose.y - g.anchorY * s),
    width: Math.max(1, Math.round(g.width * s)),
    height: Math.max(1, Math.round(g.height * s)),
    alpha: Math.max(0, Math.min(1, pose.alpha)),
  };
}

/** Every visible sprite of frame `index` (time index / fps, looped), back to front. */
export function placements(scene: SceneSpec, sprites: Readonly<Record<string, SpriteGeometry>>, index: number): Placement[] {
  const t = (index / scene.fps) % scene.durationS;
  const out: Placement[] = [];
  for (const actor of scene.actors) {
    const pose = poseAt(actor.keys, t);
    const g = sprites[actor.sprite];
    if (!pose || !g || pose.alpha <= 0.01) continue;
    out.push(placeSprite(actor.sprite, g, pose));
  }
  return out;
}

export function frameCount(scene: SceneSpec): number {
  return Math.round(scene.durationS * scene.fps);
}

/** The longest time an actor is fully on screen and (nearly) still: standing at the gate. Seconds into the loop. */
export function standsAt(actor: Actor): { from: number; to: number } {
  let best = { from: 0, to: 0 };
  let from: number | null = null;
  for (let i = 1; i < actor.keys.length; i++) {
    const a = actor.keys[i - 1]!;
    const b = actor.keys[i]!;
    const still = Math.abs(a.size - b.size) <= a.size * 0.05 && (a.alpha ?? 1) >= 1 && (b.alpha ?? 1) >= 1;
    from = still ? (from ?? a.t) : null;
    if (from !== null && b.t - from > best.to - best.from) best = { from, to: b.t };
  }
  return best;
}

/** The walk-up: from the far door (face ~60 px) to the turnstile (face ~200 px) in 1.5 s. */
function walkUp(start: number, leave: 'through' | 'back', sway: number): Key[] {
  const arrive = start + 1.5;
  const keys: Key[] = [
    { t: start, x: 320, y: 128, size: 60, alpha: 0 },
    { t: start + 0.2, x: 320, y: 129, size: 66 },
    { t: arrive, x: 320 + sway, y: 150, size: 200, ease: 'out' },
    { t: arrive + 0.7, x: 320 + sway * 1.8, y: 151, size: 203 },
    { t: arrive + 1.5, x: 320 + sway, y: 150, size: 200 },
  ];
  if (leave === 'through') keys.push({ t: arrive + 2.3, x: 330, y: 340, size: 330, alpha: 0, ease: 'in' });
  else keys.push({ t: arrive + 2.5, x: 322, y: 128, size: 80, alpha: 0, ease: 'in' });
  return keys;
}

/** A car from the far end of the lane to the barrier (plate ~110 px wide) in ~2 s. */
function driveUp(start: number, leave: 'on' | 'back'): Key[] {
  const stop = start + 2.2;
  const keys: Key[] = [
    { t: start, x: 320, y: 150, size: 120, alpha: 0 },
    { t: start + 0.3, x: 320, y: 165, size: 150 },
    { t: stop, x: 320, y: 350, size: 440, ease: 'out' },
    { t: stop + 2.3, x: 320, y: 350, size: 440 },
  ];
  if (leave === 'on') keys.push({ t: stop + 3.4, x: 330, y: 520, size: 760, alpha: 0, ease: 'in' });
  else keys.push({ t: stop + 4, x: 320, y: 165, size: 150, alpha: 0, ease: 'in' });
  return keys;
}

/** The face camera above turnstile door-1: the resident walks up and through, later a stranger comes and turns back. */
export const DOOR_SCENE: SceneSpec = {
  name: 'door',
  width: 640,
  height: 360,
  fps: 10,
  durationS: 16,
  actors: [
    { sprite: 'resident-walk', keys: walkUp(1, 'through', 6) },
    { sprite: 'stranger-walk', keys: walkUp(7.5, 'back', -5) },
  ],
};

/** The plate camera at barrier gate-1: the resident's car drives up and on, later an unregistered car waits and backs away. */
export const LANE_SCENE: SceneSpec = {
  name: 'lane',
  width: 640,
  height: 360,
  fps: 10,
  durationS: 16,
  actors: [
    { sprite: 'resident-car', keys: driveUp(1, 'on') },
    { sprite: 'unknown-car', keys: driveUp(8.5, 'back') },
  ],
};
