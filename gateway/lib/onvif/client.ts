import { createRequire } from 'node:module';
import { Agent, type ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';
import { createConnection, type Socket, type NetConnectOpts } from 'node:net';
import type { OnvifAddress } from './address.js';
import { profileFromRaw, type OnvifProfile } from './profiles.js';
import { errCode, errMessage } from '../../core/errors.js';

/**
 * The one file that uses the `onvif` package (0.8.3, untyped): a small typed surface over it.
 * Replies larger than `maxReplyBytes` are cut off at the socket (the package would buffer any
 * size); its XML parser (xml2js/sax) never resolves external entities.
 */
interface RawCam {
  hostname: string;
  port: number;
  profiles?: unknown[];
  connect(cb: (err: Error | null | false) => void): void;
  getDeviceInformation(cb: (err: Error | null, info: Record<string, unknown> | undefined) => void): void;
  getSystemDateAndTime(cb: (err: Error | null, date: Date | null) => void): void;
  getStreamUri(opts: { protocol: string; profileToken: string }, cb: (err: Error | null, res: { uri?: string } | undefined) => void): void;
  getSnapshotUri(opts: { profileToken: string }, cb: (err: Error | null, res: { uri?: string } | undefined) => void): void;
  on(event: string, cb: (...args: unknown[]) => void): void;
  removeAllListeners(event?: string): void;
}
interface RawCamCtor {
  new (opts: Record<string, unknown>): RawCam;
}
interface RawDiscovery {
  probe(opts: Record<string, unknown>, cb: (err: Error | null, found: unknown[] | undefined) => void): void;
  on(event: string, cb: (...args: unknown[]) => void): void;
  removeAllListeners(event?: string): void;
}
const onvif = createRequire(import.meta.url)('onvif') as { Cam: RawCamCtor; Discovery: RawDiscovery };

export interface DeviceInfo {
  manufacturer: string | undefined;
  model: string | undefined;
  serial: string | undefined;
  firmware: string | undefined;
}

export interface OnvifConnectOptions extends OnvifAddress {
  username?: string;
  password?: string;
  timeoutMs?: number;
  maxReplyBytes?: number;
}

export class OnvifError extends Error {
  constructor(
    message: string,
    readonly kind: 'unauthorized' | 'timeout' | 'refused' | 'bad-reply' | 'unsupported',
  ) {
    super(message);
    this.name = 'OnvifError';
  }
}

/** An agent whose sockets are destroyed once a reply passes `limit` bytes. */
class ReplyLimitAgent extends Agent {
  constructor(private readonly limit: number) {
    super({ keepAlive: false });
  }
  // The agent calls back itself when a socket is returned, so the callback is not used here.
  override createConnection(options: ClientRequestArgs, _cb?: (err: Error | null, stream: Duplex) => void): Duplex {
    const socket: Socket = createConnection(options as NetConnectOpts);
    let received = 0;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > this.limit)
        socket.destroy(new OnvifError(`ONVIF reply larger than ${Math.round(this.limit / 1024)} KB: refused`, 'bad-reply'));
    });
    return socket;
  }
}

function classify(err: unknown): OnvifError {
  if (err instanceof OnvifError) return err;
  const msg = errMessage(err);
  if (/NotAuthorized|not authori[sz]ed|401|Digest authentication failed/i.test(msg))
    return new OnvifError(`the camera refused the credentials (${msg.slice(0, 120)})`, 'unauthorized');
  if (errCode(err) === 'ECONNREFUSED') return new OnvifError('connection refused: nothing listens on that port', 'refused');
  if (/timeout|ETIMEDOUT/i.test(msg)) return new OnvifError('the camera did not answer in time', 'timeout');
  if (/larger than/.test(msg)) return new OnvifError(msg, 'bad-reply');
  return new OnvifError(`malformed ONVIF reply: ${msg.split('\n')[0]?.slice(0, 160)}`, 'bad-reply');
}

function call<T>(fn: (cb: (err: Error | null | false, value?: T) => void) => void, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new OnvifError('the camera did not answer in time', 'timeout')), timeoutMs);
    try {
      fn((err, value) => {
        clearTimeout(timer);
        if (err) reject(classify(err));
        else resolve(value as T);
      });
    } catch (err) {
      // onvif 0.8.3 throws synchronously in some paths (e.g. after a failed connect)
      clearTimeout(timer);
      reject(classify(err));
    }
  });
}

export interface OnvifCamera {
  readonly info: DeviceInfo;
  readonly profiles: OnvifProfile[];
  /** The camera's clock as read at connect time, and the box's clock then (ms). */
  readonly clock: { camera: Date; boxMs: number };
  streamUri(profileToken: string): Promise<string>;
  snapshotUri(profileToken: string): Promise<string | undefined>;
  /** Starts PullPoint event pulling; messages are the package's linerased NotificationMessages. */
  onEvents(onMessage: (msg: unknown) => void, onError: (err: Error) => void): void;
  close(): void;
}

