/**
 * Why an RTSP session could not be opened or ended, in the gateway's camera failure terms
 * (../ffmpeg/errors.ts). Pure: status codes and socket error codes in, a Failure out.
 */
import type { Failure } from '../ffmpeg/errors.js';

/** An Error carrying its classified Failure (what the stream hub reports to consumers). */
export class RtspFailure extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

/** The camera closed or reset the connection before the stream played. */
export const CLOSED_EARLY: Failure = {
  reason: 'refused',
  message: 'the camera closed the connection before answering; it may allow only a few sessions at once',
};

export function statusFailure(method: string, status: number, reason: string): Failure {
  const what = `${method} answered ${status} ${reason}`.trim();
  if (status === 401 || status === 403) return { reason: 'unauthorized', message: `the camera refused the credentials (${what})` };
  if (status === 404) return { reason: 'not_found', message: `the camera has no stream at that path (${what})` };
  if (status === 453 || status === 503)
    return { reason: 'refused', message: `the camera refused another session (${what}); it may allow only a few at once` };
  if (status === 461) return { reason: 'invalid_data', message: `the camera cannot send RTP over TCP (${what})` };
  return { reason: 'invalid_data', message: `the camera refused the request (${what})` };
}

/** A TLS handshake that failed on the camera's certificate (rtsps://), or undefined for other errors. */
export function tlsFailure(err: NodeJS.ErrnoException): Failure | undefined {
  const code = err.code ?? '';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_CERT_ALTNAME_INVALID/.test(code))
    return {
      reason: 'unauthorized',
      message: `the camera's TLS certificate is not trusted (${code}): give its CA in cameras.list[].tls.caFile (or tls.serverName if it names another host)`,
    };
  if (/^ERR_SSL_|^EPROTO$/.test(code) || /wrong version number|handshake/i.test(err.message))
    return { reason: 'invalid_data', message: `TLS with the camera failed (${code || err.message}); is it an rtsps:// camera?` };
  return undefined;
}

/** `beforePlay`: a reset during the set-up is how cameras at their session limit often refuse. */
export function socketFailure(err: NodeJS.ErrnoException, beforePlay = false): Failure {
  if (beforePlay && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) return CLOSED_EARLY;
  switch (err.code) {
    case 'ECONNREFUSED':
      return { reason: 'refused', message: 'connection refused: nothing listens on that port' };
    case 'ETIMEDOUT':
      return { reason: 'timeout', message: 'the camera did not answer in time' };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { reason: 'unreachable', message: `the camera address cannot be reached (${err.code})` };
    case 'ECONNRESET':
    case 'EPIPE':
      return { reason: 'exited', message: 'the camera closed the connection (camera gone or restarted)' };
    default:
      return { reason: 'exited', message: `connection to the camera failed: ${err.message}` };
  }
}
