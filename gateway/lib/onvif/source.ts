import type { Logger } from '../../core/logger.js';
import { withCredentials } from '../ffmpeg/args.js';
import type { FailureReason } from '../ffmpeg/errors.js';
import { parseOnvifAddress } from './address.js';
import { connectOnvif, OnvifError, type OnvifCamera } from './client.js';
import { clockSkewS, signalFromMessage, SignalDebouncer } from './events.js';
import { pickProfiles } from './profiles.js';
import { fetchSnapshot } from './snapshot-fetch.js';
import { errMessage } from '../../core/errors.js';

/** The events an ONVIF camera reports itself. */
/** What an ONVIF camera reports, as the cameras room publishes it (its events.ts has the schemas). */
export interface OnvifEvents {
  'camera.motion': { cameraId: string; state: boolean; source: 'onvif'; topic?: string | undefined };
  'camera.tamper': { cameraId: string; state: boolean; topic?: string | undefined };
  'camera.clock_skew': { cameraId: string; skewS: number };
}
export type OnvifEventName = keyof OnvifEvents;

export interface OnvifSourceContext {
  cameraId: string;
  onvif: { address: string; username: string; events: boolean };
  password: string | undefined;
  analysisWidth: number;
  clockSkewWarnS: number;
  motionHoldS: number;
  log: Logger;
  onEvent<K extends OnvifEventName>(kind: K, data: OnvifEvents[K]): void;
}

interface Resolved {
  cam: OnvifCamera;
  analysisUrl: string;
  mainUrl: string;
  snapshotUri: string | undefined;
}

/** An error carrying the reason the ingest reports in camera.offline. */
class SourceError extends Error {
  constructor(
    message: string,
    readonly failure: { reason: FailureReason | 'onvif'; message: string },
  ) {
    super(message);
  }
}

/**
 * An ONVIF camera as a stream source: connects (once, again after a failure), picks the
 * analysis and main profiles, warns on clock skew, and turns PullPoint motion/tamper messages
 * into debounced events. The ingest asks it for the URL at each (re)start.
 */
export class OnvifSource {
  private resolved: Resolved | undefined;
  private connecting: Promise<Resolved> | undefined;
  private readonly motion: SignalDebouncer;
  private readonly tamper: SignalDebouncer;
  private holdTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly ctx: OnvifSourceContext) {
    this.motion = new SignalDebouncer(ctx.motionHoldS * 1000);
    this.tamper = new SignalDebouncer(ctx.motionHoldS * 1000);
  }

  start(): void {
    this.stopped = false;
    this.holdTimer = setInterval(() => this.tick(), 1000);
    this.holdTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.holdTimer) clearInterval(this.holdTimer);
    this.resolved?.cam.close();
    this.resolved = undefined;
  }

  async analysisUrl(): Promise<string> {
    return (await this.resolve()).analysisUrl;
  }

  async mainUrl(): Promise<string> {
    return (await this.resolve()).mainUrl;
  }

  /** The camera's own full-resolution JPEG from its snapshot URI (with its credentials); undefined when it has none. */
  async snapshot(): Promise<Buffer | undefined> {
    const uri = (await this.resolve()).snapshotUri;
    return uri
      ? fetchSnapshot(uri, {
          username: this.ctx.onvif.username,
          ...(this.ctx.password !== undefined ? { password: this.ctx.password } : {}),
        })
      : undefined;
  }

  /** Forgets the connection so the next URL request reconnects (after the stream failed). */
  invalidate(): void {
    this.resolved?.cam.close();
    this.resolved = undefined;
  }

  private resolve(): Promise<Resolved> {
    if (this.resolved) return Promise.resolve(this.resolved);
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<Resolved> {
    const { cameraId, log } = this.ctx;
    let address;
    try {
      address = parseOnvifAddress(this.ctx.onvif.address);
    } catch (err) {
      throw new SourceError(errMessage(err), { reason: 'onvif', message: errMessage(err) });
    }
    let cam: OnvifCamera;
    try {
      cam = await connectOnvif({ ...address, username: this.ctx.onvif.username, password: this.ctx.password });
    } catch (err) {
      const e = err as OnvifError;
      const reason: FailureReason | 'onvif' =
        e.kind === 'unauthorized' ? 'unauthorized' : e.kind === 'refused' ? 'refused' : e.kind === 'timeout' ? 'timeout' : 'onvif';
      throw new SourceError(e.message, { reason, message: `ONVIF: ${e.message}` });
    }
    try {
      const picked = pickProfiles(cam.profiles, this.ctx.analysisWidth);
      if (!picked)
        throw new SourceError('no H.264/H.265 profile', {
          reason: 'unsupported_codec',
          message: `ONVIF: no H.264/H.265 profile (profiles: ${cam.profiles.map((p) => `${p.name}=${p.encoding}`).join(', ')})`,
        });
      const user = this.ctx.onvif.username;
      const analysisUrl = withCredentials(await cam.streamUri(picked.analysis.token), user, this.ctx.password);
      const mainUrl =
        picked.main.token === picked.analysis.token
          ? analysisUrl
          : withCredentials(await cam.streamUri(picked.main.token), user, this.ctx.password);
      const snapshotUri = await cam.snapshotUri(picked.main.token);
      const skew = clockSkewS(cam.clock.camera, cam.clock.boxMs);
      if (Math.abs(skew) > this.ctx.clockSkewWarnS) {
        log.warn({ cameraId, skewS: skew }, 'camera clock differs from the box clock; set NTP on the camera');
        this.ctx.onEvent('camera.clock_skew', { cameraId, skewS: skew });
      }
      log.info({ cameraId, ...cam.info, analysis: picked.analysis, main: picked.main }, 'ONVIF camera connected');
      if (this.ctx.onvif.events && !this.stopped) this.subscribe(cam);
      if (this.stopped) cam.close();
      this.resolved = { cam, analysisUrl, mainUrl, snapshotUri };
      return this.resolved;
    } catch (err) {
      cam.close();
      if (err instanceof SourceError) throw err;
      const e = err as OnvifError;
      throw new SourceError(e.message, { reason: e.kind === 'unauthorized' ? 'unauthorized' : 'onvif', message: `ONVIF: ${e.message}` });
    }
  }

  private subscribe(cam: OnvifCamera): void {
    const { cameraId, log } = this.ctx;
    let lastErrorLog = 0;
    cam.onEvents(
      (msg) => {
        const s = signalFromMessage(msg);
        if (!s) return;
        const deb = s.kind === 'motion' ? this.motion : this.tamper;
        const change = deb.input(s.state, Date.now());
        if (!change) return;
        if (s.kind === 'motion')
          this.ctx.onEvent('camera.motion', { cameraId, state: change === 'start', source: 'onvif', topic: s.topic });
        else this.ctx.onEvent('camera.tamper', { cameraId, state: change === 'start', topic: s.topic });
      },
      (err) => {
        if (Date.now() - lastErrorLog > 60_000) {
          lastErrorLog = Date.now();
          log.warn({ cameraId, err: err.message }, 'ONVIF event pull failed; retrying');
        }
      },
    );
  }

  private tick(): void {
    const now = Date.now();
    const cameraId = this.ctx.cameraId;
    if (this.motion.tick(now)) this.ctx.onEvent('camera.motion', { cameraId, state: false, source: 'onvif' });
    if (this.tamper.tick(now)) this.ctx.onEvent('camera.tamper', { cameraId, state: false });
  }
}
