/**
 * The language of human-readable output (CLI, demo narration, the console's default): Chinese,
 * the language of the people on site, unless the locale asks for English (LC_ALL, else
 * LC_MESSAGES, else LANG starting with "en"). One rule for every command, so `sharpeyes start`
 * and `sharpeyes doctor` on the same box speak the same language. JSON output (--json) is the
 * same in every language.
 */
export type Lang = 'zh' | 'en';

export function outputLang(env: NodeJS.ProcessEnv = process.env): Lang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^en/i.test(locale) ? 'en' : 'zh';
}

/** One text in both languages, picked by `lang`. */
export type Text = Record<Lang, string>;
