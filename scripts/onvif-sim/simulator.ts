import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createSocket, type Socket } from 'node:dgram';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as R from './responses.js';
import { serveSnapshot } from './snapshot.js';
import { parseUsernameToken, soapAction, verifyUsernameToken } from './wsse.js';
import { errMessage } from '../../gateway/core/errors.js';

/**
 * A small ONVIF device (Profile S subset) for tests and demos: device, media and events
 * (PullPoint) services over HTTP SOAP with WS-UsernameToken auth, a WS-Discovery responder
 * on UDP 3702, and fault modes that misbehave on purpose.
 */
export type SimFault = 'none' | 'malformed' | 'enormous' | 'xxe' | 'garbage' | 'hang';

export interface SimOptions {
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  /** RTSP URI returned by GetStreamUri for the main profile. */
  mainStreamUri: string;
  /** RTSP URI of the low-resolution profile (defaults to the main one). */
  subStreamUri?: string;
  manufacturer?: string;
  model?: string;
  serial?: string;
  clockOffsetS?: number;
  /** Answer WS-Discovery probes on UDP 3702 (needs a network namespace with a multicast route). */
  discovery?: boolean;
  fault?: SimFault;
  /** Longest a PullMessages request is held open waiting for events. */
  maxPullWaitMs?: number;
  /** How GET /snapshot.jpg is guarded when a username is set (default digest, as most cameras). */
  snapshotAuth?: 'digest' | 'basic' | 'none';
  /** What GET /snapshot.jpg sends: a JPEG, an HTML error page, or bytes without end. */
  snapshot?: 'jpeg' | 'html' | 'endless';
  /** Called with each request's operation and the raw body (for --verbose). */
  onRequest?: (action: string, body: string, url: string) => void;
}

const MAX_REQUEST = 256 * 1024;

export class OnvifSimulator {
  private server: Server | undefined;
  private udp: Socket | undefined;
  private readonly pending = new Set<{ res: ServerResponse; timer: NodeJS.Timeout; flush(): void }>();
  private queue: R.SimEvent[] = [];
  private subscriptionSeq = 0;
  port = 0;
  fault: SimFault;
  readonly endpoint = `urn:uuid:${randomUUID()}`;
  private readonly nonce = randomUUID().replace(/-/g, '');
  /** Requests received, by operation (for tests). */
  readonly calls = new Map<string, number>();

  constructor(private readonly opts: SimOptions) {
    this.fault = opts.fault ?? 'none';
  }

  get base(): string {
    return `http://${this.opts.host ?? '127.0.0.1'}:${this.port}`;
  }

  get deviceUrl(): string {
    return `${this.base}/onvif/device_service`;
  }

  private device(): R.SimDevice {
    return {
      manufacturer: this.opts.manufacturer ?? 'SharpEyes',
      model: this.opts.model ?? 'SIM-CAM-1',
      serial: this.opts.serial ?? 'SIM0001',
      firmware: '1.0.0',
      hardwareId: 'sim',
      base: this.base,
      clockOffsetS: this.opts.clockOffsetS ?? 0,
      profiles: [
        { token: 'main', name: 'MainStream', width: 1280, height: 720, encoding: 'H264', fps: 25, streamUri: this.opts.mainStreamUri },
        {
          token: 'sub',
          name: 'SubStream',
          width: 640,
          height: 360,
          encoding: 'H264',
          fps: 10,
          streamUri: this.opts.subStreamUri ?? this.opts.mainStreamUri,
        },
      ],
    };
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    if (this.opts.discovery) await this.startDiscovery();
  }

