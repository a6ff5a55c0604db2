import { describe, expect, it } from 'vitest';
import { formatOnvifAddress, parseOnvifAddress } from './address.js';
import { pickProfiles, profileFromRaw, type OnvifProfile } from './profiles.js';
import { clockSkewS, signalFromMessage, SignalDebouncer } from './events.js';

describe('ONVIF addresses', () => {
  it('accepts host, host:port and URLs', () => {
    expect(parseOnvifAddress('192.168.1.64')).toEqual({ hostname: '192.168.1.64', port: 80, path: '/onvif/device_service' });
    expect(parseOnvifAddress('cam.local:8080')).toEqual({ hostname: 'cam.local', port: 8080, path: '/onvif/device_service' });
    expect(parseOnvifAddress('http://10.0.0.2:8000/onvif/device')).toEqual({ hostname: '10.0.0.2', port: 8000, path: '/onvif/device' });
    expect(formatOnvifAddress({ hostname: '10.0.0.2', port: 80, path: '/onvif/device_service' })).toBe(
      'http://10.0.0.2/onvif/device_service',
    );
    expect(() => parseOnvifAddress('https://10.0.0.2')).toThrow(/only http/);
    expect(() => parseOnvifAddress('http://')).toThrow(/not an ONVIF address/);
  });
});

describe('ONVIF profiles', () => {
  const p = (token: string, encoding: string, width: number, height: number): OnvifProfile => ({
    token,
    name: token,
    encoding,
    width,
    height,
    fps: 25,
  });
  it('picks the smallest H.264/H.265 profile at least as wide as the analysis frames, and the largest as main', () => {
    const r = pickProfiles(
      [p('main', 'H264', 1920, 1080), p('sub', 'H264', 640, 360), p('third', 'H264', 352, 288), p('mj', 'JPEG', 3840, 2160)],
      640,
    );
    expect(r?.analysis.token).toBe('sub');
    expect(r?.main.token).toBe('main');
    expect(pickProfiles([p('only', 'H265', 320, 240)], 640)).toMatchObject({ analysis: { token: 'only' }, main: { token: 'only' } });
    expect(pickProfiles([p('mj', 'JPEG', 640, 480)], 640)).toBeUndefined();
  });
  it('reads profiles from the onvif package output defensively', () => {
    expect(
      profileFromRaw({
        $: { token: 't1' },
        name: 'Main',
        videoEncoderConfiguration: { encoding: 'H264', resolution: { width: 1280, height: '720' }, rateControl: { frameRateLimit: 25 } },
      }),
    ).toEqual({
      token: 't1',
      name: 'Main',
      encoding: 'H264',
      width: 1280,
      height: 720,
      fps: 25,
    });
    expect(profileFromRaw({ name: 'no token' })).toBeUndefined();
    expect(profileFromRaw('junk')).toBeUndefined();
  });
});

describe('ONVIF events', () => {
  const msg = (topic: string, name: string, value: string) => ({
    topic: { _: topic },
    message: { message: { data: { simpleItem: { $: { Name: name, Value: value } } } } },
  });
  it('recognises motion and tamper topics', () => {
    expect(signalFromMessage(msg('tns1:RuleEngine/CellMotionDetector/Motion', 'IsMotion', 'true'))).toEqual({
      kind: 'motion',
      state: true,
      topic: 'tns1:RuleEngine/CellMotionDetector/Motion',
    });
    expect(signalFromMessage(msg('tns1:VideoSource/MotionAlarm', 'State', 'false'))?.state).toBe(false);
    expect(signalFromMessage(msg('tns1:VideoSource/GlobalSceneChange/ImagingService', 'State', 'true'))?.kind).toBe('tamper');
    expect(signalFromMessage(msg('tns1:Device/Trigger/DigitalInput', 'LogicalState', 'true'))).toBeUndefined();
    expect(signalFromMessage(null)).toBeUndefined();
  });
  it('debounces: repeated starts count once; a missing "stopped" ends after the hold time', () => {
    const d = new SignalDebouncer(10_000);
    expect(d.input(true, 0)).toBe('start');
    expect(d.input(true, 5000)).toBeNull();
    expect(d.tick(14_000)).toBeNull();
    expect(d.tick(15_000)).toBe('stop');
    expect(d.input(false, 16_000)).toBeNull();
    expect(d.input(true, 17_000)).toBe('start');
    expect(d.input(false, 18_000)).toBe('stop');
  });
  it('computes clock skew', () => {
    expect(clockSkewS(new Date(100_000), 40_000)).toBe(60);
  });
});
