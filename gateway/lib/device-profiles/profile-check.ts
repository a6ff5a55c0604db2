import type { DeviceProfile, RawValue } from './profile-schema.js';

/**
 * Cross-reference checks of a device profile that a field-by-field schema cannot express:
 * every command, message, input and gate refers to resources and messages that exist, enum
 * labels are known, numeric resources have ranges, frames have exactly one payload and checksum.
 * Pure; returns one problem per fault with its path, so a bad profile file names what to fix.
 */
export interface ProfileProblem {
  path: (string | number)[];
  message: string;
}

type Res = DeviceProfile['resources'][string];

export function checkProfileReferences(p: DeviceProfile): ProfileProblem[] {
  const out: ProfileProblem[] = [];
  const add = (path: (string | number)[], message: string) => out.push({ path, message });
  const resources = p.resources;

  for (const [rn, r] of Object.entries(resources)) {
    if ((r.type === 'uint' || r.type === 'int') && (r.min === undefined || r.max === undefined))
      add(['resources', rn], 'numeric resources need min and max');
    if (r.min !== undefined && r.max !== undefined && r.min > r.max) add(['resources', rn], 'min is above max');
    if (r.type === 'enum' && (!r.map || Object.keys(r.map).length === 0))
      add(['resources', rn], 'enum resources need a map of raw value -> label');
    if (p.protocol.type === 'modbus-rtu' && !r.modbus)
      add(['resources', rn, 'modbus'], 'modbus-rtu profiles need a modbus table and address on every resource');
    if (p.protocol.type === 'gpio' && !r.gpio) add(['resources', rn, 'gpio'], 'gpio profiles need a gpio line on every resource');
    if (r.modbus && r.type !== 'bool' && (r.modbus.table === 'coil' || r.modbus.table === 'discrete-input'))
      add(['resources', rn, 'type'], 'coils and discrete inputs are bool');
  }
  if ((p.protocol.type === 'gpio') !== (p.transport.type === 'gpio'))
    add(['protocol'], 'gpio protocol goes with gpio transport, and only with it');

  const label = (path: (string | number)[], rn: string, v: RawValue, allowParam: boolean) => {
    const r = resources[rn];
    if (!r) return add(path, `unknown resource "${rn}"`);
    if (v === '$param') {
      if (!allowParam) add(path, '"$param" needs a command param');
      return;
    }
    if (r.type === 'enum' && typeof v === 'string' && !Object.values(r.map ?? {}).includes(v))
      add(path, `"${v}" is not a label of ${rn} (${Object.values(r.map ?? {}).join(', ')})`);
    if (r.type !== 'enum' && typeof v === 'string') add(path, `${rn} is ${r.type}, not an enum`);
  };

  // Framed: layout and messages.
  const msgFields = new Map<string, Set<string>>();
  if (p.protocol.type === 'framed') {
    const roles = p.protocol.layout.map((f) => f.role ?? (f.type === 'payload' ? 'payload' : 'plain'));
    const count = (r: string) => roles.filter((x) => x === r).length;
    if (p.protocol.layout.filter((f) => f.type === 'payload').length !== 1) add(['protocol', 'layout'], 'exactly one payload field');
    if (count('checksum') !== 1) add(['protocol', 'layout'], 'exactly one checksum field');
    if (count('length') !== 1) add(['protocol', 'layout'], 'exactly one length field (before the payload)');
    if (count('address') > 1) add(['protocol', 'layout'], 'at most one address field');
    const lenAt = roles.indexOf('length');
    if (lenAt > roles.indexOf('payload')) add(['protocol', 'layout'], 'the length field comes before the payload');
    const csum = p.protocol.layout.find((f) => f.role === 'checksum');
    const width = p.protocol.checksum.algorithm.startsWith('crc16') ? 2 : 1;
    if (csum && (width === 1 ? csum.type !== 'u8' : csum.type !== 'u16le' && csum.type !== 'u16be'))
      add(['protocol', 'layout'], `the checksum field of ${p.protocol.checksum.algorithm} is ${width === 1 ? 'u8' : 'u16le or u16be'}`);
    const last = p.protocol.layout[p.protocol.layout.length - 1];
    if (last?.role !== 'checksum') add(['protocol', 'layout'], 'the checksum field comes last (before the trailer)');
    const matchable = new Set(
      p.protocol.layout
        .filter((f) => f.type !== 'payload' && f.role !== 'checksum' && f.role !== 'length' && f.role !== 'address')
        .map((f) => f.name),
    );
    for (const [mn, m] of Object.entries(p.messages)) {
      const fields = new Set<string>();
      for (const k of Object.keys(m.match))
        if (!matchable.has(k)) add(['messages', mn, 'match', k], `not a code field of the layout (${[...matchable].join(', ')})`);
      if (Object.keys(m.match).length === 0) add(['messages', mn, 'match'], 'a message needs at least one code value');
      m.payload.forEach((f, i) => {
        fields.add(f.name);
        if (f.bits) {
          for (const rn of Object.keys(f.bits)) {
            fields.add(rn);
            if (resources[rn]?.type !== 'bool') add(['messages', mn, 'payload', i, 'bits', rn], `bit fields must be bool resources`);
          }
        } else if (!resources[f.name]) add(['messages', mn, 'payload', i, 'name'], `unknown resource "${f.name}"`);
      });
      msgFields.set(mn, fields);
    }
    const sigs = new Map<string, string>();
    for (const [mn, m] of Object.entries(p.messages)) {
      const sig = `${m.direction}:${JSON.stringify(Object.entries(m.match).sort())}`;
      if (sigs.has(sig)) add(['messages', mn, 'match'], `same code as message ${sigs.get(sig)}`);
      sigs.set(sig, mn);
    }
  } else if (Object.keys(p.messages).length > 0) add(['messages'], 'messages belong to framed protocols');

  for (const [cn, c] of Object.entries(p.commands)) {
    if (!c) continue;
    const base = ['commands', cn];
    const hasParam = Boolean(c.param);
    if (c.param && (c.param.default < c.param.min || c.param.default > c.param.max))
      add([...base, 'param', 'default'], `outside ${c.param.min}..${c.param.max}`);
    if (c.param && !JSON.stringify(c).includes('"$param"')) add([...base, 'param'], 'param declared but "$param" never used');
    if (p.protocol.type === 'framed') {
      if (!c.send) add(base, 'framed commands need `send`');
      for (const key of ['send', 'expect'] as const) {
        const ref = c[key];
        if (!ref) continue;
        const m = p.messages[ref.message];
        if (!m) {
          add([...base, key, 'message'], `unknown message "${ref.message}"`);
          continue;
        }
        const want = key === 'send' ? 'to-device' : 'from-device';
        if (m.direction !== want) add([...base, key, 'message'], `${ref.message} is ${m.direction}, expected ${want}`);
        const fields = msgFields.get(ref.message) ?? new Set();
        for (const [f, v] of Object.entries(ref.values)) {
          if (!fields.has(f)) add([...base, key, 'values', f], `not a payload field of ${ref.message}`);
          else label([...base, key, 'values', f], f, v, hasParam && key === 'send');
        }
        if (key === 'send') {
          const bitParents = new Set(m.payload.filter((f) => f.bits).map((f) => f.name));
          for (const f of fields)
            if (!bitParents.has(f) && !(f in ref.values) && !m.payload.some((pf) => pf.bits && f in pf.bits))
              add([...base, key, 'values'], `payload field ${f} has no value`);
        }
      }
      if (c.writes) add([...base, 'writes'], 'framed commands use send/expect, not writes');
    } else {
      if (!c.writes?.length) add(base, `${p.protocol.type} commands need \`writes\``);
      if (c.send || c.expect) add(base, 'send/expect belong to framed protocols');
      if (c.writes?.some((w) => w.holdMs === '$param') && !hasParam) add([...base, 'writes'], '"$param" needs a command param');
      c.writes?.forEach((w, i) => {
        label([...base, 'writes', i, 'value'], w.resource, w.value, hasParam);
        const r = resources[w.resource];
        if (r?.modbus && (r.modbus.table === 'discrete-input' || r.modbus.table === 'input-register'))
          add([...base, 'writes', i], `${w.resource} is read-only (${r.modbus.table})`);
        if (r?.gpio && r.gpio.direction !== 'output') add([...base, 'writes', i], `${w.resource} is a gpio input`);
      });
    }
    for (const [rn, v] of Object.entries(c.effects)) label([...base, 'effects', rn], rn, v, false);
  }

  for (const [inName, i] of Object.entries(p.inputs)) {
    const r: Res | undefined = resources[i.resource];
    if (!r) add(['inputs', inName, 'resource'], `unknown resource "${i.resource}"`);
    else {
      if (r.type !== 'bool' && r.type !== 'enum') add(['inputs', inName, 'resource'], 'inputs watch bool or enum resources');
      label(['inputs', inName, 'active'], i.resource, i.active, false);
      if (r.gpio && r.gpio.direction !== 'input') add(['inputs', inName], 'gpio inputs need an input line');
    }
    if (i.mode === 'latching' && !i.reset) add(['inputs', inName, 'reset'], 'a latching input needs the command that resets it');
    if (i.reset && !p.commands[i.reset]) add(['inputs', inName, 'reset'], `no command "${i.reset}" in this profile`);
  }
  if (p.gate) {
    label(['gate', 'open'], p.gate.resource, p.gate.open, false);
    label(['gate', 'closed'], p.gate.resource, p.gate.closed, false);
    p.gate.alsoOpen.forEach((v, i) => label(['gate', 'alsoOpen', i], p.gate!.resource, v, false));
    if (!p.commands.open) add(['commands'], 'a gate needs an open command');
  }
  if (p.heartbeat && !p.commands[p.heartbeat.command]) add(['heartbeat', 'command'], `no command ${p.heartbeat.command}`);
  if (p.protocol.type === 'framed' && !p.heartbeat)
    add(['heartbeat'], 'framed devices need a heartbeat (an unplugged pty is not always reported)');
  return out;
}