  async stop(): Promise<void> {
    for (const p of this.pending) {
      clearTimeout(p.timer);
      p.flush();
    }
    this.pending.clear();
    this.udp?.close();
    this.udp = undefined;
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  /** Queues an event for PullPoint subscribers (e.g. motion: topic tns1:RuleEngine/CellMotionDetector/Motion, IsMotion). */
  emitEvent(topic: string, name: string, value: boolean): void {
    this.queue.push({ topic, name, value, ts: Date.now() });
    for (const p of [...this.pending]) {
      clearTimeout(p.timer);
      this.pending.delete(p);
      p.flush();
    }
  }

  emitMotion(value: boolean): void {
    this.emitEvent('tns1:RuleEngine/CellMotionDetector/Motion', 'IsMotion', value);
  }

  emitTamper(value: boolean): void {
    this.emitEvent('tns1:VideoSource/GlobalSceneChange/ImagingService', 'State', value);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === 'GET' && req.url === '/snapshot.jpg') {
      serveSnapshot(req, res, {
        username: this.opts.username,
        password: this.opts.password,
        auth: this.opts.snapshotAuth,
        body: this.opts.snapshot,
        nonce: this.nonce,
      });
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const action = soapAction(body) ?? 'unknown';
      this.calls.set(action, (this.calls.get(action) ?? 0) + 1);
      this.opts.onRequest?.(action, body, req.url ?? '');
      if (this.fault !== 'none' && this.misbehave(res)) return;
      try {
        this.answer(req, res, action, body);
      } catch (err) {
        this.send(res, 500, R.fault('s:Receiver', 'ter:Action', errMessage(err)));
      }
    });
  }

  private misbehave(res: ServerResponse): boolean {
    switch (this.fault) {
      case 'malformed':
        this.send(
          res,
          200,
          '<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><tds:GetSystemDateAndTimeResponse><oops</s:Body>',
        );
        return true;
      case 'garbage':
        res.writeHead(200, { 'content-type': 'application/soap+xml' });
        res.end(Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80, 0x81, 0x3c, 0x3e, 0]));
        return true;
      case 'xxe':
        this.send(
          res,
          200,
          '<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' +
            '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema"><s:Body>' +
            '<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:TimeZone><tt:TZ>&xxe;</tt:TZ></tt:TimeZone></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse></s:Body></s:Envelope>',
        );
        return true;
      case 'enormous': {
        // 64 MB of a syntactically fine envelope, produced lazily.
        res.writeHead(200, { 'content-type': 'application/soap+xml' });
        res.write('<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><x>');
        const chunk = Buffer.alloc(64 * 1024, 'a');
        let left = 1024;
        const pump = () => {
          while (left > 0) {
            left--;
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end('</x></s:Body></s:Envelope>');
        };
        res.on('close', () => (left = 0));
        pump();
        return true;
      }
      case 'hang':
        return true; // never answers
      default:
        return false;
    }
  }

  private answer(req: IncomingMessage, res: ServerResponse, action: string, body: string): void {
    const d = this.device();
    if (action === 'GetSystemDateAndTime') return this.send(res, 200, R.systemDateAndTime(d));
    const user = this.opts.username ?? 'admin';
    const password = this.opts.password ?? 'admin';
    if (!verifyUsernameToken(parseUsernameToken(body), user, password)) {
      return this.send(res, 400, R.fault('s:Sender', 'ter:NotAuthorized', 'Sender not Authorized'));
    }
    const tokenOf = () => /<(?:\w+:)?ProfileToken>([^<]*)</.exec(body)?.[1] ?? 'main';
    const prof = () => d.profiles.find((p) => p.token === tokenOf());
    switch (action) {
      case 'GetCapabilities':
        return this.send(res, 200, R.capabilities(d));
      case 'GetServices':
        return this.send(res, 200, R.services(d));
      case 'GetDeviceInformation':
        return this.send(res, 200, R.deviceInformation(d));
      case 'GetProfiles':
        return this.send(res, 200, R.profiles(d));
      case 'GetProfile': {
        const p = prof();
        return p ? this.send(res, 200, R.profile(p)) : this.send(res, 400, R.fault('s:Sender', 'ter:NoProfile', 'no such profile'));
      }
      case 'GetVideoSources':
        return this.send(res, 200, R.videoSources());
      case 'GetStreamUri': {
        const p = prof();
        return p
          ? this.send(res, 200, R.streamUri(p.streamUri))
          : this.send(res, 400, R.fault('s:Sender', 'ter:NoProfile', 'no such profile'));
      }
      case 'GetSnapshotUri':
        return this.send(res, 200, R.snapshotUri(`${this.base}/snapshot.jpg`));
      case 'GetScopes':
        return this.send(
          res,
          200,
          R.envelope(
            `<tds:GetScopesResponse>${this.scopes()
              .map((s) => `<tds:Scopes><tt:ScopeDef>Fixed</tt:ScopeDef><tt:ScopeItem>${R.esc(s)}</tt:ScopeItem></tds:Scopes>`)
              .join('')}</tds:GetScopesResponse>`,
          ),
        );
      case 'GetHostname':
        return this.send(
          res,
          200,
          R.envelope(
            '<tds:GetHostnameResponse><tds:HostnameInformation><tt:FromDHCP>false</tt:FromDHCP><tt:Name>sim-cam</tt:Name></tds:HostnameInformation></tds:GetHostnameResponse>',
          ),
        );
      case 'CreatePullPointSubscription': {
        const id = ++this.subscriptionSeq;
        this.queue = [];
        return this.send(res, 200, R.createPullPoint(`${this.base}/onvif/subscription/${id}`, Date.now(), 120));
      }
      case 'PullMessages':
        return this.pull(res);
      case 'Renew':
        return this.send(res, 200, R.renew(Date.now(), 120));
      case 'Unsubscribe':
        return this.send(res, 200, R.envelope('<wsnt:UnsubscribeResponse/>'));
      case 'GetEventProperties':
        return this.send(
          res,
          200,
          R.envelope(
            '<tev:GetEventPropertiesResponse><tev:TopicNamespaceLocation>http://www.onvif.org/onvif/ver10/topics/topicns.xml</tev:TopicNamespaceLocation><wsnt:FixedTopicSet>true</wsnt:FixedTopicSet></tev:GetEventPropertiesResponse>',
          ),
        );
      default:
        void req;
        return this.send(res, 400, R.fault('s:Receiver', 'ter:ActionNotSupported', `${action} is not supported by the simulator`));
    }
  }

  private pull(res: ServerResponse): void {
    const flush = () => {
      const events = this.queue.splice(0, 10);
      this.send(res, 200, R.pullMessages(events, Date.now(), 120));
    };
    if (this.queue.length) return flush();
    const entry = {
      res,
      flush,
      timer: setTimeout(() => {
        this.pending.delete(entry);
        flush();
      }, this.opts.maxPullWaitMs ?? 5000),
    };
    this.pending.add(entry);
    res.on('close', () => {
      clearTimeout(entry.timer);
      this.pending.delete(entry);
    });
  }

  private send(res: ServerResponse, status: number, xml: string): void {
    if (res.writableEnded || res.destroyed) return;
    // Connection: close — some clients (libonvif's onvif-util) read replies until the peer closes.
    res.writeHead(status, {
      'Content-Type': 'application/soap+xml; charset=utf-8',
      'Content-Length': Buffer.byteLength(xml),
      Connection: 'close',
    });
    res.end(xml);
  }

  private scopes(): string[] {
    const d = this.device();
    return [
      'onvif://www.onvif.org/type/video_encoder',
      'onvif://www.onvif.org/Profile/Streaming',
      `onvif://www.onvif.org/name/${encodeURIComponent(d.manufacturer)}_${encodeURIComponent(d.model)}`,
      `onvif://www.onvif.org/hardware/${encodeURIComponent(d.model)}`,
      'onvif://www.onvif.org/location/sim',
    ];
  }

  private async startDiscovery(): Promise<void> {
    const udp = createSocket({ type: 'udp4', reuseAddr: true });
    this.udp = udp;
    udp.on('message', (msg, rinfo) => {
      const text = msg.toString('utf8');
      if (!/Probe\b/.test(text) || /ProbeMatches/.test(text)) return;
      const relatesTo = /<(?:[\w-]+:)?MessageID[^>]*>([^<]+)</.exec(text)?.[1] ?? '';
      const reply = R.probeMatch({
        relatesTo,
        messageId: `urn:uuid:${randomUUID()}`,
        endpoint: this.endpoint,
        xaddr: this.deviceUrl,
        scopes: this.scopes(),
      });
      udp.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(3702, () => {
        try {
          udp.addMembership('239.255.255.250');
          resolve();
        } catch (err) {
          reject(err);
        }
      });
    });
  }
}
