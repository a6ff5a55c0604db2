import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { checksDigestResponse, ruleFor, savesBeforeAnswer, statusValue, type ViidProfile } from './viid-profiles.js';

/**
 * A GA/T 1400 conformance stub (written here, not an independent peer), on a free loopback port: Digest (MD5, qop=auth, single-use
 * nonces) on Register and UnRegister, a registration per User-Identify, Keepalive, Time, and
 * POST /VIID/Faces and /VIID/MotorVehicles answered per record. Every request body and every
 * answer it sends is validated against cloud-bridge/gat1400/schemas/*.json (`violations`).
 * Knobs make it refuse, forget a session, slow down, hang, fail, answer garbage or refuse records.
 * `profile` switches to the validation rules of a public 视图库 server (viid-profiles.ts).
 */
export interface ViidRecord {
  path: '/VIID/Faces' | '/VIID/MotorVehicles';
  id: string;
  object: Record<string, unknown>;
  at: number;
  /** Records in the request that carried it. */
  batch: number;
}

export interface ViidServerOptions {
  username: string;
  password: string;
  port?: number;
  /** Validation rules to play (default: this project's schemas). */
  profile?: ViidProfile;
}

const SCHEMAS = join(dirname(fileURLToPath(import.meta.url)), '../gat1400/schemas');
const BODY_SCHEMA: Record<string, string> = {
  '/VIID/System/Register': 'register.json',
  '/VIID/System/Keepalive': 'keepalive.json',
  '/VIID/System/UnRegister': 'unregister.json',
  '/VIID/Faces': 'faces.json',
  '/VIID/MotorVehicles': 'motor-vehicles.json',
};
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const now14 = () => new Date(Date.now() + 8 * 3600_000).toISOString().replace(/\D/g, '').slice(0, 14);

export class ViidServer {
  readonly realm = 'viid-test';
  port = 0;
  /** Schema or protocol violations seen (requests and answers). */
  readonly violations: string[] = [];
  /** Every request: method, path, HTTP status answered. */
  readonly requests: { method: string; path: string; status: number; at: number }[] = [];
  /** Records answered StatusCode 0, in arrival order (redeliveries included). */
  readonly accepted: ViidRecord[] = [];
  /** Every record received, whatever the answer. */
  readonly received: ViidRecord[] = [];
  /** What the platform's database holds, copies included (a profile that saves before answering stores records of failed requests). */
  readonly stored: ViidRecord[] = [];
  /** Answers the profile's rules gave: HTTP 500 crashes and non-zero StatusCodes, with why. */
  readonly refusals: { id: string; answer: string; why: string }[] = [];
  readonly profile: ViidProfile;
  readonly registered = new Set<string>();
  registrations = 0;
  unregistrations = 0;

  // Knobs.
  refuseRegistration = false;
  /** Data endpoints: wait this long before answering. */
  delayMs = 0;
  /**
   * Data endpoints: 'hang' never answers, '503' fails, 'reset' drops the connection, '500' reads
   * the records and answers every request HTTP 500 (a platform whose database is down: it fails
   * every record alike, whatever the record).
   */
  failure: false | 'hang' | '503' | 'reset' | '500' = false;
  /** Data endpoints answer 200 with a body that is not a valid status list. */
  malformed: false | 'not-json' | 'no-list' | 'bad-code' = false;
  /** Records for which this returns a StatusCode other than 0 (e.g. 8 invalid content, 2 busy). */
  statusFor: (r: ViidRecord) => number = () => 0;
  /** A batch containing a record for which this is true is answered HTTP 400 without statuses. */
  badRequestIf: (r: ViidRecord) => boolean = () => false;
  /** Reading a record for which this is true fails the whole request with HTTP 500 (the records read before it stay stored if the profile saves first). */
  serverErrorIf: (r: ViidRecord) => boolean = () => false;
  /** Key of the record id in answers ('Id' as the standard writes it, 'ID' as some platforms do). */
  idKey: 'Id' | 'ID' = 'Id';