export async function connectOnvif(o: OnvifConnectOptions): Promise<OnvifCamera> {
  const timeoutMs = o.timeoutMs ?? 5000;
  const agent = new ReplyLimitAgent(o.maxReplyBytes ?? 1024 * 1024);
  const cam = new onvif.Cam({
    hostname: o.hostname,
    port: o.port,
    path: o.path,
    username: o.username,
    password: o.password,
    timeout: timeoutMs,
    autoconnect: false,
    preserveAddress: true,
    agent,
  });
  // The package emits 'error'/'warning' on its own; never let them become uncaught.
  cam.on('error', () => undefined);
  cam.on('warning', () => undefined);
  try {
    const boxMs = Date.now();
    const camera = await call<Date | null>((cb) => cam.getSystemDateAndTime((err, d) => cb(err, d)), timeoutMs);
    await call<void>((cb) => cam.connect((err) => cb(err)), timeoutMs * 4);
    const rawInfo = await call<Record<string, unknown> | undefined>((cb) => cam.getDeviceInformation((err, i) => cb(err, i)), timeoutMs);
    const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
    const info: DeviceInfo = {
      manufacturer: str(rawInfo?.manufacturer),
      model: str(rawInfo?.model),
      serial: str(rawInfo?.serialNumber),
      firmware: str(rawInfo?.firmwareVersion),
    };
    const profiles = (cam.profiles ?? []).map(profileFromRaw).filter((p): p is OnvifProfile => Boolean(p));
    if (profiles.length === 0) throw new OnvifError('the camera lists no media profile (or its profiles could not be read)', 'unsupported');
    return {
      info,
      profiles,
      clock: { camera: camera ?? new Date(boxMs), boxMs },
      async streamUri(profileToken) {
        const r = await call<{ uri?: string } | undefined>(
          (cb) => cam.getStreamUri({ protocol: 'RTSP', profileToken }, (err, v) => cb(err, v)),
          timeoutMs,
        );
        if (!r?.uri || !/^rtsps?:\/\//i.test(r.uri))
          throw new OnvifError(`GetStreamUri returned ${JSON.stringify(r?.uri ?? null).slice(0, 100)}, not an rtsp:// URI`, 'bad-reply');
        return r.uri;
      },
      async snapshotUri(profileToken) {
        try {
          const r = await call<{ uri?: string } | undefined>(
            (cb) => cam.getSnapshotUri({ profileToken }, (err, v) => cb(err, v)),
            timeoutMs,
          );
          return r?.uri;
        } catch {
          return undefined;
        }
      },
      onEvents(onMessage, onError) {
        cam.on('eventsError', (err) => onError(classify(err)));
        cam.on('event', (msg) => onMessage(msg));
      },
      close() {
        cam.removeAllListeners('event');
        agent.destroy();
      },
    };
  } catch (err) {
    cam.removeAllListeners('event');
    agent.destroy();
    throw classify(err);
  }
}

export interface DiscoveredDevice {
  /** Device service URL(s) (XAddrs). */
  xaddrs: string[];
  endpoint: string | undefined;
  scopes: string[];
  /** From the onvif://www.onvif.org/name/ and /hardware/ scopes, when present. */
  name: string | undefined;
  hardware: string | undefined;
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as Record<string, unknown>)._ === 'string') return (v as Record<string, unknown>)._ as string;
  return undefined;
}

/** WS-Discovery probe (multicast 239.255.255.250:3702); resolves after `timeoutMs` with what answered. */
export function discoverOnvif(opts: { timeoutMs?: number } = {}): Promise<DiscoveredDevice[]> {
  return new Promise((resolve, reject) => {
    onvif.Discovery.removeAllListeners('error');
    onvif.Discovery.on('error', () => undefined); // unparsable replies from other devices
    onvif.Discovery.probe({ timeout: opts.timeoutMs ?? 3000, resolve: false }, (err, found) => {
      if (err && !found) return reject(err);
      const out: DiscoveredDevice[] = [];
      for (const raw of found ?? []) {
        const pm = ((raw as Record<string, unknown>)?.probeMatches as Record<string, unknown> | undefined)?.probeMatch as
          Record<string, unknown> | undefined;
        if (!pm) continue;
        const xaddrs = (text(pm.XAddrs) ?? '').split(/\s+/).filter(Boolean);
        const scopes = (text(pm.scopes) ?? '').split(/\s+/).filter(Boolean);
        const scope = (kind: string) => {
          const s = scopes.find((x) => x.startsWith(`onvif://www.onvif.org/${kind}/`));
          return s ? decodeURIComponent(s.slice(`onvif://www.onvif.org/${kind}/`.length)) : undefined;
        };
        const ep = (pm.endpointReference as Record<string, unknown> | undefined)?.address;
        out.push({ xaddrs, endpoint: text(ep), scopes, name: scope('name'), hardware: scope('hardware') });
      }
      resolve(out);
    });
  });
}
