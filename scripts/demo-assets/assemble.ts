/**
 * `npm run demo-assets`: assembles what the demo cameras play and whom the demo enrols, under
 * .cache/demo/ (not committed): photos from Debian packages (scripts/demo-assets/sources.json, sha256-checked), the two
 * scenes rendered frame by frame and encoded with ffmpeg (.cache/demo/scenes/*.h264), the resident's
 * enrolment photos (.cache/demo/photos/enrol-*.jpg) and .cache/demo/manifest.json. Idempotent: when the
 * manifest's recipe matches and every file is intact, nothing is redone. `--force` redoes it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_RESIDENT, DEMO_RESIDENT_PLATE, DEMO_UNKNOWN_PLATE } from '../../gateway/rooms/demo/cast.js';
import { DOOR_SCENE, LANE_SCENE } from '../../gateway/rooms/demo/scene.js';
import { checkDemoAssets, demoDir, MANIFEST_VERSION, sha256File, type DemoManifest } from '../../gateway/rooms/demo/assets.js';
import { decodeRgba } from '../../gateway/lib/imaging/image.js';
import { ensureDebianFiles, type DebianSource } from './debian.js';
import { castSprites, RESIDENT_ENROLMENT, SPRITES_VERSION, writeEnrolmentPhotos } from './sprites.js';
import { doorBackgroundSvg, doorForegroundSvg, laneBackgroundSvg } from './drawings.js';
import { flatten } from './compose.js';
import { renderScene } from './render.js';
import { errMessage } from '../../gateway/core/errors.js';

/** Bump when the drawings or the rendering change in a way the recipe below cannot see. */
const RENDER_VERSION = 1;

function recipeOf(sources: unknown): string {
  const what = {
    RENDER_VERSION,
    sources,
    SPRITES_VERSION,
    DOOR_SCENE,
    LANE_SCENE,
    DEMO_RESIDENT,
    DEMO_RESIDENT_PLATE,
    DEMO_UNKNOWN_PLATE,
    RESIDENT_ENROLMENT,
  };
  return createHash('sha256').update(JSON.stringify(what)).digest('hex').slice(0, 16);
}

export async function assembleDemoAssets(opts: { dir?: string; force?: boolean; log?: (l: string) => void } = {}): Promise<DemoManifest> {
  const dir = opts.dir ?? demoDir();
  const log = opts.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const sourcesFile = fileURLToPath(new URL('./sources.json', import.meta.url));
  const sources = (JSON.parse(readFileSync(sourcesFile, 'utf8')) as { packages: DebianSource[] }).packages;
  const recipe = recipeOf(sources);
  const existing = checkDemoAssets(dir);
  if (!opts.force && existing.ok && existing.assets.manifest.recipe === recipe) {
    log(`demo assets present in ${dir} (recipe ${recipe})`);
    return existing.assets.manifest;
  }
  const photos = join(dir, 'photos');
  const scenes = join(dir, 'scenes');
  mkdirSync(photos, { recursive: true });
  mkdirSync(scenes, { recursive: true });
  log('demo assets: photos from Debian packages');
  for (const src of sources) await ensureDebianFiles(src, join(dir, '.cache'), photos, log);

  const enrol = await writeEnrolmentPhotos(photos, photos);
  const sprites = await castSprites(photos);
  const bg = async (svg: string) => flatten(await decodeRgba(Buffer.from(svg)));
  const t0 = Date.now();
  const door = await renderScene({
    scene: DOOR_SCENE,
    background: await bg(doorBackgroundSvg(DOOR_SCENE.width, DOOR_SCENE.height)),
    foreground: await decodeRgba(Buffer.from(doorForegroundSvg(DOOR_SCENE.width, DOOR_SCENE.height))),
    sprites,
    out: join(scenes, 'door.h264'),
  });
  log(`  scenes/door.h264: ${door.frames} frames, ${(door.bytes / 1024).toFixed(0)} KiB`);
  const lane = await renderScene({
    scene: LANE_SCENE,
    background: await bg(laneBackgroundSvg(LANE_SCENE.width, LANE_SCENE.height)),
    sprites,
    out: join(scenes, 'lane.h264'),
  });
  log(`  scenes/lane.h264: ${lane.frames} frames, ${(lane.bytes / 1024).toFixed(0)} KiB (rendered in ${Date.now() - t0} ms)`);

  const file = (rel: string) => ({ file: rel, sha256: sha256File(join(dir, rel)) });
  const manifest: DemoManifest = {
    generatedBy: 'npm run demo-assets',
    version: MANIFEST_VERSION,
    recipe,
    scenes: {
      door: { ...file('scenes/door.h264'), fps: DOOR_SCENE.fps, durationS: DOOR_SCENE.durationS },
      lane: { ...file('scenes/lane.h264'), fps: LANE_SCENE.fps, durationS: LANE_SCENE.durationS },
    },
    resident: { ...DEMO_RESIDENT, plate: DEMO_RESIDENT_PLATE, photos: enrol.map((f) => file(`photos/${f}`)) },
    unknownPlate: DEMO_UNKNOWN_PLATE,
  };
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  log(`demo assets ready in ${dir}`);
  return manifest;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  assembleDemoAssets({ force: process.argv.includes('--force') }).catch((err: unknown) => {
    process.stderr.write(`demo-assets: ${errMessage(err)}\n`);
    process.exit(1);
  });
}
