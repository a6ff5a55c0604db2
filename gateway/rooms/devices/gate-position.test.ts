import { describe, expect, it } from 'vitest';
import { resolveProfile } from '../../lib/device-profiles/profiles.js';
import { positionReported, shownPosition } from './gate-position.js';

describe('whether a profile reads its gate position', () => {
  it('framed controllers that report it in a status reply do; a GPIO relay the gateway only switches does not', () => {
    expect(positionReported(resolveProfile('barrier-bg300-framed', { baseDir: '.' }))).toBe(true);
    expect(positionReported(resolveProfile('turnstile-ts100-framed', { baseDir: '.' }))).toBe(true);
    expect(positionReported(resolveProfile('gpio-button-relay', { baseDir: '.' }))).toBe(false);
    expect(positionReported(resolveProfile('alarm-post-sos200', { baseDir: '.' }))).toBe(false); // no gate at all
  });

  it('shows a turnstile open for one passage as open, and a position the device cannot tell as not reported', () => {
    const turnstile = resolveProfile('turnstile-ts100-framed', { baseDir: '.' });
    expect(['open-entry', 'open-exit', 'open', 'closed', 'unknown'].map((s) => shownPosition(turnstile, s))).toEqual([
      'open',
      'open',
      'open',
      'closed',
      'unknown',
    ]);
    expect(shownPosition(resolveProfile('gpio-button-relay', { baseDir: '.' }), 'open')).toBe('not_reported');
    expect(shownPosition(resolveProfile('alarm-post-sos200', { baseDir: '.' }), undefined)).toBeUndefined();
  });
});
