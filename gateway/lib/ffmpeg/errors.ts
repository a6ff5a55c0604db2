/**
 * Why ffmpeg could not read a camera, from its stderr lines. Pure: literal lines in, reason out.
 */
export type FailureReason =
  | 'refused'
  | 'unauthorized'
  | 'not_found'
  | 'timeout'
  | 'unsupported_codec'
  | 'not_rtsp'
  | 'unreachable'
  | 'invalid_data'
  | 'exited'
  | 'stalled';

export interface Failure {
  reason: FailureReason;
  /** One readable line for a person. */
  message: string;
}

const RULES: [RegExp, FailureReason, string][] = [
  [/401 Unauthorized|403 Forbidden|authoriz/i, 'unauthorized', 'the camera refused the credentials (401 Unauthorized)'],
  [/Connection refused/i, 'refused', 'connection refused: nothing listens on that port'],
  [/404 Not Found|Stream not found/i, 'not_found', 'the camera has no stream at that path (404)'],
  [/Connection timed out|timed out|Operation timed out/i, 'timeout', 'the camera did not answer in time'],
  [
    /No route to host|Network is unreachable|Name or service not known|Temporary failure in name resolution|Host is unreachable/i,
    'unreachable',
    'the camera address cannot be reached',
  ],
  [/Protocol not found|Unsupported protocol|Invalid URL/i, 'not_rtsp', 'not an RTSP URL ffmpeg can open'],
  [
    /unsupported codec|Decoder .* not found|Unsupported codec|no decoder|could not find codec parameters|does not contain any stream|Output file #0 does not contain any stream|matches no streams/i,
    'unsupported_codec',
    'the stream has no video ffmpeg can decode',
  ],
  [
    /Invalid data found when processing input|method DESCRIBE failed|Invalid RTSP|nonmatching transport|bad request/i,
    'invalid_data',
    'the peer does not speak RTSP (invalid reply)',
  ],
];

export function classifyFailure(
  stderrLines: readonly string[],
  exit: { code: number | null; signal?: string | null } = { code: 1 },
): Failure {
  const text = stderrLines.join('\n');
  for (const [re, reason, message] of RULES) {
    if (re.test(text)) return { reason, message: `${message}${lastLine(stderrLines)}` };
  }
  if (exit.code === 0) return { reason: 'exited', message: 'the stream ended (camera gone or restarted)' };
  return {
    reason: 'exited',
    message: `ffmpeg exited with ${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`}${lastLine(stderrLines)}`,
  };
}

function lastLine(lines: readonly string[]): string {
  const l = [...lines].reverse().find((s) => s.trim() !== '');
  return l ? ` — ffmpeg: ${l.trim().slice(0, 200)}` : '';
}
