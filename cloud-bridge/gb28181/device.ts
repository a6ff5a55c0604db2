/**
 * The GB/T 28181 device: the SIP user agent, registration, keepalive, the platform's queries,
 * live-video calls and alarm notifications, wired together. No knowledge of the gateway's rooms:
 * it is given its channels, their state and the cameras' URLs.
 */
import type { Logger } from '../../gateway/core/logger.js';
import type { SipRequest } from './sip/message.js';
import type { Peer } from './sip/transport.js';
import { UserAgent, type UaIdentity } from './sip/ua.js';
import { Registration } from './register.js';
import { Keepalive } from './keepalive.js';
import { QueryHandler } from './queries.js';
import { CallHandler } from './calls.js';
import type { PictureSource } from '../../gateway/lib/stream/decoder-feed.js';
import type { Charset } from './manscdp/charset.js';
import { alarmBody, keepaliveBody, MANSCDP_TYPE, type ChannelState, type DeviceFacts } from './manscdp/messages.js';
import { errMessage } from '../../gateway/core/errors.js';

export interface DeviceOptions {
  identity: UaIdentity;
  log: Logger;
  username: string;
  password: () => string | undefined;
  registerExpiresS: number;
  keepaliveIntervalS: number;
  keepaliveMisses: number;
  retryMinMs: number;
  retryMaxMs: number;
  charset: Charset;
  maxLiveSessions: number;
  facts: () => DeviceFacts;
  channels: () => ChannelState[];
  /** The camera's shared stream (its one RTSP session and GOP cache), or undefined when it is not running. */
  cameraPictures: (cameraId: string) => PictureSource | undefined;
  onRegistered?(expiresS: number): void;
  onUnregistered?(reason: string): void;
}

export interface AlarmToSend {
  channelId: string;
  priority: number;
  ts: number;
  description: string;
}

/** Alarms kept while unregistered; past this, the oldest are dropped (the MQTT outbox keeps them all). */
const MAX_QUEUED_ALARMS = 100;

export class GbDevice {
  readonly ua: UserAgent;
  readonly registration: Registration;
  readonly keepalive: Keepalive;
  readonly queries: QueryHandler;
  readonly calls: CallHandler;
  private sn = Math.floor(Math.random() * 100_000);
  private readonly queued: AlarmToSend[] = [];
  alarmsSent = 0;

  constructor(private readonly o: DeviceOptions) {
    const log = o.log;
    this.ua = new UserAgent(o.identity, log, (reason) => this.registration.renewNow(`TCP ${reason}`));
    this.registration = new Registration({
      ua: this.ua,
      log,
      username: o.username,
      password: o.password,
      expiresS: o.registerExpiresS,
      retryMinMs: o.retryMinMs,
      retryMaxMs: o.retryMaxMs,
      onRegistered: (expiresS) => {
        this.keepalive.start();
        this.o.onRegistered?.(expiresS);
        void this.flushAlarms();
      },
      onUnregistered: (reason) => {
        this.keepalive.stop();
        this.o.onUnregistered?.(reason);
      },
    });
    this.keepalive = new Keepalive({
      intervalMs: o.keepaliveIntervalS * 1000,
      misses: o.keepaliveMisses,
      log,
      send: async () => (await this.message(keepaliveBody(o.identity.deviceId, this.nextSn(), o.charset))).status,
      onLost: (reason) => this.registration.renewNow(reason),
    });
    this.queries = new QueryHandler({ ua: this.ua, log, charset: o.charset, device: o.facts, channels: o.channels });
    this.calls = new CallHandler({
      ua: this.ua,
      log,
      t1Ms: o.identity.t1Ms,
      maxSessions: o.maxLiveSessions,
      channels: o.channels,
      cameraPictures: o.cameraPictures,
    });
    this.ua.onRequest = (req, from) => void this.route(req, from);
  }

  async start(): Promise<void> {
    await this.ua.start();
    this.registration.start();
  }

  async stop(): Promise<void> {
    this.keepalive.stop();
    await this.calls.stopAll('the gateway is stopping');
    await this.registration.stop();
    await this.ua.stop();
  }

  /** Sends an Alarm notification now if registered, else when the registration is back. */
  async alarm(a: AlarmToSend): Promise<void> {
    if (!this.registration.registered) {
      this.queued.push(a);
      if (this.queued.length > MAX_QUEUED_ALARMS) this.queued.shift();
      this.o.log.warn(
        { channelId: a.channelId, queued: this.queued.length },
        'not registered: the GB/T 28181 alarm waits for the registration',
      );
      return;
    }
    try {
      const res = await this.message(alarmBody({ ...a, method: 2 }, this.nextSn(), this.o.charset));
      this.alarmsSent++;
      this.o.log.info({ channelId: a.channelId, status: res.status }, 'GB/T 28181 alarm sent');
    } catch (err) {
      this.o.log.warn({ channelId: a.channelId, err: errMessage(err) }, 'GB/T 28181 alarm unanswered');
    }
  }

  private async flushAlarms(): Promise<void> {
    for (const a of this.queued.splice(0)) await this.alarm(a);
  }

  private nextSn(): number {
    this.sn = (this.sn % 999_999_999) + 1;
    return this.sn;
  }

  private message(body: Buffer) {
    return this.ua.send(this.ua.build({ method: 'MESSAGE', contentType: MANSCDP_TYPE, body }));
  }

  private async route(req: SipRequest, from: Peer): Promise<void> {
    switch (req.method) {
      case 'MESSAGE':
        return this.queries.onMessage(req, from);
      case 'INVITE':
      case 'ACK':
      case 'BYE':
      case 'CANCEL':
        return this.calls.onRequest(req, from);
      case 'OPTIONS':
        return this.ua.reply(req, from, 200, { headers: [{ name: 'Allow', value: 'INVITE, ACK, BYE, CANCEL, MESSAGE, OPTIONS' }] });
      default:
        return this.ua.reply(req, from, 405, { headers: [{ name: 'Allow', value: 'INVITE, ACK, BYE, CANCEL, MESSAGE, OPTIONS' }] });
    }
  }
}
