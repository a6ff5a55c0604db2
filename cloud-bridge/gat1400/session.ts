import { randomBytes } from 'node:crypto';
import type { Logger } from '../../gateway/core/logger.js';
import { backoffDelay } from '../../gateway/core/backoff.js';
import { digestAuthorization, parseChallenges, pickDigest } from '../../gateway/lib/onvif/http-digest.js';
import { TransportError, type HttpAnswer, type HttpClient } from './http.js';
import { parseViidTime } from './ids.js';
import { classifyStatusCode, parseResponseStatus, parseSystemTime } from './responses.js';
import { errMessage } from '../../gateway/core/errors.js';

export type SessionState = 'stopped' | 'registering' | 'registered' | 'waiting';

export interface SessionContext {
  http: HttpClient;
  deviceId: string;
  username: string;
  /** Read at every registration, so a fixed password file is picked up without a restart. */
  password: () => string;
  keepaliveMs: number;
  retryMinMs: number;
  retryMaxMs: number;
  /** Platform time zone, minutes east of UTC (for the clock check). */
  offsetMinutes: number;
  log: Logger;
  onState?: (state: SessionState, detail: string) => void;
}

/** Warn when the platform's clock and ours differ by more than this. */
const CLOCK_SKEW_WARN_MS = 10_000;
/** Keepalives lost to the network in a row before the session counts as lost. */
const MAX_KEEPALIVE_MISSES = 3;

/**
 * The GA/T 1400 session: Register (answering the Digest challenge), then Keepalive every
 * `keepaliveMs` (minus up to 10% jitter), UnRegister on stop. A refused or failed registration is
 * retried with backoff and jitter (retryMinMs..retryMaxMs), forever. A keepalive answered 401 or
 * with a non-zero StatusCode, three keepalives lost in a row, or `lost()` (a 401 on a data
 * request) register again. Every request after registering carries `User-Identify`.
 */
export class ViidSession {
  private current: SessionState = 'stopped';
  private failures = 0;
  private keepaliveMisses = 0;
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;
  private waiters: { resolve: () => void; reject: (err: Error) => void }[] = [];
  private lastError = '';
  registrations = 0;
  keepalives = 0;

  constructor(private readonly ctx: SessionContext) {}

  get state(): SessionState {
    return this.current;
  }

  /** Headers of every request after registering. */
  headers(): Record<string, string> {
    return {
      'Content-Type': 'application/VIID+JSON;charset=UTF-8',
      Accept: 'application/VIID+JSON, application/json',
      'User-Identify': this.ctx.deviceId,
    };
  }

  start(): void {
    if (this.current !== 'stopped') return;
    this.schedule(0, 'start');
  }

