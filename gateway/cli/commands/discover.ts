import type { Command } from '../command.js';
import { parse } from '../args.js';
import { readSecretFile } from '../../config/load.js';
import { discoverOnvif, connectOnvif, type DiscoveredDevice, type DeviceInfo } from '../../lib/onvif/client.js';
import { parseOnvifAddress } from '../../lib/onvif/address.js';
import type { OnvifProfile } from '../../lib/onvif/profiles.js';
import { errMessage } from '../../core/errors.js';

interface Row extends DiscoveredDevice {
  address: string;
  device?: DeviceInfo;
  profiles?: (OnvifProfile & { streamUri?: string })[];
  error?: string;
}

function table(rows: Row[]): string {
  if (rows.length === 0) return 'no ONVIF device answered (WS-Discovery works on the local network segment only)';
  const out: string[] = [];
  for (const r of rows) {
    out.push(
      `${r.address}  ${r.device?.manufacturer ?? r.name ?? '?'}  ${r.device?.model ?? r.hardware ?? '?'}  serial ${r.device?.serial ?? '?'}`,
    );
    for (const p of r.profiles ?? [])
      out.push(`    ${p.name}: ${p.width ?? '?'}x${p.height ?? '?'} ${p.encoding ?? '?'}  ${p.streamUri ?? ''}`);
    if (r.error) out.push(`    (${r.error})`);
  }
  return out.join('\n');
}

const command: Command = {
  summary:
    'Find ONVIF cameras with a WS-Discovery probe and list them (address, manufacturer, model, serial, profiles with resolution/codec and stream URIs).',
  usage: 'sharpeyes discover [--timeout S] [--user NAME --password-file FILE] [--json]',
  async run(argv) {
    const { values } = parse(argv, {
      timeout: { type: 'string', default: '3' },
      user: { type: 'string', short: 'u' },
      'password-file': { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    const password = values['password-file']
      ? readSecretFile({ baseDir: process.cwd() }, values['password-file'], '--password-file')
      : undefined;
    const found = await discoverOnvif({ timeoutMs: Number(values.timeout) * 1000 });
    const rows: Row[] = [];
    for (const d of found) {
      const address = d.xaddrs[0] ?? '?';
      const row: Row = { ...d, address };
      try {
        const cam = await connectOnvif({ ...parseOnvifAddress(address), username: values.user, password, timeoutMs: 5000 });
        try {
          row.device = cam.info;
          row.profiles = [];
          for (const p of cam.profiles) row.profiles.push({ ...p, streamUri: await cam.streamUri(p.token).catch(() => undefined) });
        } finally {
          cam.close();
        }
      } catch (err) {
        row.error = `${errMessage(err)}${values.user ? '' : ' — give --user and --password-file to read profiles'}`;
      }
      rows.push(row);
    }
    process.stdout.write(values.json ? `${JSON.stringify(rows, null, 2)}\n` : `${table(rows)}\n`);
    return 0;
  },
};
export default command;
