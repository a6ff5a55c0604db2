import type { DeviceSnapshot } from './device.js';
import { currentValueOf, PROFILE_FIELDS } from '../../core/wire-spelling.js';

/** Plain-text views of devices for the CLI. Pure. */
export type ListedDevice = Partial<DeviceSnapshot> & { id: string; name?: string; simulated?: boolean };

export function formatDeviceTable(devices: ListedDevice[]): string {
  const rows = devices.map((d) => {
    const active = Object.entries(d.inputs ?? {})
      .filter(([, v]) => v)
      .map(([k]) => k);
    const faults = Object.values(d.faults ?? {}).reduce((a, b) => a + b, 0);
    return [
      d.id,
      `${d.model ?? '?'}${d.simulated ? ' (sim)' : ''}`,
      d.online ? 'online' : `offline${d.lastReason ? ` (${d.lastReason})` : ''}`,
      d.gate ?? '-',
      active.length ? active.join(',') : '-',
      String(faults),
      d.commands ? `${d.commands.sent}/${d.commands.failed}` : '-',
    ];
  });
  const head = ['DEVICE', 'MODEL', 'STATE', 'GATE', 'ACTIVE INPUTS', 'WIRE FAULTS', 'CMDS/FAILED'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

/** `sharpeyes gate VERB GATE_ID [ARG]` -> the action and its input. */
export function gateRequest(positionals: string[]): { action: string; input: Record<string, unknown> } {
  const [typed, gateId, arg, ...extra] = positionals;
  // `hold-open`, the spelling before envelope version 2, still works (core/wire-spelling.ts).
  const verb = typed === undefined ? undefined : currentValueOf(PROFILE_FIELDS.command, typed);
  const verbs = ['open', 'close', 'hold_open', 'release', 'pulse'];
  if (!verb || !verbs.includes(verb)) throw new Error(`expected one of ${verbs.join(', ')}, got ${verb ?? 'nothing'}`);
  if (!gateId) throw new Error('expected a gate id (see sharpeyes devices)');
  if (extra.length || (arg !== undefined && verb !== 'pulse')) throw new Error(`too many arguments for ${verb}`);
  if (verb === 'open') return { action: 'gate/open', input: { gateId } };
  const input: Record<string, unknown> = { gateId, command: verb };
  if (arg !== undefined) {
    const n = Number(arg);
    if (!Number.isFinite(n)) throw new Error(`pulse width: got ${arg}, expected milliseconds`);
    input.arg = n;
  }
  return { action: 'gate/command', input };
}
