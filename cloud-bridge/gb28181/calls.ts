/**
 * INVITE, ACK, BYE and CANCEL from the platform: which camera, whether the offer can be served,
 * the cap on concurrent sessions (486 Busy Here beyond it), and the table of live sessions.
 */
import type { Logger } from '../../gateway/core/logger.js';
import { header, type SipRequest } from './sip/message.js';
import { parseUri } from './sip/headers.js';
import type { Peer } from './sip/transport.js';
import type { UserAgent } from './sip/ua.js';
import { parseOffer, type MediaOffer } from './sdp.js';
import { LiveSession } from './session.js';
import type { ChannelState } from './manscdp/messages.js';
import { errMessage } from '../../gateway/core/errors.js';
import type { PictureSource } from '../../gateway/lib/stream/decoder-feed.js';

export interface CallDeps {
  ua: UserAgent;
  log: Logger;
  t1Ms: number;
  maxSessions: number;
  channels: () => ChannelState[];
  /** The camera's shared stream (no RTSP session of its own, the first picture from the GOP cache),
   *  or undefined when the camera is unknown or not running. */
  cameraPictures: (cameraId: string) => PictureSource | undefined;
}

export class CallHandler {
  readonly sessions = new Map<string, LiveSession>();
  refused = 0;

  constructor(private readonly d: CallDeps) {}

  async onRequest(req: SipRequest, from: Peer): Promise<void> {
    const { ua } = this.d;
    const callId = header(req, 'Call-ID') as string;
    const session = this.sessions.get(callId);
    switch (req.method) {
      case 'INVITE':
        if (session) return ua.reply(req, from, 488, { reason: 'Re-INVITE not supported' });
        return this.invite(req, from);
      case 'ACK':
        return session?.onAck();
      case 'BYE':
        if (!session) return ua.reply(req, from, 481);
        return session.onBye(req, from);
      case 'CANCEL':
        // The INVITE is answered at once, so there is nothing left to cancel (RFC 3261 §9.2).
        return ua.reply(req, from, session ? 200 : 481);
    }
  }

  async stopAll(reason: string): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.end(reason, true)));
  }

  private async invite(req: SipRequest, from: Peer): Promise<void> {
    const { ua, log } = this.d;
    const refuse = (status: number, reason: string, why: string) => {
      this.refused++;
      log.warn({ status, why, callId: header(req, 'Call-ID') }, 'GB/T 28181 INVITE refused');
      return ua.reply(req, from, status, { reason });
    };
    let target: string | undefined;
    try {
      target = parseUri(req.uri).user;
    } catch {
      target = undefined;
    }
    const channel = this.d.channels().find((c) => c.gbId === target);
    if (!channel) return refuse(404, 'Not Found', `no channel ${target ?? '(none)'}`);
    if (channel.kind !== 'camera') return refuse(488, 'Not Acceptable Here', `channel ${channel.gbId} (${channel.sourceId}) has no video`);
    let offer: MediaOffer;
    try {
      offer = parseOffer(req.body.toString('utf8'));
    } catch (err) {
      return refuse(488, 'Not Acceptable Here', errMessage(err));
    }
    if (!/^play$/i.test(offer.sessionName))
      return refuse(488, 'Not Acceptable Here', `s=${offer.sessionName}: only live video (Play) is served`);
    const live = [...this.sessions.values()].filter((s) => !s.ended).length;
    if (live >= this.d.maxSessions) return refuse(486, 'Busy Here', `${live} live sessions already (gb28181.maxLiveSessions)`);
    const pictures = this.d.cameraPictures(channel.sourceId);
    if (!pictures) return refuse(503, 'Service Unavailable', `camera ${channel.sourceId} has no stream now`);
    await ua.reply(req, from, 100);
    const s = new LiveSession(req, from, offer, {
      ua,
      log,
      t1Ms: this.d.t1Ms,
      channelId: channel.gbId,
      cameraId: channel.sourceId,
      pictures,
      onEnd: (ended) => {
        if (this.sessions.get(ended.callId) === ended) this.sessions.delete(ended.callId);
      },
    });
    this.sessions.set(s.callId, s);
    try {
      await s.accept();
    } catch (err) {
      this.sessions.delete(s.callId);
      await s.end(errMessage(err), false);
      return refuse(500, 'Server Internal Error', `cannot prepare the media: ${errMessage(err)}`);
    }
  }
}
