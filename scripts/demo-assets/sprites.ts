/**
 * The cast of the demo scenes as sprites (RGBA pictures with the geometry the timeline refers
 * to), and the resident's enrolment photos. Crops and face positions were measured once on the
 * pinned photos (their sha256 is in scripts/demo-assets/sources.json) with the project's face detector.
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { cropRgb, decodeImage, decodeRgba, encodeJpeg, type RgbaImage } from '../../gateway/lib/imaging/image.js';
import type { SpriteGeometry } from '../../gateway/rooms/demo/scene.js';
import { DEMO_RESIDENT_PLATE, DEMO_UNKNOWN_PLATE } from '../../gateway/rooms/demo/cast.js';
import { CAR_VIEWBOX, carFrontSvg } from './drawings.js';

/** Bump when a crop, oval or drawing of the cast changes (re-renders the scenes). */
export const SPRITES_VERSION = 2;

export interface Sprite {
  image: RgbaImage;
  geometry: SpriteGeometry;
}

interface Walker {
  photo: string;
  crop: { x: number; y: number; width: number; height: number };
  /** Face centre and face box height in the photo (RFB-320 box). */
  face: { cx: number; cy: number; height: number };
  /** The oval kept of the crop (head and shoulders), in crop pixels. */
  oval: { cx: number; cy: number; rx: number; ry: number };
}

/** The resident at the gate: KPhotoAlbum's jesper_2.jpg (the enrolment uses the other photos). */
const RESIDENT_WALK: Walker = {
  photo: 'kphotoalbum-jesper_2.jpg',
  crop: { x: 130, y: 0, width: 540, height: 532 },
  face: { cx: 391.5, cy: 250, height: 350 },
  oval: { cx: 265, cy: 300, rx: 255, ry: 305 },
};

/** A stranger: Grace Hopper's U.S. Navy portrait (public domain), from Debian's facedetect examples. */
const STRANGER_WALK: Walker = {
  photo: 'facedetect-grace_hopper_512x512.jpg',
  crop: { x: 0, y: 0, width: 512, height: 512 },
  face: { cx: 265, cy: 215.5, height: 207 },
  oval: { cx: 262, cy: 290, rx: 205, ry: 300 },
};

/** Enrolment photos of the resident: a close-up, and the resident cut out of a photo with a friend. */
export const RESIDENT_ENROLMENT: ReadonlyArray<{ photo: string; to: string; crop?: Walker['crop'] }> = [
  { photo: 'kphotoalbum-jesper.jpg', to: 'enrol-resident-1.jpg' },
  { photo: 'kphotoalbum-bar55_2.jpg', to: 'enrol-resident-2.jpg', crop: { x: 372, y: 40, width: 200, height: 300 } },
];

/**
 * Alpha of an oval vignette: 0 outside the ellipse (centre cx, cy; radii rx, ry), rising to 1
 * over its outer `feather` (a fraction of the radii), and fading out over the bottom
 * `bottomFade` rows. Pure.
 */
export function ovalAlpha(
  width: number,
  height: number,
  e: { cx: number; cy: number; rx: number; ry: number; feather: number; bottomFade: number },
): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const bottom = e.bottomFade > 0 ? Math.min(1, (height - 1 - y) / e.bottomFade) : 1;
    for (let x = 0; x < width; x++) {
      const d = Math.hypot((x - e.cx) / e.rx, (y - e.cy) / e.ry);
      const a = Math.max(0, Math.min(1, (1 - d) / e.feather));
      out[y * width + x] = Math.round(255 * Math.min(a, bottom));
    }
  }
  return out;
}

async function walkerSprite(photosDir: string, w: Walker): Promise<Sprite> {
  const photo = cropRgb(await decodeImage(join(photosDir, w.photo)), w.crop);
  const { width, height } = photo;
  const alpha = ovalAlpha(width, height, { ...w.oval, feather: 0.2, bottomFade: Math.round(height * 0.15) });
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data[i * 4] = photo.data[i * 3]!;
    data[i * 4 + 1] = photo.data[i * 3 + 1]!;
    data[i * 4 + 2] = photo.data[i * 3 + 2]!;
    data[i * 4 + 3] = alpha[i]!;
  }
  return {
    image: { width, height, data },
    geometry: { width, height, anchorX: w.face.cx - w.crop.x, anchorY: w.face.cy - w.crop.y, ref: w.face.height },
  };
}

async function carSprite(plate: string, body: { light: string; dark: string }): Promise<Sprite> {
  const image = await decodeRgba(Buffer.from(carFrontSvg(plate, 'blue', body, 1000)));
  // The anchor is where the tyres meet the road.
  return {
    image,
    geometry: {
      width: image.width,
      height: image.height,
      anchorX: image.width / 2,
      anchorY: (image.height * 272) / CAR_VIEWBOX.height,
      ref: image.width,
    },
  };
}

/** Every sprite the scenes name (gateway/rooms/demo/scene.ts), by name. */
export async function castSprites(photosDir: string): Promise<Record<string, Sprite>> {
  return {
    'resident-walk': await walkerSprite(photosDir, RESIDENT_WALK),
    'stranger-walk': await walkerSprite(photosDir, STRANGER_WALK),
    'resident-car': await carSprite(DEMO_RESIDENT_PLATE, { light: '#f4f5f6', dark: '#b2b8be' }),
    'unknown-car': await carSprite(DEMO_UNKNOWN_PLATE, { light: '#c0392b', dark: '#6e1f17' }),
  };
}

/** Writes the resident's enrolment photos (JPEG) into `outDir`; returns their file names. */
export async function writeEnrolmentPhotos(photosDir: string, outDir: string): Promise<string[]> {
  const names: string[] = [];
  for (const e of RESIDENT_ENROLMENT) {
    const photo = await decodeImage(join(photosDir, e.photo));
    writeFileSync(join(outDir, e.to), await encodeJpeg(e.crop ? cropRgb(photo, e.crop) : photo, 92));
    names.push(e.to);
  }
  return names;
}
