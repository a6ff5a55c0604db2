import { spawnSync } from 'node:child_process';

/** Whether GStreamer's gst-launch-1.0 and its mpegpsdemux (gstreamer1.0-plugins-bad) are here. */
export function haveMpegPsDemux(): boolean {
  const r = spawnSync('gst-inspect-1.0', ['mpegpsdemux'], { stdio: 'ignore' });
  return r.error === undefined && r.status === 0;
}

export interface GstPsProbe {
  /** 'h264' or 'h265', from the caps the parser settled on. */
  codec: string | undefined;
  width: number | undefined;
  height: number | undefined;
  /** PES packets of the video stream the demuxer put out (one per picture in the box's packing). */
  packets: number;
  error: string;
}

/**
 * GStreamer's PS demuxer (`mpegpsdemux`), a second implementation beside ffprobe, reads a
 * program stream file: `filesrc ! mpegpsdemux ! identity ! parsebin ! fakesink`, verbose, so the
 * demuxer's output buffers are counted (identity's `chain` messages) and the parser's caps give
 * the codec and picture size. (Counted before the parser: h264parse keeps the last picture at
 * the end of a file without an end code.)
 */
export function gstPsProbe(file: string): GstPsProbe {
  const r = spawnSync(
    'gst-launch-1.0',
    ['-v', 'filesrc', `location=${file}`, '!', 'mpegpsdemux', '!', 'identity', 'silent=false', '!', 'parsebin', '!', 'fakesink'],
    { encoding: 'utf8', timeout: 60_000 },
  );
  const out = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
  const caps = /fakesink0\.GstPad:sink: caps = video\/x-(h26[45]), ([^\n]*)/.exec(out);
  const num = (name: string) => {
    const m = new RegExp(`${name}=\\(int\\)(\\d+)`).exec(caps?.[2] ?? '');
    return m ? Number(m[1]) : undefined;
  };
  return {
    codec: caps?.[1],
    width: num('width'),
    height: num('height'),
    packets: out.split('\n').filter((l) => /identity0: last-message = chain/.test(l)).length,
    error: r.status === 0 ? '' : (out.match(/^ERROR:.*$/m)?.[0] ?? `gst-launch-1.0 exited ${r.status ?? r.signal ?? r.error?.message}`),
  };
}
