/**
 * The cameras room's streams: one SharedStream per camera stream (main, sub), which every
 * consumer of that stream subscribes to. An ONVIF camera whose analysis profile turns out to be
 * its main stream (a camera with one profile) is read through the main stream's one session.
 */
import type { PictureSource } from './decoder-feed.js';
import type { RtspTlsOptions } from '../rtsp/client.js';
import { SharedStream, type SharedStreamContext, type StreamConsumer, type StreamStats, type StreamSubscription } from './shared-stream.js';

export type StreamProfile = 'main' | 'sub';

/** What every camera's shared stream is given alike (its name, URL and TLS are per camera). */
export type StreamRegistryContext = Pick<
  SharedStreamContext,
  'timeoutS' | 'stallTimeoutS' | 'lingerMs' | 'restartMinMs' | 'restartMaxMs' | 'log'
>;

export class StreamRegistry {
  private readonly streams = new Map<string, SharedStream>();
  private readonly sources = new Map<string, PictureSource>();

  constructor(private readonly ctx: StreamRegistryContext) {}

  /** Declares a camera stream (its URL is resolved at each connect; `tls` is for an rtsps:// one). */
  add(cameraId: string, profile: StreamProfile, url: () => Promise<string> | string, tls?: RtspTlsOptions): SharedStream {
    const s = new SharedStream({ ...this.ctx, name: `${cameraId}/${profile}`, url, ...(tls ? { tls } : {}) });
    this.streams.set(`${cameraId}/${profile}`, s);
    this.sources.set(`${cameraId}/${profile}`, s);
    return s;
  }

  /**
   * The sub stream of a camera whose two URLs are only known at connect time (ONVIF): consumers
   * are sent to the main stream when both URLs are the same, so one profile means one session.
   */
  addSubOrMain(cameraId: string, urls: () => Promise<{ sub: string; main: string }>, tls?: RtspTlsOptions): void {
    const sub = this.add(cameraId, 'sub', async () => (await urls()).sub, tls);
    const main = () => this.streams.get(`${cameraId}/main`);
    this.sources.set(`${cameraId}/sub`, {
      subscribe: (c: StreamConsumer): StreamSubscription => {
        let inner: StreamSubscription | undefined;
        let closed = false;
        urls().then(
          ({ sub: s, main: m }) => {
            if (!closed) inner = (s === m ? (main() ?? sub) : sub).subscribe(c);
          },
          () => {
            // The sub stream resolves the URL again itself, reports the failure and retries with its backoff.
            if (!closed) inner = sub.subscribe(c);
          },
        );
        return {
          close: () => {
            closed = true;
            inner?.close();
          },
        };
      },
    });
  }

  source(cameraId: string, profile: StreamProfile): PictureSource | undefined {
    return this.sources.get(`${cameraId}/${profile}`);
  }

  stream(cameraId: string, profile: StreamProfile): SharedStream | undefined {
    return this.streams.get(`${cameraId}/${profile}`);
  }

  stats(): StreamStats[] {
    return [...this.streams.values()].map((s) => s.stats());
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.streams.values()].map((s) => s.stop()));
  }
}
