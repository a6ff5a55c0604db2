/**
 * One live-video session (GB/T 28181-2016 §9.2, real-time media): the INVITE is answered with
 * the device's SDP while it subscribes to the camera's shared stream; the ACK starts the stream
 * (PS over RTP from the cached keyframe); a BYE from the platform, or the device's own BYE when
 * the camera or the receiver fails, ends it and leaves the shared stream.
 */
import type { Logger } from '../../gateway/core/logger.js';
import { header, type SipRequest } from './sip/message.js';
import { parseNameAddr } from './sip/headers.js';
import { newTag } from './sip/build.js';
import type { Peer } from './sip/transport.js';
import type { UserAgent } from './sip/ua.js';
import { buildAnswer, type MediaOffer } from './sdp.js';
import { psPack } from './media/ps-mux.js';
import { RtpPacketiser } from './media/rtp.js';
import type { AccessUnit } from './media/ts-demux.js';
import { startSharedSource, type LiveSource } from './media/source.js';
import type { PictureSource } from '../../gateway/lib/stream/decoder-feed.js';
import { tcpActiveSink, tcpPassiveSink, udpSink, type MediaSink } from './media/sink.js';
import { errMessage } from '../../gateway/core/errors.js';

/** Over this many bytes queued on a TCP stream, pictures are skipped until the next keyframe. */
const MAX_BACKLOG = 4 * 1024 * 1024;

export interface SessionDeps {
  ua: UserAgent;
  log: Logger;
  t1Ms: number;
  channelId: string;
  cameraId: string;
  /** The camera's shared stream (its one RTSP session and GOP cache). */
  pictures: PictureSource;
  onEnd(s: LiveSession, reason: string): void;
}

export class LiveSession {
  readonly callId: string;
  private readonly localTag = newTag();
  private sink: MediaSink | undefined;
  private source: LiveSource | undefined;
  private packetiser: RtpPacketiser;
  private state: 'answering' | 'answered' | 'streaming' | 'ended' = 'answering';
  private waitingKey = true;
  private okTimer: NodeJS.Timeout | undefined;
  private cseq = 1;
  /** The pictures since the last keyframe while the ACK is awaited: sent at once after it, so the
   *  platform does not wait up to a GOP for the next keyframe (the shared stream hands its cached GOP
   *  over at INVITE). Bounded like a GOP cache. */
  private beforeAck: AccessUnit[] = [];
  private mediaOpen = false;
  /** firstPictureMs: INVITE → first picture received from the camera; firstSentMs: → first picture sent. */
  readonly stats = {
    pictures: 0,
    firstPictureMs: -1,
    firstSentMs: -1,
    frames: 0,
    packets: 0,
    bytes: 0,
    skipped: 0,
    startedAt: Date.now(),
  };

  constructor(
    private readonly invite: SipRequest,
    private readonly from: Peer,
    readonly offer: MediaOffer,
    private readonly d: SessionDeps,
  ) {
    this.callId = header(invite, 'Call-ID') as string;
    this.packetiser = new RtpPacketiser(offer.ssrc, offer.payloadType);
  }

  get ended(): boolean {
    return this.state === 'ended';
  }

  /** Prepares the media side and answers 200 OK with the SDP; throws if the sink cannot be made. */
  async accept(): Promise<void> {
    const local = this.d.ua.local.address;
    const gone = (why: string) => void this.end(why, true);
    const to = { address: this.offer.address, port: this.offer.port };
    const timeout = 64 * this.d.t1Ms;
    this.sink =
      this.offer.transport === 'udp'
        ? await udpSink(local, to, gone)
        : this.offer.deviceRole === 'active'
          ? tcpActiveSink(to, timeout, gone)
          : await tcpPassiveSink(local, timeout, gone);
    this.source = startSharedSource(this.d.pictures, (au) => this.onUnit(au));
    void this.source.ended.then((why) => this.end(`camera stream ended: ${why}`, true));
    const sdp = buildAnswer({ channelId: this.d.channelId, address: local, port: this.sink.port, offer: this.offer });
    const ok = () =>
      this.d.ua.reply(this.invite, this.from, 200, {
        toTag: this.localTag,
        headers: [{ name: 'Contact', value: this.d.ua.contact }],
        contentType: 'application/sdp',
        body: Buffer.from(sdp),
      });
    this.state = 'answered'; // before sending: the ACK may be handled before ok() resolves
    await ok();
    // RFC 3261 §13.3.1.4: the 2xx is retransmitted until the ACK; no ACK within 64*T1 ends the call.
    const started = Date.now();
    const again = (interval: number) => {
      this.okTimer = setTimeout(() => {
        if (this.state !== 'answered') return;
        if (Date.now() - started >= 64 * this.d.t1Ms) return void this.end('no ACK for the 200 OK', true);
        if (!this.d.ua.transport.reliable) void ok();
        again(Math.min(interval * 2, 4000));
      }, interval);
    };
    again(this.d.t1Ms);
  }

