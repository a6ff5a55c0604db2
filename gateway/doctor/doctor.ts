/**
 * `sharpeyes doctor`: every check of what the gateway needs on this box (doctor/checks/), run
 * side by side, and the findings as people on site read them: one line per finding in their
 * language, with how to fix each problem. Exit 1 when any check failed.
 */
import type { LoadedConfig } from '../config/load.js';
import type { Lang } from '../core/locale.js';
import { MODELS_DIR } from '../lib/inference/models.js';
import type { Finding } from './finding.js';
import { checkBroker } from './checks/broker.js';
import { checkClock } from './checks/clock.js';
import { checkConfigFindings } from './checks/config.js';
import { checkDevices } from './checks/devices.js';
import { checkDisk } from './checks/disk.js';
import { checkFfmpeg } from './checks/ffmpeg.js';
import { checkModels } from './checks/models.js';
import { errMessage } from '../core/errors.js';

export interface DoctorOptions {
  modelsDir?: string;
}

export async function runDoctor(given: LoadedConfig, opts: DoctorOptions = {}): Promise<Finding[]> {
  const { findings: configFindings, config: loaded } = checkConfigFindings(given);
  const safely = async (check: string, f: () => Finding[] | Promise<Finding[]>): Promise<Finding[]> => {
    try {
      return await f();
    } catch (err) {
      const m = errMessage(err);
      return [
        {
          check,
          status: 'fail',
          text: { zh: `检查 ${check} 时出错：${m}`, en: `checking ${check} failed: ${m}` },
          fix: { zh: '按错误信息处理后重试', en: 'act on the error above and run doctor again' },
        },
      ];
    }
  };
  const groups = await Promise.all([
    safely('ffmpeg', () => checkFfmpeg()),
    safely('models', () => checkModels(opts.modelsDir ?? MODELS_DIR, loaded.config)),
    safely('devices', () => checkDevices(loaded)),
    safely('broker', () => checkBroker(loaded)),
    safely('disk', () => checkDisk(loaded)),
    safely('clock', () => checkClock()),
  ]);
  return [...configFindings, ...groups.flat()];
}

const MARK = { ok: '✔', warn: '!', fail: '✘' } as const;

export function doctorText(findings: readonly Finding[], lang: Lang): string {
  const lines: string[] = [];
  for (const f of findings) {
    lines.push(`${MARK[f.status]} [${f.check}] ${f.text[lang]}`);
    if (f.fix && f.status !== 'ok') lines.push(`    ${lang === 'zh' ? '修复' : 'fix'}: ${f.fix[lang]}`);
  }
  const fails = findings.filter((f) => f.status === 'fail').length;
  const warns = findings.filter((f) => f.status === 'warn').length;
  if (lang === 'zh') lines.push(fails ? `发现 ${fails} 个问题，${warns} 个警告` : warns ? `没有问题，${warns} 个警告` : '一切正常');
  else lines.push(fails ? `${fails} problem(s), ${warns} warning(s)` : warns ? `no problems, ${warns} warning(s)` : 'all good');
  return `${lines.join('\n')}\n`;
}
