import { pino, type Logger as PinoLogger, type DestinationStream } from 'pino';
import { redactText } from './redact.js';
import { errText } from './errors.js';

export type Logger = PinoLogger;
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * Structured JSON logs, one object per line, each carrying the component that wrote it
 * (`component`), so `journalctl -o cat | jq 'select(.component=="cloud-bridge")'` works.
 */
export function createLogger(opts: { level?: LogLevel; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      // No base fields: every line gets its `component` from componentLogger (pino would repeat
      // the key if the root had one too).
      base: {},
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // One shape for a logged error, whatever the call site passed: `err` is text (errors.ts).
      serializers: { err: errText },
      // Every line, whatever wrote it (an ffmpeg error carrying a camera URL, an err stack):
      // URL passwords and registered secrets become *** (redact.ts).
      hooks: { streamWrite: redactText },
    },
    opts.destination ?? pino.destination({ fd: 2, sync: false }),
  );
}

/** A child logger for one component; every line it writes names that component. */
export function componentLogger(parent: Logger, component: string): Logger {
  return parent.child({ component });
}

/** Logs at most `perWindow` lines per `windowMs` for a noisy source and counts the rest. */
export class RateLimitedLog {
  private windowStart = 0;
  private inWindow = 0;
  suppressed = 0;
  constructor(
    private readonly log: Logger,
    private readonly perWindow = 10,
    private readonly windowMs = 10_000,
  ) {}
  warn(obj: object, msg: string): void {
    const now = Date.now();
    if (now - this.windowStart >= this.windowMs) {
      if (this.suppressed > 0) this.log.warn({ suppressed: this.suppressed }, `${msg} (similar lines suppressed)`);
      this.windowStart = now;
      this.inWindow = 0;
      this.suppressed = 0;
    }
    if (this.inWindow < this.perWindow) {
      this.inWindow++;
      this.log.warn(obj, msg);
    } else {
      this.suppressed++;
    }
  }
}
