/**
 * The config, checked by the daemon's own check (gateway/check-config.ts): each error a failure,
 * each warning and each migration note a warning. The other checks then look at the config the
 * daemon would run (demo settings included), or at the loaded one when the check failed.
 */
import { ConfigError } from '../../config/errors.js';
import type { LoadedConfig } from '../../config/load.js';
import { checkConfig } from '../../check-config.js';
import { ok, problem, type Finding } from '../finding.js';

const FIX_ERROR = {
  zh: '按提示修改配置文件后运行 sharpeyes config check',
  en: 'fix the config file as it says, then run sharpeyes config check',
};
const FIX_NOTE = {
  zh: 'sharpeyes config migrate --write 把配置文件升级为当前格式',
  en: 'sharpeyes config migrate --write upgrades the file to the current format',
};

export function checkConfigFindings(loaded: LoadedConfig): { findings: Finding[]; config: LoadedConfig } {
  const findings: Finding[] = loaded.migrationNotes.map((n) =>
    problem('config', 'warn', { zh: `配置：${n}`, en: `config: ${n}` }, FIX_NOTE),
  );
  try {
    const checked = checkConfig(loaded);
    for (const w of checked.warnings)
      findings.push(
        problem('config', 'warn', { zh: `配置：${w}`, en: `config: ${w}` }, { zh: '确认这是有意的设置', en: 'make sure this is meant' }),
      );
    findings.push(ok('config', `配置 ${loaded.source} 检查通过`, `config ${loaded.source} passes the daemon's checks`));
    return { findings, config: checked };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) findings.push(problem('config', 'fail', { zh: `配置：${p}`, en: `config: ${p}` }, FIX_ERROR));
    return { findings, config: loaded };
  }
}
