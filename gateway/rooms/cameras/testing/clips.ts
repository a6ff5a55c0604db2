import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Pre-encoded test clips (generated once with ffmpeg into the temp folder, reused across runs):
 * serving a file costs the RTSP server almost nothing, unlike a live x264 pattern.
 */
const DIR = join(tmpdir(), 'sharpeyes-test-clips');

function make(name: string, args: string[]): string {
  mkdirSync(DIR, { recursive: true });
  const out = join(DIR, name);
  if (existsSync(out)) return out;
  const tmp = `${out}.${process.pid}.tmp${name.slice(name.lastIndexOf('.'))}`;
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, tmp], { stdio: 'inherit' });
  renameSync(tmp, out);
  return out;
}

/** Moving test pattern, H.264, 1 keyframe per second. */
export function h264Clip(width = 320, height = 180, fps = 10, seconds = 180): string {
  return make(`testsrc2-${width}x${height}-${fps}fps-${seconds}s.mp4`, [
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${width}x${height}:rate=${fps}`,
    '-t',
    String(seconds),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    String(fps),
    '-pix_fmt',
    'yuv420p',
  ]);
}

/** The same as Motion JPEG in Matroska: a codec the gateway refuses. */
export function mjpegClip(): string {
  return make('testsrc2-320x180-5fps-mjpeg.mkv', [
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x180:rate=5',
    '-t',
    '60',
    '-c:v',
    'mjpeg',
    '-q:v',
    '8',
  ]);
}

/** GStreamer launch line serving an MJPEG file over RTSP. */
export function mjpegLaunch(path: string): string {
  return `( filesrc location="${path}" ! matroskademux ! jpegparse ! rtpjpegpay name=pay0 pt=26 )`;
}
