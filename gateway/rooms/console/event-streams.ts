import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Outbox } from '../../store/outbox.js';
import type { Logger } from '../../core/logger.js';
import { HttpError, SECURITY_HEADERS } from './http-util.js';
import { redactValue } from '../../core/redact.js';

/** Open event streams at most, and per session. */
const MAX_STREAMS = 32;
const MAX_PER_SESSION = 4;

/** Bytes a stream may have waiting for its reader before it is dropped (a page reads far less). */
export const MAX_STREAM_BUFFER = 1024 * 1024;

/**
 * Live events for logged-in pages (Server-Sent Events), fed by the outbox: each row appended is
 * sent to every open stream, redacted like every answer. A stream ends with its session. A
 * reader that does not keep up (its socket's send buffer full and more than `maxBufferedBytes`
 * waiting in the process) is dropped, not buffered without bound: the page reconnects and
 * reloads what it missed from /api/events.
 */
export class EventStreams {
  private readonly streams = new Map<ServerResponse, string>();
  private offAppend: (() => void) | undefined;
  private lastStreamed = 0;
  private keepAlive: NodeJS.Timeout | undefined;

  private readonly maxBuffered: number;

  constructor(
    private readonly outbox: Outbox,
    private readonly opts: { log?: Logger; maxBufferedBytes?: number } = {},
  ) {
    this.maxBuffered = opts.maxBufferedBytes ?? MAX_STREAM_BUFFER;
  }

  /** Writes to one stream, or drops it when its reader is too far behind. */
  private send(res: ServerResponse, text: string): void {
    // Bounded by the limit plus one batch (at most 200 rows): a fast reader is never dropped for one big batch.
    if (res.writableLength > this.maxBuffered) {
      this.streams.delete(res);
      this.opts.log?.warn({ buffered: res.writableLength }, 'console: event stream dropped (its reader does not keep up)');
      res.destroy();
      return;
    }
    res.write(text);
  }

  get size(): number {
    return this.streams.size;
  }

  start(): void {
    this.lastStreamed = this.outbox.recent(1)[0]?.rowid ?? 0;
    this.offAppend = this.outbox.onAppend(() => this.push());
    this.keepAlive = setInterval(() => {
      for (const s of [...this.streams.keys()]) this.send(s, ': keep-alive\n\n');
    }, 20_000);
    this.keepAlive.unref();
  }

  stop(): void {
    this.offAppend?.();
    if (this.keepAlive) clearInterval(this.keepAlive);
    for (const s of this.streams.keys()) s.end();
    this.streams.clear();
  }

  open(req: IncomingMessage, res: ServerResponse, sessionId: string): void {
    if (this.streams.size >= MAX_STREAMS) throw new HttpError(503, 'too many open event streams', 'busy');
    if ([...this.streams.values()].filter((s) => s === sessionId).length >= MAX_PER_SESSION)
      throw new HttpError(503, `at most ${MAX_PER_SESSION} event streams per session`, 'busy');
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream', connection: 'keep-alive' });
    res.write(': connected\n\n');
    this.streams.set(res, sessionId);
    req.on('close', () => this.streams.delete(res));
  }

  /** Ends the streams whose session matches (ended sessions). */
  dropWhere(ended: (sessionId: string) => boolean): void {
    for (const [res, id] of this.streams)
      if (ended(id)) {
        res.end();
        this.streams.delete(res);
      }
  }

  private push(): void {
    if (this.streams.size === 0) {
      this.lastStreamed = this.outbox.recent(1)[0]?.rowid ?? this.lastStreamed;
      return;
    }
    const rows = this.outbox.recent(200, this.lastStreamed).reverse();
    if (rows.length === 0) return;
    this.lastStreamed = rows[rows.length - 1]?.rowid ?? this.lastStreamed;
    const text = rows.map((r) => `data: ${JSON.stringify(redactValue(r, { byKey: true }))}\n\n`).join('');
    for (const s of [...this.streams.keys()]) this.send(s, text);
  }
}
