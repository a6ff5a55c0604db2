import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { FFMPEG_RTSP_TCP, mpeg1FfmpegOptions } from './mpeg1-muxer.js';

describe('mpeg1FfmpegOptions', () => {
  it('gives node-rtsp-stream an explicit size, rate and bit rate, video only, no B-frames, in order', () => {
    const o = mpeg1FfmpegOptions({ width: 640, height: 360, fps: 25, kbps: 800 });
    // Mpeg1Muxer pushes each key, then its value unless empty.
    const flags = Object.entries(o).flatMap(([k, v]) => (v === '' ? [k] : [k, v]));
    expect(flags).toEqual(['-map', '0:v:0', '-an', '-sn', '-dn', '-s', '640x360', '-r', '25', '-b:v', '800k', '-bf', '0', '-threads', '1']);
  });
});

describe('gateway/cameras/live-view/ffmpeg-rtsp-tcp.sh', () => {
  it('puts the RTSP input options before -i for rtsp:// URLs only', () => {
    // `sh -x` traces the exec line without running ffmpeg against a camera: PATH holds no ffmpeg.
    const trace = (url: string) => {
      try {
        execFileSync('/bin/sh', ['-x', FFMPEG_RTSP_TCP, '-i', url, '-f', 'mpegts', '-'], { env: { PATH: '/nonexistent' }, stdio: 'pipe' });
      } catch (err) {
        return String((err as { stderr: Buffer }).stderr);
      }
      return '';
    };
    expect(trace('rtsp://cam/main')).toMatch(
      /exec ffmpeg .*-loglevel error -rtsp_transport tcp -timeout 5000000 -i rtsp:\/\/cam\/main -f mpegts -/,
    );
    const file = trace('/tmp/clip.mp4');
    expect(file).toMatch(/exec ffmpeg .*-loglevel error -i \/tmp\/clip.mp4/);
    expect(file).not.toMatch(/rtsp_transport/);
  });
});
