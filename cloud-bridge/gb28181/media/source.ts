/**
 * A live session's pictures: the camera's shared stream from the cameras room (one RTSP session
 * for every consumer). The gateway never opens a camera of its own for GB/T 28181: an own ffmpeg
 * per session cost a camera session (cheap cameras allow two to four) and seconds of probing.
 */
import type { AccessUnit } from './ts-demux.js';
import type { PictureSource } from '../../../gateway/lib/stream/decoder-feed.js';

export interface LiveSource {
  /** Resolves with why it ended (never rejects). */
  readonly ended: Promise<string>;
  stop(): void;
}

/**
 * The camera's pictures from the cameras room's shared stream (one RTSP session for every
 * consumer; the cached GOP first, so the platform gets a keyframe at once). Ends when the camera
 * session drops.
 */
export function startSharedSource(pictures: PictureSource, onUnit: (au: AccessUnit) => void): LiveSource {
  let resolveEnded!: (why: string) => void;
  const ended = new Promise<string>((r) => (resolveEnded = r));
  const sub = pictures.subscribe({
    onUnit,
    onDown: (f) => {
      sub.close();
      resolveEnded(f.message);
    },
  });
  return {
    ended,
    stop: () => {
      sub.close();
      resolveEnded('stopped');
    },
  };
}
