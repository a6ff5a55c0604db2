import type { Logger } from '../../core/logger.js';
import type { Device, Endpoint } from './device.js';
import { FramedSession } from './framed-session.js';
import { ModbusSession } from './modbus-session.js';
import type { ProtocolSession, SessionHooks } from './session.js';
import { SerialLink, type LineSettings } from './transport/serial.js';

/** Wires a device to a serial line and the session of its profile's protocol. */
export function serialEndpoint(
  dev: Device,
  opts: { path: string; unitId?: number; log: Logger; minBackoffMs?: number; maxBackoffMs?: number },
): Endpoint {
  const p = dev.profile;
  if (p.transport.type !== 'serial') throw new Error(`${p.model} is not a serial device`);
  const line: LineSettings = {
    baudRate: p.transport.baudRate,
    dataBits: p.transport.dataBits,
    parity: p.transport.parity,
    stopBits: p.transport.stopBits,
  };
  let session: ProtocolSession | undefined;
  const link = new SerialLink({
    path: opts.path,
    line,
    log: opts.log,
    minBackoffMs: opts.minBackoffMs,
    maxBackoffMs: opts.maxBackoffMs,
    onData: (chunk) => session?.onBytes(chunk),
    onUp: () => dev.linkUp(),
    onDown: (reason) => dev.linkDown(reason),
  });
  const hooks: SessionHooks = {
    onValues: (raw) => dev.rawValues(raw),
    onFault: (k, d) => dev.fault(k, d),
    onAlive: () => dev.alive(),
    mayRelease: (resource) => dev.releaseAllowed(resource),
  };
  const write = (b: Buffer) => link.write(b);
  if (p.protocol.type === 'framed')
    session = new FramedSession({ profile: p, address: opts.unitId ?? p.protocol.defaultAddress, write, hooks });
  else if (p.protocol.type === 'modbus-rtu')
    session = new ModbusSession({ profile: p, unitId: opts.unitId ?? p.protocol.defaultUnitId, write, hooks });
  else throw new Error(`${p.model}: protocol ${p.protocol.type} does not run on a serial line`);
  return { link, session };
}
