import { describe, expect, it } from 'vitest';
import { analysisArgs, argvOf, redactUrl, videoCodecOf, withCredentials } from './args.js';
import { classifyFailure } from './errors.js';

describe('ffmpeg arguments (config in, argv out)', () => {
  it('builds the analysis command: RTSP over TCP, socket timeout, 1 decoder thread, fps then scale, rgb24 raw on stdout', () => {
    const argv = argvOf(analysisArgs({ url: 'rtsp://cam/stream1', width: 640, height: 360, fps: 5, threads: 1, ioTimeoutS: 5 }));
    expect(argv).toEqual([
      '-hide_banner',
      '-loglevel',
      'info',
      '-nostats',
      '-nostdin',
      '-rtsp_transport',
      'tcp',
      '-timeout',
      '5000000',
      '-threads',
      '1',
      '-i',
      'rtsp://cam/stream1',
      '-map',
      '0:v:0',
      '-an',
      '-sn',
      '-dn',
      '-vf',
      'fps=5,scale=640:360:flags=fast_bilinear',
      '-pix_fmt',
      'rgb24',
      '-threads',
      '1',
      '-f',
      'rawvideo',
      'pipe:1',
    ]);
  });

  it('adds -skip_frame nokey for keyframe-only decoding and leaves RTSP options out for files', () => {
    const argv = argvOf(
      analysisArgs({ url: '/tmp/clip.mp4', width: 320, height: 180, fps: 2.5, threads: 2, ioTimeoutS: 5, keyframesOnly: true }),
    );
    expect(argv).not.toContain('-rtsp_transport');
    expect(argv.slice(argv.indexOf('-skip_frame'), argv.indexOf('-skip_frame') + 2)).toEqual(['-skip_frame', 'nokey']);
    expect(argv).toContain('fps=2.5,scale=320:180:flags=fast_bilinear');
    expect(argv[argv.indexOf('-i') - 1]).toBe('nokey');
  });

  it('puts credentials into URLs, percent-encoded, and redacts them for logs', () => {
    expect(withCredentials('rtsp://10.0.0.5:554/s1', 'admin', 'p@ss:w/rd')).toBe('rtsp://admin:p%40ss%3Aw%2Frd@10.0.0.5:554/s1');
    expect(withCredentials('rtsp://u:p@10.0.0.5/s1', 'admin', 'x')).toBe('rtsp://u:p@10.0.0.5/s1');
    expect(withCredentials('rtsp://10.0.0.5/s1', undefined, 'x')).toBe('rtsp://10.0.0.5/s1');
    expect(redactUrl('rtsp://admin:secret@10.0.0.5/s1')).toBe('rtsp://admin:***@10.0.0.5/s1');
  });

  it('reads the input codec from ffmpeg stream lines', () => {
    expect(videoCodecOf('  Stream #0:0: Video: h264 (High), yuv420p(progressive), 1280x720')).toBe('h264');
    expect(videoCodecOf('  Stream #0:0: Video: mjpeg (Baseline), yuvj420p(pc)')).toBe('mjpeg');
    expect(videoCodecOf('  Stream #0:1: Audio: aac')).toBeUndefined();
  });
});

describe('ffmpeg failure classification', () => {
  const cases: [string[], string][] = [
    [
      ['[rtsp @ 0x1] method DESCRIBE failed: 401 Unauthorized', 'rtsp://x: Server returned 401 Unauthorized (authorization failed)'],
      'unauthorized',
    ],
    [['rtsp://127.0.0.1:1/x: Connection refused'], 'refused'],
    [['[rtsp @ 0x1] method DESCRIBE failed: 404 Not Found'], 'not_found'],
    [['rtsp://10.9.9.9/x: Connection timed out'], 'timeout'],
    [['rtsp://127.0.0.1:5/x: Invalid data found when processing input'], 'invalid_data'],
    [['http://x: Protocol not found'], 'not_rtsp'],
    [['Output file #0 does not contain any stream'], 'unsupported_codec'],
  ];
  it.each(cases)('%j → %s', (lines, reason) => {
    expect(classifyFailure(lines).reason).toBe(reason);
  });
  it('an exit with code 0 and no error is a stream that ended', () => {
    expect(classifyFailure([], { code: 0 })).toEqual({ reason: 'exited', message: 'the stream ended (camera gone or restarted)' });
    expect(classifyFailure(['something odd'], { code: 1 }).message).toContain('something odd');
  });
});