  private readonly nonces = new Set<string>();
  private readonly validators = new Map<string, ValidateFunction>();
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly opts: ViidServerOptions) {
    this.profile = opts.profile ?? 'schema';
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    for (const f of readdirSync(SCHEMAS).filter((n) => n.endsWith('.json')))
      ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS, f), 'utf8')) as object);
    for (const f of readdirSync(SCHEMAS).filter((n) => n.endsWith('.json'))) this.validators.set(f, ajv.getSchema(f) as ValidateFunction);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts listening (again, on the same port after stop()). */
  async start(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? this.port, '127.0.0.1', () => resolve());
    });
    const addr = server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
    this.server = server;
  }

  /** Stops listening and drops every connection (a dead platform). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Forgets every registration: the next request of a device is answered 401. */
  dropSessions(): void {
    this.registered.clear();
  }

  /** Distinct accepted record ids, in order of first acceptance. */
  acceptedIds(): string[] {
    return [...new Set(this.accepted.map((r) => r.id))];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = (req.url ?? '').split('?')[0] as string;
    const method = req.method ?? '';
    const text = Buffer.concat(chunks).toString('utf8');
    const send = (status: number, body: unknown, schema?: string, headers: Record<string, string> = {}) => {
      // The schemas hold StatusCode as a number: a profile writing strings is off the standard on purpose.
      if (schema && this.profile !== 'string-codes') this.check(schema, body, `answer to ${method} ${path}`);
      this.requests.push({ method, path, status, at: Date.now() });
      res.writeHead(status, { 'Content-Type': 'application/VIID+JSON;charset=UTF-8', ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const status = (code: number, text: string, id: string) => ({
      RequestURL: path,
      StatusCode: statusValue(this.profile, code),
      StatusString: text,
      [this.idKey]: id,
      LocalTime: now14(),
    });
    const user = req.headers['user-identify'];
    let body: Record<string, unknown> = {};
    if (method === 'POST') {
      if (!/^application\/VIID\+JSON/i.test(req.headers['content-type'] ?? ''))
        this.violations.push(`${path}: Content-Type ${req.headers['content-type']}`);
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        this.violations.push(`${path}: body is not JSON`);
        return send(400, { ResponseStatusObject: status(7, 'invalid JSON format', '') }, 'response-status.json');
      }
      const schema = BODY_SCHEMA[path];
      if (schema) this.check(schema, body, `${method} ${path}`);
    }
    if (typeof user !== 'string' || !/^\d{20}$/.test(user))
      this.violations.push(`${method} ${path}: User-Identify ${JSON.stringify(user)}`);
    const device = String(user);

    if (path === '/VIID/System/Register' || path === '/VIID/System/UnRegister') {
      const ok = this.refuseRegistration ? false : this.authorized(req.headers.authorization, method, req.url ?? path);
      if (!ok)
        return send(401, { ResponseStatusObject: status(4, 'unauthorized', device) }, 'response-status.json', {
          'WWW-Authenticate': this.challenge(),
        });
      if (path.endsWith('/Register')) {
        this.registered.add(device);
        this.registrations++;
      } else {
        this.registered.delete(device);
        this.unregistrations++;
      }
      return send(200, { ResponseStatusObject: status(0, 'OK', device) }, 'response-status.json');
    }
    if (path === '/VIID/System/Time' && method === 'GET')
      return send(
        200,
        { SystemTimeObject: { VIIDServerID: '31000000005030000001', TimeMode: '1', LocalTime: now14(), TimeZone: 'Asia/Shanghai' } },
        'system-time.json',
      );
    if (!this.registered.has(device))
      return send(401, { ResponseStatusObject: status(4, 'not registered', device) }, 'response-status.json');
    if (path === '/VIID/System/Keepalive') return send(200, { ResponseStatusObject: status(0, 'OK', device) }, 'response-status.json');
    if (path !== '/VIID/Faces' && path !== '/VIID/MotorVehicles')
      return send(404, { ResponseStatusObject: status(4, 'no such resource', '') }, 'response-status.json');

    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failure === 'hang') return; // never answered: the client times out
    if (this.failure === 'reset') return void req.socket.destroy();
    if (this.failure === '503') return send(503, { ResponseStatusObject: status(2, 'busy', '') }, 'response-status.json');
    const list =
      path === '/VIID/Faces'
        ? (body.FaceListObject as { FaceObject?: unknown[] })
        : (body.MotorVehicleListObject as { MotorVehicleObject?: unknown[] });
    const objects = ((list && ('FaceObject' in list ? list.FaceObject : (list as { MotorVehicleObject?: unknown[] }).MotorVehicleObject)) ??
      []) as Record<string, unknown>[];
    const records = objects.map(
      (o) => ({ path, id: String(o.FaceID ?? o.MotorVehicleID), object: o, at: Date.now(), batch: objects.length }) as ViidRecord,
    );
    for (const r of records) this.checkIds(r);
    this.received.push(...records);
    if (this.failure === '500')
      return send(500, { timestamp: Date.now(), status: 500, error: 'Internal Server Error', message: 'database unavailable', path });
    if (this.malformed === 'not-json') return send(200, '<html>gateway timeout</html>');
    if (this.malformed === 'no-list') return send(200, { Result: 'ok' });
    if (this.malformed === 'bad-code')
      return send(200, { ResponseStatusListObject: { ResponseStatusObject: records.map((r) => ({ Id: r.id, StatusCode: 'fine' })) } });
    if (records.some((r) => this.badRequestIf(r))) return send(400, 'bad request');
    const statuses: ReturnType<typeof status>[] = [];
    const saved: ViidRecord[] = [];
    for (const r of records) {
      const rule = this.serverErrorIf(r) ? ({ kind: 'crash', why: 'serverErrorIf' } as const) : ruleFor(this.profile, path, r.object);
      if (rule.kind === 'crash') {
        this.refusals.push({ id: r.id, answer: 'HTTP 500', why: rule.why });
        return send(500, { timestamp: Date.now(), status: 500, error: 'Internal Server Error', message: rule.why, path });
      }
      const code = rule.kind === 'status' ? rule.code : this.statusFor(r);
      if (code === 0) {
        saved.push(r);
        if (savesBeforeAnswer(this.profile)) this.stored.push(r);
      } else this.refusals.push({ id: r.id, answer: `StatusCode ${code}`, why: rule.kind === 'status' ? rule.why : 'statusFor' });
      statuses.push(status(code, code === 0 ? 'OK' : rule.kind === 'status' ? rule.why : 'refused', r.id));
    }
    if (!savesBeforeAnswer(this.profile)) this.stored.push(...saved);
    this.accepted.push(...saved);
    return send(200, { ResponseStatusListObject: { ResponseStatusObject: statuses } }, 'response-status-list.json');
  }

  private check(schema: string, value: unknown, what: string): void {
    const v = this.validators.get(schema);
    if (!v) this.violations.push(`${what}: no schema ${schema}`);
    else if (!v(value)) this.violations.push(`${what}: ${schema}: ${JSON.stringify(v.errors?.slice(0, 3))}`);
  }

  /** Ids that follow the GA/T 1400 composition and agree with each other. */
  private checkIds(r: ViidRecord): void {
    const o = r.object;
    const source = String(o.SourceID);
    if (!r.id.startsWith(source)) this.violations.push(`${r.id}: does not start with its SourceID ${source}`);
    if (!source.startsWith(String(o.DeviceID))) this.violations.push(`${source}: SourceID not from DeviceID ${String(o.DeviceID)}`);
    const subs = ((o.SubImageList as { SubImageInfoObject?: { ImageID: string }[] } | undefined)?.SubImageInfoObject ?? []).map(
      (s) => s.ImageID,
    );
    if (new Set(subs).size !== subs.length) this.violations.push(`${r.id}: two pictures share an ImageID`);
  }

  private challenge(): string {
    const nonce = randomBytes(12).toString('hex');
    this.nonces.add(nonce);
    return `Digest realm="${this.realm}", qop="auth", nonce="${nonce}", opaque="${randomBytes(4).toString('hex')}", algorithm=MD5`;
  }

  /** Checks a Digest Authorization header (RFC 2617, qop=auth) with its own arithmetic; nonces are single-use. */
  private authorized(header: string | undefined, method: string, uri: string): boolean {
    if (!header?.startsWith('Digest ')) return false;
    const p = Object.fromEntries([...header.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)].map((m) => [m[1], m[2] ?? m[3]]));
    if (!checksDigestResponse(this.profile)) return p.realm === this.realm && this.nonces.delete(p.nonce ?? '');
    if (p.username !== this.opts.username || p.realm !== this.realm || p.uri !== uri || p.qop !== 'auth') return false;
    if (!this.nonces.delete(p.nonce ?? '')) return false;
    const ha1 = md5(`${this.opts.username}:${this.realm}:${this.opts.password}`);
    const ha2 = md5(`${method}:${uri}`);
    return p.response === md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:auth:${ha2}`);
  }
}
