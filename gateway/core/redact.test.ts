import { describe, expect, it } from 'vitest';
import { redactText, redactValue, registerSecret, registerUrlSecrets } from './redact.js';

describe('redact', () => {
  it('masks the password of every URL in a text, keeping user and host', () => {
    expect(redactText("ffmpeg: 'rtsp://admin:p%40ss@10.0.0.5:554/s1' and mqtt://gw:pw@broker:1883 failed")).toBe(
      "ffmpeg: 'rtsp://admin:***@10.0.0.5:554/s1' and mqtt://gw:***@broker:1883 failed",
    );
    expect(redactText('rtsp://10.0.0.5/s1 user@host')).toBe('rtsp://10.0.0.5/s1 user@host');
  });

  it('masks a registered secret wherever it appears, as is, percent-encoded or JSON-escaped', () => {
    registerSecret('pa"ss w/rd');
    expect(redactText('password pa"ss w/rd, pa%22ss%20w%2Frd, {"p":"pa\\"ss w/rd"}')).toBe('password ***, ***, {"p":"***"}');
    registerSecret('admin'); // too short to match on its own: it would mask user names
    expect(redactText('by admin, rtsp://admin:admin@cam/s')).toBe('by admin, rtsp://admin:***@cam/s');
  });

  it('redacts strings deep in a value; byKey masks secret-looking keys (config)', () => {
    const v = { cam: { rtsp: 'rtsp://u:x1y2@h/s', passwordFile: '/etc/pw', n: 3 }, list: ['mqtt://a:b@c'] };
    expect(redactValue(v)).toEqual({ cam: { rtsp: 'rtsp://u:***@h/s', passwordFile: '/etc/pw', n: 3 }, list: ['mqtt://a:***@c'] });
    expect(redactValue(v, { byKey: true }).cam.passwordFile).toBe('***');
    registerSecret('QUJDRA==xyz');
    expect(redactValue({ base64: 'zzQUJDRA==xyzzz', note: 'QUJDRA==xyz' })).toEqual({ base64: 'zzQUJDRA==xyzzz', note: '***' });
  });

  it('is the console\'s redactor too: credentials in URLs anywhere, secret-looking keys, never words that only contain "pass"', () => {
    const out = redactValue(
      {
        cloud: { url: 'mqtts://box:hunter2@mqtt.example:8883', passwordFile: '/etc/se/pw' },
        message: 'ffmpeg: rtsp://admin:Cam3ra!@10.0.0.5/stream1 timed out; rtsp://u:p@h/2 too',
        list: [{ token: 'abc', apiKey: 'k', private_key: 'pk' }],
        passage: 'north gate',
        bypass: 'none',
      },
      { byKey: true },
    );
    const text = JSON.stringify(out);
    for (const secret of ['hunter2', 'Cam3ra!', ':p@', '"abc"', '"k"', '"pk"', '/etc/se/pw']) expect(text).not.toContain(secret);
    expect(out).toMatchObject({ cloud: { url: 'mqtts://box:***@mqtt.example:8883' }, passage: 'north gate', bypass: 'none' });
  });

  it('registers the passwords of the URLs in a config, so they are masked without their URL too', () => {
    registerUrlSecrets({ cameras: { list: [{ url: 'rtsp://admin:Gr33n%21Gate9@10.0.0.9/s' }] } });
    expect(redactText('DESCRIBE failed for Gr33n!Gate9 and Gr33n%21Gate9')).toBe('DESCRIBE failed for *** and ***');
  });
});
