import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkDemoAssets, demoDir } from '../rooms/demo/assets.js';
import { assembleDemoAssets } from '../../scripts/demo-assets/assemble.js';
import { errMessage } from '../core/errors.js';

/**
 * Small face and plate fixtures for the end-to-end tests, from the demo's assets (photos from
 * Debian packages, scenes drawn at set-up: `npm run demo-assets`, assembled here when missing),
 * so a clone without ../shared runs these tests too.
 */
export interface DemoFixture {
  /** A photo of the demo resident to enrol. */
  enrol: string;
  /** Another photo of the same person (the one that walks up in the demo): recognised once enrolled. */
  resident: string;
  /** Someone else (the demo's stranger). */
  stranger: string;
  /** The demo lane scene (H.264, 640x360, 10 fps, 16 s loop). */
  lane: string;
}

/** The fixture, or why it cannot be had on this machine. */
export async function demoFixture(): Promise<DemoFixture | string> {
  if (!checkDemoAssets().ok)
    try {
      await assembleDemoAssets({ log: () => undefined });
    } catch (err) {
      return `the demo assets cannot be assembled here (\`npm run demo-assets\`): ${errMessage(err)}`;
    }
  const dir = demoDir();
  const f = {
    enrol: join(dir, 'photos/enrol-resident-1.jpg'),
    resident: join(dir, 'photos/kphotoalbum-jesper_2.jpg'),
    stranger: join(dir, 'photos/facedetect-grace_hopper_512x512.jpg'),
    lane: join(dir, 'scenes/lane.h264'),
  };
  const missing = Object.values(f).filter((p) => !existsSync(p));
  return missing.length ? `demo assets incomplete: ${missing.join(', ')}` : f;
}

/** One frame of the demo lane with the resident's car standing at the barrier, as a JPEG. */
export function laneStill(f: DemoFixture, out: string): string {
  // The car stops at the barrier 3.2 s into the loop and stands until 5.5 s (gateway/rooms/demo/scene.ts).
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-r', '10', '-i', f.lane, '-ss', '4.5', '-frames:v', '1', '-q:v', '2', out]);
  return out;
}
