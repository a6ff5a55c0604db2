import { describe, expect, it } from 'vitest';
import { outputLang } from './locale.js';

describe('the language of human-readable output', () => {
  it('is Chinese unless the locale asks for English (LC_ALL first, then LC_MESSAGES, then LANG)', () => {
    expect(outputLang({ LANG: 'zh_CN.UTF-8' })).toBe('zh');
    expect(outputLang({ LANG: 'en_US.UTF-8' })).toBe('en');
    expect(outputLang({})).toBe('zh');
    expect(outputLang({ LANG: 'C.UTF-8' })).toBe('zh');
    expect(outputLang({ LANG: 'zh_CN.UTF-8', LC_ALL: 'en_GB.UTF-8' })).toBe('en');
    expect(outputLang({ LANG: 'en_US.UTF-8', LC_MESSAGES: 'zh_TW.UTF-8' })).toBe('zh');
  });
});
