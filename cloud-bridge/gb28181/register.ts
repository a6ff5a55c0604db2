/**
 * Registration with the platform (GB/T 28181-2016 §9.1): REGISTER, the Digest challenge
 * answered (MD5, with or without qop), renewed before it expires, tried again after a failure
 * with exponential backoff and jitter, and `Expires: 0` on stop.
 */
import type { Logger } from '../../gateway/core/logger.js';
import { backoffDelay } from '../../gateway/core/backoff.js';
import { header } from './sip/message.js';
import { newCallId, newTag } from './sip/build.js';
import { randomBytes } from 'node:crypto';
import { digestAuthorization, parseChallenges, pickDigest } from '../../gateway/lib/onvif/http-digest.js';
import { TransactionTimeout } from './sip/transactions.js';
import type { UserAgent } from './sip/ua.js';
import type { SipResponse } from './sip/message.js';
import { errMessage } from '../../gateway/core/errors.js';

export interface RegistrationOptions {
  ua: UserAgent;
  log: Logger;
  username: string;
  /** Read at each attempt, so a corrected password file is picked up. */
  password: () => string | undefined;
  expiresS: number;
  retryMinMs: number;
  retryMaxMs: number;
  onRegistered(expiresS: number): void;
  onUnregistered(reason: string): void;
}

/** When to renew a registration granted for `expiresS`: well before it ends. */
export function renewAfterMs(expiresS: number): number {
  return Math.max(1000, Math.min(expiresS - 30, expiresS * 0.8) * 1000);
}

export class Registration {
  private callId = '';
  private readonly fromTag = newTag();
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private running = false;
  private busy: Promise<void> | undefined;
  registered = false;
  /** Attempts made (for tests and the summary). */
  attempts = 0;
  lastError: string | undefined;

  constructor(private readonly o: RegistrationOptions) {}

  /** Starts registering (now, then renewing or retrying for as long as it runs). */
  start(): void {
    this.running = true;
    this.schedule(0);
  }

  /** The registration is in doubt (keepalives unanswered, connection lost): register now. */
  renewNow(reason: string): void {
    if (!this.running) return;
    if (this.registered) {
      this.registered = false;
      this.o.onUnregistered(reason);
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.busy?.catch(() => undefined);
    if (!this.registered) return;
    this.registered = false;
    try {
      const res = await this.exchange(0);
      this.o.log.info({ status: res.status }, 'unregistered from the GB/T 28181 platform (Expires: 0)');
    } catch (err) {
      this.o.log.warn({ err: errMessage(err) }, 'could not unregister from the GB/T 28181 platform');
    }
    this.o.onUnregistered('stopped');
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.busy = this.attempt().finally(() => (this.busy = undefined));
    }, ms);
  }

  private async attempt(): Promise<void> {
    if (!this.running) return;
    this.attempts++;
    let failure: string;
    try {
      const res = await this.exchange(this.o.expiresS);
      if (!this.running) return;
      if (res.status >= 200 && res.status < 300) {
        const granted = grantedExpires(res) ?? this.o.expiresS;
        const first = !this.registered;
        this.registered = true;
        this.failures = 0;
        this.lastError = undefined;
        if (first) this.o.log.info({ expiresS: granted, server: this.o.ua.serverUri }, 'registered with the GB/T 28181 platform');
        this.o.onRegistered(granted);
        this.schedule(renewAfterMs(granted));
        return;
      }
      failure =
        res.status === 403 || res.status === 401
          ? `the platform refused the credentials (${res.status} ${res.reason}): check gb28181.deviceId, username and passwordFile`
          : `the platform answered ${res.status} ${res.reason}`;
    } catch (err) {
      failure =
        err instanceof TransactionTimeout
          ? `no answer from ${this.o.ua.serverUri}: ${err.message}`
          : err instanceof DigestError
            ? `cannot answer the platform's challenge: ${err.message}`
            : errMessage(err);
    }
    if (!this.running) return;
    if (this.registered) {
      this.registered = false;
      this.o.onUnregistered(failure);
    }
    const delay = backoffDelay(this.failures++, this.o.retryMinMs, this.o.retryMaxMs);
    this.lastError = failure;
    this.o.log.error({ attempt: this.attempts, retryInMs: delay }, `GB/T 28181 registration failed: ${failure}`);
    this.schedule(delay);
  }

  /** One REGISTER, answering one Digest challenge if the platform sends it. */
  private async exchange(expires: number): Promise<SipResponse> {
    const { ua } = this.o;
    await ua.prepare(); // Via and Contact need our address on the route to the platform
    this.callId ||= newCallId(ua.local.address);
    const send = (auth?: { name: string; value: string }) =>
      ua.send(
        ua.build({
          method: 'REGISTER',
          from: `<${ua.deviceAor}>;tag=${this.fromTag}`,
          to: `<${ua.deviceAor}>`,
          callId: this.callId,
          contact: true,
          headers: [{ name: 'Expires', value: String(expires) }, ...(auth ? [auth] : [])],
        }),
      );
    const first = await send();
    if (first.status !== 401 && first.status !== 407) return first;
    const challenge = header(first, first.status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate');
    if (!challenge) return first;
    const password = this.o.password();
    if (password === undefined) throw new DigestError('the platform asks for a password and gb28181.passwordFile is not set');
    const digest = pickDigest(parseChallenges(challenge));
    if (!digest)
      throw new DigestError(`cannot answer the challenge "${challenge.slice(0, 120)}" (Digest MD5 or SHA-256, qop auth or none)`);
    const auth = digestAuthorization(digest, {
      username: this.o.username,
      password,
      method: 'REGISTER',
      uri: ua.serverUri,
      cnonce: randomBytes(8).toString('hex'),
      nc: 1,
    });
    return send({ name: first.status === 401 ? 'Authorization' : 'Proxy-Authorization', value: auth });
  }
}

/** The platform's challenge cannot be answered (no password, an algorithm or qop not supported). */
export class DigestError extends Error {
  override name = 'DigestError';
}

function grantedExpires(res: SipResponse): number | undefined {
  const contact = header(res, 'Contact');
  const fromContact = contact ? /;\s*expires\s*=\s*(\d+)/i.exec(contact)?.[1] : undefined;
  const v = fromContact ?? header(res, 'Expires');
  const n = v === undefined ? NaN : Number(v.trim());
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
