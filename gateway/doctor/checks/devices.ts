/**
 * The hardware the configured devices need: each serial port and GPIO chip present, and
 * readable and writable by the user running the gateway (the usual failure on a fresh box: the
 * user is not in the dialout or gpio group). Simulated serial devices need socat instead.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import type { LoadedConfig } from '../../config/load.js';
import { resolveProfile } from '../../lib/device-profiles/profiles.js';
import type { Text } from '../../core/locale.js';
import { ok, problem, type Finding } from '../finding.js';

function access(path: string): 'ok' | 'missing' | 'denied' {
  if (!existsSync(path)) return 'missing';
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    return 'ok';
  } catch {
    return 'denied';
  }
}

function onPath(bin: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface FileKind {
  name: Text;
  missingFix: Text;
  deniedFix: Text;
}

const GPIO: FileKind = {
  name: { zh: 'GPIO 芯片', en: 'GPIO chip' },
  missingFix: {
    zh: '用 ls /dev/gpiochip* 查看本机的芯片，改 devices[].chip',
    en: 'see the chips of this box with ls /dev/gpiochip* and set devices[].chip',
  },
  deniedFix: {
    zh: '把运行网关的用户加入 gpio 组：sudo usermod -aG gpio $USER（或 udev 规则），重新登录',
    en: "add the gateway's user to the gpio group: sudo usermod -aG gpio $USER (or a udev rule), then log in again",
  },
};

const SERIAL: FileKind = {
  name: { zh: '串口', en: 'serial port' },
  missingFix: {
    zh: '检查线缆和 USB 转串口；用 ls /dev/serial/by-id/ 找到稳定的名字填入 devices[].port',
    en: 'check the cable and USB adapter; find a stable name with ls /dev/serial/by-id/ and set devices[].port',
  },
  deniedFix: {
    zh: '把运行网关的用户加入 dialout 组：sudo usermod -aG dialout $USER，重新登录',
    en: "add the gateway's user to the dialout group: sudo usermod -aG dialout $USER, then log in again",
  },
};

/** A device file (serial port, GPIO chip) present and readable and writable, or what to do. */
function deviceFile(id: string, path: string, kind: FileKind): Finding {
  const a = access(path);
  if (a === 'ok')
    return ok('devices', `设备 ${id}：${kind.name.zh} ${path} 可读写`, `device ${id}: ${kind.name.en} ${path} readable and writable`);
  if (a === 'missing')
    return problem(
      'devices',
      'fail',
      { zh: `设备 ${id}：${kind.name.zh} ${path} 不存在`, en: `device ${id}: ${kind.name.en} ${path} does not exist` },
      kind.missingFix,
    );
  return problem(
    'devices',
    'fail',
    { zh: `设备 ${id}：无权读写${kind.name.zh} ${path}`, en: `device ${id}: no permission to read and write ${kind.name.en} ${path}` },
    kind.deniedFix,
  );
}

export function checkDevices(loaded: LoadedConfig): Finding[] {
  const out: Finding[] = [];
  for (const d of loaded.config.devices) {
    let transport;
    try {
      transport = resolveProfile(d.profile, { baseDir: loaded.baseDir }).transport;
    } catch {
      continue; // the config check reports a profile that cannot be read
    }
    if (transport.type === 'gpio') {
      out.push(deviceFile(d.id, `/dev/${d.chip ?? transport.chip}`, GPIO));
      continue;
    }
    if (d.simulate) {
      if (onPath('socat')) out.push(ok('devices', `设备 ${d.id}：模拟（socat）`, `device ${d.id}: simulated (socat)`));
      else
        out.push(
          problem(
            'devices',
            'fail',
            { zh: `设备 ${d.id} 为模拟设备，但未找到 socat`, en: `device ${d.id} is simulated, but socat is not on the PATH` },
            { zh: '安装 socat：sudo scripts/install-system-deps.sh', en: 'install socat: sudo scripts/install-system-deps.sh' },
          ),
        );
      continue;
    }
    if (!d.port) continue; // config check reports it
    out.push(deviceFile(d.id, d.port, SERIAL));
  }
  if (loaded.config.devices.length === 0) out.push(ok('devices', '未配置设备', 'no devices configured'));
  return out;
}
