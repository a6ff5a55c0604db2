import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * One HTTP exchange with the platform over node:http(s), with keep-alive connections, a whole
 * request timeout and a cap on the answer's size (the platform is outside: it can be slow, dead
 * or hostile). Failures that are not an HTTP answer are a TransportError.
 */
export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export class TransportError extends Error {
  constructor(
    message: string,
    readonly reason: 'timeout' | 'connection' | 'too-large',
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface HttpOptions {
  timeoutMs: number;
  /** PEM of the CA for https platforms with a private CA. */
  ca?: Buffer;
  /** Largest answer read (default 1 MiB); a longer one is a TransportError. */
  maxAnswerBytes?: number;
}

export class HttpClient {
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly https: boolean;

  constructor(
    private readonly base: URL,
    private readonly opts: HttpOptions,
  ) {
    this.https = base.protocol === 'https:';
    this.agent = this.https
      ? new HttpsAgent({ keepAlive: true, maxSockets: 2, ...(opts.ca ? { ca: opts.ca } : {}) })
      : new HttpAgent({ keepAlive: true, maxSockets: 2 });
  }

  /** The path as sent on the request line (base path + path), for Digest's `uri`. */
  pathOf(path: string): string {
    return `${this.base.pathname.replace(/\/+$/, '')}${path}`;
  }

  request(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string): Promise<HttpAnswer> {
    const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
    const maxBytes = this.opts.maxAnswerBytes ?? 1024 * 1024;
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (err: TransportError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(err);
      };
      const send = this.https ? httpsRequest : httpRequest;
      const req = send(
        {
          protocol: this.base.protocol,
          hostname: this.base.hostname,
          port: this.base.port || (this.https ? 443 : 80),
          method,
          path: this.pathOf(path),
          agent: this.agent,
          headers: payload ? { ...headers, 'Content-Length': String(payload.length) } : headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > maxBytes) fail(new TransportError(`answer to ${method} ${path} is larger than ${maxBytes} bytes`, 'too-large'));
            else chunks.push(c);
          });
          res.on('end', () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', (err) => fail(new TransportError(`${method} ${path}: ${err.message}`, 'connection')));
        },
      );
      const timer = setTimeout(
        () => fail(new TransportError(`${method} ${path}: no complete answer within ${this.opts.timeoutMs} ms`, 'timeout')),
        this.opts.timeoutMs,
      );
      req.on('error', (err: NodeJS.ErrnoException) =>
        fail(new TransportError(`${method} ${this.base.origin}${path}: ${err.code ?? err.message}`, 'connection')),
      );
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