  /** Resolves once registered; rejects if the session is stopped first. */
  registered(): Promise<void> {
    if (this.current === 'registered') return Promise.resolve();
    if (this.current === 'stopped') return Promise.reject(new Error('GA/T 1400 session stopped'));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** A request succeeded: the platform knows us; retries start from the shortest delay again. */
  ok(): void {
    this.failures = 0;
  }

  /** The platform no longer knows us (401 on a data request): register again, with backoff. */
  lost(reason: string): void {
    if (this.current !== 'registered') return;
    this.ctx.log.warn({ reason }, 'GA/T 1400 session lost; registering again');
    this.schedule(backoffDelay(this.failures++, this.ctx.retryMinMs, this.ctx.retryMaxMs), reason);
  }

  /** Stops keepalives and unregisters (best effort, within one request timeout). */
  async stop(): Promise<void> {
    const wasRegistered = this.current === 'registered';
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.setState('stopped', 'stop');
    for (const w of this.waiters.splice(0)) w.reject(new Error('GA/T 1400 session stopped'));
    if (!wasRegistered) return;
    try {
      const answer = await this.postWithDigest('/VIID/System/UnRegister', { UnRegisterObject: { DeviceID: this.ctx.deviceId } });
      this.ctx.log.info({ status: answer.status }, 'unregistered from the GA/T 1400 platform');
    } catch (err) {
      this.ctx.log.warn({ err: errMessage(err) }, 'GA/T 1400 unregister failed');
    }
  }

  private setState(state: SessionState, detail: string): void {
    if (state === this.current) return;
    this.current = state;
    this.ctx.onState?.(state, detail);
  }

  private schedule(delayMs: number, why: string): void {
    if (this.timer) clearTimeout(this.timer);
    const gen = ++this.generation;
    this.setState('waiting', why);
    this.timer = setTimeout(() => void this.register(gen), delayMs);
  }

  private async register(gen: number): Promise<void> {
    if (gen !== this.generation) return;
    this.setState('registering', 'register');
    let outcome: { ok: true } | { ok: false; error: string };
    try {
      outcome = this.readRegister(await this.postWithDigest('/VIID/System/Register', { RegisterObject: { DeviceID: this.ctx.deviceId } }));
    } catch (err) {
      outcome = { ok: false, error: errMessage(err) };
    }
    if (gen !== this.generation) return;
    if (!outcome.ok) {
      const delay = backoffDelay(this.failures++, this.ctx.retryMinMs, this.ctx.retryMaxMs);
      if (outcome.error !== this.lastError || this.failures % 10 === 1)
        this.ctx.log.error({ err: outcome.error, retryInMs: delay, failures: this.failures }, 'GA/T 1400 registration failed; retrying');
      this.lastError = outcome.error;
      this.schedule(delay, outcome.error);
      return;
    }
    this.registrations++;
    this.lastError = '';
    this.keepaliveMisses = 0;
    this.setState('registered', 'registered');
    this.ctx.log.info({ deviceId: this.ctx.deviceId, registrations: this.registrations }, 'registered with the GA/T 1400 platform');
    for (const w of this.waiters.splice(0)) w.resolve();
    this.scheduleKeepalive(gen);
    void this.checkClock(gen);
  }

  private readRegister(answer: HttpAnswer): { ok: true } | { ok: false; error: string } {
    if (answer.status === 401 || answer.status === 403)
      return { ok: false, error: `registration refused (HTTP ${answer.status}): check gat1400.username, passwordFile and deviceId` };
    if (answer.status < 200 || answer.status >= 300) return { ok: false, error: `registration answered HTTP ${answer.status}` };
    if (answer.body.trim() === '') return { ok: true }; // some platforms answer 200 with no body
    const s = parseResponseStatus(answer.body);
    if (!s.ok) return { ok: false, error: `registration answer unreadable: ${s.error}` };
    if (classifyStatusCode(s.value.code) !== 'ok')
      return { ok: false, error: `registration refused: StatusCode ${s.value.code} ${s.value.text ?? ''}`.trim() };
    return { ok: true };
  }

  private scheduleKeepalive(gen: number): void {
    const delay = Math.round(this.ctx.keepaliveMs * (1 - 0.1 * Math.random()));
    this.timer = setTimeout(() => void this.keepalive(gen), delay);
  }

  private async keepalive(gen: number): Promise<void> {
    if (gen !== this.generation) return;
    let lostBecause: string | undefined;
    try {
      const answer = await this.ctx.http.request(
        'POST',
        '/VIID/System/Keepalive',
        this.headers(),
        JSON.stringify({ KeepaliveObject: { DeviceID: this.ctx.deviceId } }),
      );
      if (gen !== this.generation) return;
      this.keepaliveMisses = 0;
      if (answer.status === 401 || answer.status === 403) lostBecause = `keepalive answered HTTP ${answer.status}`;
      else if (answer.status >= 200 && answer.status < 300) {
        const s = answer.body.trim() === '' ? undefined : parseResponseStatus(answer.body);
        if (s && s.ok && s.value.code !== 0) lostBecause = `keepalive answered StatusCode ${s.value.code}`;
        else if (s && !s.ok) this.ctx.log.warn({ err: s.error }, 'GA/T 1400 keepalive answer unreadable');
        else this.keepalives++;
      } else this.ctx.log.warn({ status: answer.status }, 'GA/T 1400 keepalive failed');
    } catch (err) {
      if (gen !== this.generation) return;
      this.keepaliveMisses++;
      this.ctx.log.warn({ err: errMessage(err), misses: this.keepaliveMisses }, 'GA/T 1400 keepalive failed');
      if (this.keepaliveMisses >= MAX_KEEPALIVE_MISSES) lostBecause = `${this.keepaliveMisses} keepalives in a row without an answer`;
    }
    if (lostBecause) return this.lost(lostBecause);
    this.scheduleKeepalive(gen);
  }

  private async checkClock(gen: number): Promise<void> {
    try {
      const t0 = Date.now();
      const answer = await this.ctx.http.request('GET', '/VIID/System/Time', this.headers());
      if (gen !== this.generation || answer.status !== 200) return;
      const t = parseSystemTime(answer.body);
      const theirs = t.ok ? parseViidTime(t.value.localTime, this.ctx.offsetMinutes) : undefined;
      if (theirs === undefined) return;
      const skewMs = theirs - (t0 + Date.now()) / 2;
      if (Math.abs(skewMs) > CLOCK_SKEW_WARN_MS)
        this.ctx.log.warn(
          { skewS: Math.round(skewMs / 1000) },
          "the GA/T 1400 platform's clock differs from ours (records carry our time)",
        );
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
    }
  }

  /** POST without credentials; a 401 with a Digest challenge is answered once. */
  private async postWithDigest(path: string, body: unknown): Promise<HttpAnswer> {
    const text = JSON.stringify(body);
    const answer = await this.ctx.http.request('POST', path, this.headers(), text);
    if (answer.status !== 401) return answer;
    const header = answer.headers['www-authenticate'];
    const challenge = pickDigest(parseChallenges(Array.isArray(header) ? header.join(', ') : (header ?? '')));
    if (!challenge) return answer;
    const authorization = digestAuthorization(challenge, {
      username: this.ctx.username,
      password: this.ctx.password(),
      method: 'POST',
      uri: this.ctx.http.pathOf(path),
      cnonce: randomBytes(8).toString('hex'),
      nc: 1,
    });
    return this.ctx.http.request('POST', path, { ...this.headers(), Authorization: authorization }, text);
  }
}