  /** The platform's ACK: open the media connection and start sending. */
  async onAck(): Promise<void> {
    if (this.state !== 'answered') return;
    this.state = 'streaming';
    clearTimeout(this.okTimer);
    try {
      await this.sink?.open();
    } catch (err) {
      return this.end(errMessage(err), true);
    }
    // The GOP gathered while the ACK was awaited (the shared stream's cache first): the first picture now.
    const held = this.beforeAck;
    this.beforeAck = [];
    this.mediaOpen = true;
    for (const au of held) this.onUnit(au);
    this.d.log.info(
      {
        callId: this.callId,
        cameraId: this.d.cameraId,
        to: `${this.offer.address}:${this.offer.port}`,
        transport: this.offer.transport,
        role: this.offer.deviceRole,
      },
      'GB/T 28181 live video started',
    );
  }

  /** BYE from the platform. */
  async onBye(req: SipRequest, from: Peer): Promise<void> {
    await this.d.ua.reply(req, from, 200);
    await this.end('BYE from the platform', false);
  }

  async end(reason: string, sendBye: boolean): Promise<void> {
    if (this.state === 'ended') return;
    const wasConfirmed = this.state !== 'answering';
    this.state = 'ended';
    clearTimeout(this.okTimer);
    this.source?.stop();
    this.sink?.close();
    this.d.log.info(
      {
        callId: this.callId,
        cameraId: this.d.cameraId,
        reason,
        ...this.stats,
        ms: Date.now() - this.stats.startedAt,
      },
      'GB/T 28181 live video ended',
    );
    this.d.onEnd(this, reason);
    if (sendBye && wasConfirmed) {
      try {
        await this.d.ua.send(this.bye());
      } catch (err) {
        this.d.log.warn({ callId: this.callId, err: errMessage(err) }, 'BYE to the platform unanswered');
      }
    }
  }

  private bye(): SipRequest {
    const contact = header(this.invite, 'Contact');
    let uri: string | undefined;
    try {
      uri = contact ? parseNameAddr(contact).uri : undefined;
    } catch {
      uri = undefined;
    }
    const to = header(this.invite, 'To') as string;
    return this.d.ua.build({
      method: 'BYE',
      ...(uri ? { uri } : {}),
      from: /;\s*tag=/i.test(to) ? to : `${to};tag=${this.localTag}`,
      to: header(this.invite, 'From') as string,
      callId: this.callId,
      cseq: ++this.cseq,
    });
  }

  private onUnit(au: AccessUnit): void {
    if (this.stats.pictures++ === 0) this.stats.firstPictureMs = Date.now() - this.stats.startedAt;
    if (this.state === 'ended') return;
    if (!this.mediaOpen) {
      if (au.keyframe) this.beforeAck = [au];
      else if (this.beforeAck.length > 0 && this.beforeAck.length < 600) this.beforeAck.push(au);
      return;
    }
    if (this.state !== 'streaming' || !this.sink) return;
    if (this.waitingKey && !au.keyframe) return;
    if (this.sink.backlog() > MAX_BACKLOG) {
      this.waitingKey = true;
      this.stats.skipped++;
      return;
    }
    const first = this.waitingKey;
    this.waitingKey = false;
    const pack = psPack(au, { withHeaders: au.keyframe || first });
    for (const p of this.packetiser.packetise(pack, au.pts)) {
      this.sink.send(p);
      this.stats.packets++;
      this.stats.bytes += p.length;
    }
    if (this.stats.frames++ === 0) this.stats.firstSentMs = Date.now() - this.stats.startedAt;
  }
}
