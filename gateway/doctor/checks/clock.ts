/**
 * The clock: events, certificates, visitor passes and the replay guard all trust it. A box
 * without a battery-backed clock boots in 1970 or at its image's build date, so the time must
 * not be earlier than this software's installation (package.json's mtime), and should be kept by
 * NTP (timedatectl, where systemd runs).
 */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ok, problem, type Finding } from '../finding.js';

const PACKAGE_JSON = resolve(dirname(fileURLToPath(import.meta.url)), '../../../package.json');

const FIX_NTP = {
  zh: '启用网络校时：sudo timedatectl set-ntp true（并确认能访问 NTP 服务器，或在 /etc/systemd/timesyncd.conf 指定小区内网的 NTP）',
  en: 'turn on time sync: sudo timedatectl set-ntp true (and make sure an NTP server is reachable, or name the site one in /etc/systemd/timesyncd.conf)',
};

function ntpSynchronized(): Promise<boolean | undefined> {
  return new Promise((done) =>
    execFile('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], { timeout: 5000 }, (err, stdout) =>
      done(err ? undefined : stdout.trim() === 'yes'),
    ),
  );
}

export async function checkClock(now = new Date(), installed = statSync(PACKAGE_JSON).mtime): Promise<Finding[]> {
  if (now.getTime() < installed.getTime() - 86_400_000)
    return [
      problem(
        'clock',
        'fail',
        {
          zh: `系统时间 ${now.toISOString()} 早于本软件的安装时间 ${installed.toISOString()}：时钟错误`,
          en: `the clock says ${now.toISOString()}, before this software was installed (${installed.toISOString()}): it is wrong`,
        },
        FIX_NTP,
      ),
    ];
  const synced = await ntpSynchronized();
  if (synced === false)
    return [
      problem(
        'clock',
        'warn',
        { zh: `系统时间 ${now.toISOString()}，但未经 NTP 同步`, en: `clock ${now.toISOString()}, not synchronised by NTP` },
        FIX_NTP,
      ),
    ];
  return [
    ok(
      'clock',
      `系统时间 ${now.toISOString()}${synced ? '，NTP 已同步' : ''}`,
      `clock ${now.toISOString()}${synced ? ', synchronised by NTP' : ''}`,
    ),
  ];
}
