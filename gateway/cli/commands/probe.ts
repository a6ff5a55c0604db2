import { readFileSync } from 'node:fs';
import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { parse } from '../args.js';
import { readSecretFile } from '../../config/load.js';
import { probeTarget, type ProbeReport } from '../../rooms/cameras/probe.js';

function render(r: ProbeReport): string {
  const lines = [`${r.kind === 'onvif' ? 'ONVIF device' : 'RTSP stream'} ${r.target}`];
  if (r.device)
    lines.push(
      `  device: ${[r.device.manufacturer, r.device.model].filter(Boolean).join(' ')}  serial ${r.device.serial ?? '-'}  firmware ${r.device.firmware ?? '-'}`,
    );
  for (const p of r.profiles ?? []) {
    lines.push(
      `  profile ${p.name} (${p.token}): ${p.width ?? '?'}x${p.height ?? '?'} ${p.encoding ?? '?'} ${p.fps ?? '?'} fps${p.role ? `  [${p.role}]` : ''}  ${p.streamUri ?? ''}`,
    );
  }
  if (r.stream) {
    for (const s of r.stream.streams)
      lines.push(
        `  stream #${s.index}: ${s.type} ${s.codec ?? '?'}${s.width ? ` ${s.width}x${s.height}` : ''}${s.fps ? ` ${s.fps} fps` : ''}`,
      );
    if (r.stream.ok) lines.push(`  frames decode: yes (first frame ${r.stream.frameBytes} bytes as JPEG)`);
  }
  if (!r.ok) lines.push(`  frames decode: NO — ${r.reason}: ${r.message}`);
  return lines.join('\n');
}

const command: Command = {
  summary:
    'Report what a camera offers (ONVIF profiles, streams, codecs) and whether its frames decode; a readable reason when not (refused, unauthorized, timeout, unsupported codec).',
  usage:
    'sharpeyes probe <rtsp://URL | rtsps://URL | ONVIF host[:port]> [--user NAME] [--password-file FILE] [--ca-file PEM | --insecure] [--timeout S] [--json]',
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      {
        user: { type: 'string', short: 'u' },
        'password-file': { type: 'string' },
        timeout: { type: 'string', default: '10' },
        'ca-file': { type: 'string' },
        insecure: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
      true,
    );
    const target = positionals[0];
    if (!target || positionals.length > 1) throw new UsageError('give one rtsp:// URL or ONVIF address');
    const timeoutS = Number(values.timeout);
    if (!(timeoutS > 0)) throw new UsageError('--timeout must be a positive number of seconds');
    const password = values['password-file']
      ? readSecretFile({ baseDir: process.cwd() }, values['password-file'], '--password-file')
      : undefined;
    if (values['ca-file'] && values.insecure) throw new UsageError('give --ca-file or --insecure, not both');
    // rtsps://: the camera's certificate checked against the system's CAs, the given CA, or not at all.
    const tls = values['ca-file'] ? { ca: readFileSync(values['ca-file']) } : values.insecure ? { insecure: true } : undefined;
    const report = await probeTarget(target, { username: values.user, password, timeoutS, tls });
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${render(report)}\n`);
    return report.ok ? 0 : 1;
  },
};
export default command;
