/**
 * Free space where the store (gateway.db, WAL) and the snapshots are written: below 200 MB the
 * next writes fail (SQLite and JPEGs both need room); below what the configured budgets may
 * still grow to (snapshots maxMb and the outbox quota), it works for now but will not last.
 */
import { existsSync, statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { resolveConfigPath, type LoadedConfig } from '../../config/load.js';
import { ok, problem, type Finding } from '../finding.js';

const MB = 1024 * 1024;
const MIN_FREE_MB = 200;

/** The folder itself, or its nearest existing parent (a data folder not created yet). */
function existing(path: string): string {
  let p = path;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  return p;
}

export function checkDisk(loaded: LoadedConfig, minFreeMb = MIN_FREE_MB): Finding[] {
  const { config } = loaded;
  const dataDir = resolveConfigPath(loaded, config.node.dataDir);
  const places = [
    { what: { zh: '数据库', en: 'store' }, path: dataDir, budgetMb: config.outbox.quotaMb },
    {
      what: { zh: '抓拍图片', en: 'snapshots' },
      path: resolve(dataDir, config.cameras.snapshots.dir),
      budgetMb: config.cameras.snapshots.maxMb,
    },
  ];
  return places.map(({ what, path, budgetMb }) => {
    const fs = statfsSync(existing(path));
    const freeMb = Math.floor((fs.bavail * fs.bsize) / MB);
    const fix = {
      zh: `清理 ${existing(path)} 所在磁盘，或调小 cameras.snapshots.maxMb / outbox.quotaMb / store.retention`,
      en: `free space on the disk of ${existing(path)}, or lower cameras.snapshots.maxMb / outbox.quotaMb / store.retention`,
    };
    if (freeMb < minFreeMb)
      return problem(
        'disk',
        'fail',
        {
          zh: `${what.zh}（${path}）所在磁盘仅剩 ${freeMb} MB，低于 ${minFreeMb} MB`,
          en: `${what.en} (${path}): only ${freeMb} MB free, less than ${minFreeMb} MB`,
        },
        fix,
      );
    if (freeMb < budgetMb)
      return problem(
        'disk',
        'warn',
        {
          zh: `${what.zh}（${path}）所在磁盘剩 ${freeMb} MB，少于配置允许的 ${budgetMb} MB`,
          en: `${what.en} (${path}): ${freeMb} MB free, less than the ${budgetMb} MB it is configured to use`,
        },
        fix,
      );
    return ok('disk', `${what.zh}（${path}）所在磁盘剩 ${freeMb} MB`, `${what.en} (${path}): ${freeMb} MB free`);
  });
}
