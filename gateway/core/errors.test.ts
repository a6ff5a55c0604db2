import { describe, expect, it } from 'vitest';
import { errCode, errMessage, errText } from './errors.js';
import { createLogger } from './logger.js';

describe('error helpers', () => {
  it('read every thrown value the same: Errors, Node system errors, protocol codes, strings', () => {
    const enoent = Object.assign(new Error('no such file'), { code: 'ENOENT' });
    const mqtt = Object.assign(new Error('Connection refused: Not authorized'), { code: 135 });
    expect([errMessage(enoent), errCode(enoent)]).toEqual(['no such file', 'ENOENT']);
    expect(errCode(mqtt)).toBe('135');
    expect([errMessage('plain string'), errCode('plain string')]).toEqual(['plain string', undefined]);
    expect(errCode(null)).toBeUndefined();
    expect(errText(enoent)).toBe('no such file (ENOENT)');
    expect(errText(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1883'), { code: 'ECONNREFUSED' }))).toBe(
      'connect ECONNREFUSED 127.0.0.1:1883',
    );
    expect(errText(mqtt)).toBe('Connection refused: Not authorized (135)');
    expect(errText(new Error('x'))).toBe('x');
  });

  it('every logged err is text with its code, whatever the call site passed', () => {
    const lines: Record<string, unknown>[] = [];
    const log = createLogger({
      level: 'info',
      destination: { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) },
    });
    log.warn({ err: Object.assign(new Error('no such file'), { code: 'ENOENT' }) }, 'a');
    log.warn({ err: 'a string' }, 'b');
    log.warn({ err: { message: 'an object', code: 'E1' } }, 'c');
    log.warn({ err: 42 }, 'd');
    expect(lines.map((l) => l.err)).toEqual(['no such file (ENOENT)', 'a string', 'an object (E1)', '42']);
  });
});
