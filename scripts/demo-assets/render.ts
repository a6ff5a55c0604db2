/**
 * Renders a demo scene frame by frame (gateway/rooms/demo/scene.ts) and encodes it with ffmpeg into a
 * raw H.264 stream made to be looped by the RTSP test server: no B-frames, an IDR frame every
 * second (a viewer joining mid-loop waits at most 1 s), and an access unit delimiter before each
 * frame (the server cuts the stream into frames at those).
 */
import { spawn } from 'node:child_process';
import { renameSync, rmSync, statSync } from 'node:fs';
import { frameCount, placements, type SceneSpec } from '../../gateway/rooms/demo/scene.js';
import { resizeRgba, type RgbaImage, type RgbImage } from '../../gateway/lib/imaging/image.js';
import { blendInto } from './compose.js';
import type { Sprite } from './sprites.js';

export interface RenderInput {
  scene: SceneSpec;
  background: RgbImage;
  /** Drawn over the actors (the turnstile cabinets in front of the walkers). */
  foreground?: RgbaImage;
  sprites: Readonly<Record<string, Sprite>>;
  out: string;
}

/** ffmpeg's arguments; the input is raw RGB frames on stdin unless `input` says otherwise. */
export function x264Args(scene: SceneSpec, out: string, input?: string[]): string[] {
  const gop = String(scene.fps);
  return [
    ['-loglevel', 'error', '-y'],
    input ?? ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${scene.width}x${scene.height}`, '-r', String(scene.fps), '-i', '-'],
    ['-c:v', 'libx264', '-preset', 'slow', '-crf', '20', '-pix_fmt', 'yuv420p', '-bf', '0', '-g', gop],
    ['-x264-params', `keyint=${gop}:min-keyint=${gop}:scenecut=0:aud=1`],
    ['-f', 'h264', out],
  ].flat();
}

export async function renderScene(input: RenderInput): Promise<{ frames: number; bytes: number }> {
  const { scene } = input;
  const tmp = `${input.out}.part`;
  const ffmpeg = spawn('ffmpeg', x264Args(scene, tmp), { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  ffmpeg.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const exited = new Promise<number | null>((resolve, reject) => {
    ffmpeg.on('error', reject);
    ffmpeg.on('close', resolve);
  });
  const sizes = new Map<string, RgbaImage>();
  const n = frameCount(scene);
  try {
    for (let i = 0; i < n; i++) {
      const frame: RgbImage = { ...input.background, data: Uint8Array.from(input.background.data) };
      for (const p of placements(scene, Object.fromEntries(Object.entries(input.sprites).map(([k, s]) => [k, s.geometry])), i)) {
        const key = `${p.sprite}:${p.width}x${p.height}`;
        let img = sizes.get(key);
        if (!img) {
          img = await resizeRgba(input.sprites[p.sprite]!.image, p.width, p.height);
          if (sizes.size > 64) sizes.clear();
          sizes.set(key, img);
        }
        blendInto(frame, img, p.left, p.top, p.alpha);
      }
      if (input.foreground) blendInto(frame, input.foreground, 0, 0);
      if (!ffmpeg.stdin.write(frame.data)) await new Promise((r) => ffmpeg.stdin.once('drain', r));
    }
    ffmpeg.stdin.end();
    const code = await exited;
    if (code !== 0) throw new Error(`ffmpeg failed to encode the ${scene.name} scene (exit ${code}): ${stderr.trim()}`);
    renameSync(tmp, input.out);
  } catch (err) {
    ffmpeg.kill('SIGKILL');
    rmSync(tmp, { force: true });
    throw err;
  }
  return { frames: n, bytes: statSync(input.out).size };
}
