import { describe, expect, it } from 'vitest';
import { errCode, errInfo, errMessage } from './errors.js';

describe('error helpers', () => {
  it('read every thrown value the same: Errors, Node system errors, protocol codes, strings', () => {
    const enoent = Object.assign(new Error('no such file'), { code: 'ENOENT' });
    const mqtt = Object.assign(new Error('Connection refused: Not authorized'), { code: 135 });
    expect([errMessage(enoent), errCode(enoent)]).toEqual(['no such file', 'ENOENT']);
    expect(errCode(mqtt)).toBe('135');
    expect([errMessage('plain string'), errCode('plain string')]).toEqual(['plain string', undefined]);
    expect(errCode(null)).toBeUndefined();
    expect(errInfo(enoent)).toEqual({ message: 'no such file', code: 'ENOENT' });
    expect(errInfo(new Error('x'))).toEqual({ message: 'x' });
  });
});
