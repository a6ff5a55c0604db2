/** ffmpeg on the PATH, answering `ffmpeg -version` (the cameras room runs it for every camera). */
import { execFile } from 'node:child_process';
import { ok, problem, type Finding } from '../finding.js';

const FIX = {
  zh: '安装 ffmpeg：sudo scripts/install-system-deps.sh（或 sudo apt-get install ffmpeg）',
  en: 'install ffmpeg: sudo scripts/install-system-deps.sh (or sudo apt-get install ffmpeg)',
};

export function checkFfmpeg(bin = 'ffmpeg'): Promise<Finding[]> {
  return new Promise((done) => {
    execFile(bin, ['-hide_banner', '-version'], { timeout: 15_000 }, (err, stdout) => {
      if (err) {
        const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? { zh: '未找到 ffmpeg', en: 'ffmpeg not found on the PATH' } : null;
        done([problem('ffmpeg', 'fail', why ?? { zh: `ffmpeg 无法运行：${err.message}`, en: `ffmpeg does not run: ${err.message}` }, FIX)]);
        return;
      }
      const version = /ffmpeg version (\S+)/.exec(stdout)?.[1] ?? '?';
      done([ok('ffmpeg', `ffmpeg ${version}`, `ffmpeg ${version}`)]);
    });
  });
}
