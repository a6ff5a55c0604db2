/**
 * MESSAGE requests from the platform (MANSCDP): 200 OK at once, then the answer in the device's
 * own MESSAGE(s): Catalog (split so each fits a UDP datagram), DeviceInfo, DeviceStatus. Bodies
 * that are not MANSCDP, not XML, or for another device are refused with a SIP error.
 */
import type { Logger } from '../../gateway/core/logger.js';
import { header, type SipRequest } from './sip/message.js';
import type { Peer } from './sip/transport.js';
import type { UserAgent } from './sip/ua.js';
import type { Charset } from './manscdp/charset.js';
import { decodeBody } from './manscdp/charset.js';
import {
  catalogBodies,
  deviceInfoBody,
  deviceStatusBody,
  MANSCDP_TYPE,
  parseManscdp,
  type ChannelState,
  type DeviceFacts,
  type Incoming,
} from './manscdp/messages.js';

/**
 * Catalog body budget: over UDP the whole MESSAGE stays under 1300 bytes (RFC 3261 §18.1.1's
 * limit for UDP without path MTU knowledge; our headers take about 400), over TCP one body may
 * carry many items.
 */
export const CATALOG_BODY_BYTES = { udp: 900, tcp: 16_000 };

export interface QueryDeps {
  ua: UserAgent;
  log: Logger;
  charset: Charset;
  device: () => DeviceFacts;
  channels: () => ChannelState[];
}

export class QueryHandler {
  handled = 0;
  constructor(private readonly d: QueryDeps) {}

  async onMessage(req: SipRequest, from: Peer): Promise<void> {
    const { ua, log } = this.d;
    const type = header(req, 'Content-Type') ?? '';
    if (!/^application\/manscdp\+xml/i.test(type.trim())) return ua.reply(req, from, 415);
    let msg: Incoming;
    try {
      msg = parseManscdp(decodeBody(req.body, type, this.d.charset));
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'MANSCDP body refused');
      return ua.reply(req, from, 400, { reason: 'Bad MANSCDP body' });
    }
    const dev = this.d.device();
    const channel = this.d.channels().find((c) => c.gbId === msg.deviceId);
    if (msg.deviceId !== dev.deviceId && !channel) return ua.reply(req, from, 404, { reason: 'Unknown DeviceID' });
    await ua.reply(req, from, 200);
    this.handled++;
    if (msg.root !== 'Query') {
      log.debug({ root: msg.root, cmdType: msg.cmdType }, 'MANSCDP message acknowledged');
      return;
    }
    const bodies = this.answer(msg, dev, channel);
    if (!bodies) {
      log.info({ cmdType: msg.cmdType }, 'MANSCDP query not supported; acknowledged without an answer');
      return;
    }
    for (const [i, body] of bodies.entries()) {
      try {
        const res = await ua.send(ua.build({ method: 'MESSAGE', contentType: MANSCDP_TYPE, body }));
        if (res.status >= 300)
          log.warn({ cmdType: msg.cmdType, part: i + 1, of: bodies.length, status: res.status }, 'the platform refused a query answer');
      } catch (err) {
        log.warn({ cmdType: msg.cmdType, part: i + 1, of: bodies.length, err: (err as Error).message }, 'query answer unanswered');
      }
    }
    log.info({ cmdType: msg.cmdType, sn: msg.sn, messages: bodies.length }, 'MANSCDP query answered');
  }

  private answer(msg: Incoming, dev: DeviceFacts, channel: ChannelState | undefined): Buffer[] | undefined {
    const { charset } = this.d;
    const channels = this.d.channels();
    switch (msg.cmdType) {
      case 'Catalog':
        return catalogBodies(
          dev,
          channels,
          msg.sn,
          charset,
          this.d.ua.transport.reliable ? CATALOG_BODY_BYTES.tcp : CATALOG_BODY_BYTES.udp,
        );
      case 'DeviceInfo':
        return [deviceInfoBody(dev, msg.sn, channels.length, charset)];
      case 'DeviceStatus':
        return channel
          ? [deviceStatusBody(channel.gbId, msg.sn, channel.online, Date.now(), charset, [])]
          : [
              deviceStatusBody(
                dev.deviceId,
                msg.sn,
                true,
                Date.now(),
                charset,
                channels.filter((c) => c.kind === 'alarm-input'),
              ),
            ];
      default:
        return undefined;
    }
  }
}
