/**
 * Transactions (RFC 3261 §17), as much as a device needs. Client: a request is retransmitted
 * over UDP (T1, doubling, at most T2 apart) until a final response, and fails after 64*T1.
 * Server: a retransmitted request (same branch and method) gets the response already sent,
 * again, instead of being handled twice.
 */
import { header, parseCSeq, serialise, type SipRequest, type SipResponse } from './message.js';
import { branchOf } from './headers.js';

export class TransactionTimeout extends Error {
  override name = 'TransactionTimeout';
}

interface Pending {
  resolve(r: SipResponse): void;
  reject(e: Error): void;
  timers: NodeJS.Timeout[];
}

export class ClientTransactions {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly o: {
      send(buf: Buffer): Promise<void>;
      reliable(): boolean;
      t1Ms: number;
      t2Ms?: number;
    },
  ) {}

  /** Sends `req` and resolves with its final response, or rejects (timeout, send failure). */
  request(req: SipRequest): Promise<SipResponse> {
    const key = keyOf(branchOf(header(req, 'Via')), req.method);
    const buf = serialise(req);
    const t1 = this.o.t1Ms;
    const t2 = this.o.t2Ms ?? 4000;
    return new Promise<SipResponse>((resolve, reject) => {
      const p: Pending = {
        resolve: (r) => {
          this.finish(key);
          resolve(r);
        },
        reject: (e) => {
          this.finish(key);
          reject(e);
        },
        timers: [],
      };
      this.pending.set(key, p);
      p.timers.push(
        setTimeout(() => p.reject(new TransactionTimeout(`no final response to ${req.method} within ${(64 * t1) / 1000} s`)), 64 * t1),
      );
      const retransmit = (interval: number) => {
        if (this.o.reliable()) return;
        p.timers.push(
          setTimeout(() => {
            if (!this.pending.has(key)) return;
            this.o.send(buf).catch(() => undefined);
            retransmit(Math.min(interval * 2, t2));
          }, interval),
        );
      };
      this.o.send(buf).then(
        () => retransmit(t1),
        (err: Error) => p.reject(err),
      );
    });
  }

  /** Hands a response to its transaction; false when none waits for it (stray or late). */
  onResponse(res: SipResponse): boolean {
    const via = header(res, 'Via');
    let key: string;
    try {
      key = keyOf(branchOf(via), parseCSeq(header(res, 'CSeq') as string).method);
    } catch {
      return false;
    }
    const p = this.pending.get(key);
    if (!p) return false;
    if (res.status >= 200) p.resolve(res);
    return true;
  }

  cancelAll(reason: string): void {
    for (const p of [...this.pending.values()]) p.reject(new Error(reason));
  }

  private finish(key: string): void {
    const p = this.pending.get(key);
    if (!p) return;
    for (const t of p.timers) clearTimeout(t);
    this.pending.delete(key);
  }
}

function keyOf(branch: string | undefined, method: string): string {
  return `${branch ?? ''} ${method === 'ACK' ? 'INVITE' : method}`;
}

/** Responses already sent, by request branch + method, kept 64*T1 to answer retransmissions. */
export class ServerTransactions {
  private readonly sent = new Map<string, { buf: Buffer | undefined; at: number }>();

  constructor(private readonly lifetimeMs: number) {}

  /** Whether `req` is a retransmission; if so, `resend` gets the response already sent (if any). */
  isRetransmission(req: SipRequest, resend: (buf: Buffer) => void): boolean {
    if (req.method === 'ACK') return false;
    this.sweep();
    const k = keyOf(branchOf(header(req, 'Via')), req.method);
    const e = this.sent.get(k);
    if (!e) {
      this.sent.set(k, { buf: undefined, at: Date.now() });
      return false;
    }
    if (e.buf) resend(e.buf);
    return true;
  }

  remember(req: SipRequest, res: Buffer): void {
    this.sent.set(keyOf(branchOf(header(req, 'Via')), req.method), { buf: res, at: Date.now() });
  }

  private sweep(): void {
    const limit = Date.now() - this.lifetimeMs;
    for (const [k, e] of this.sent) if (e.at < limit) this.sent.delete(k);
    while (this.sent.size > 2000) this.sent.delete(this.sent.keys().next().value as string);
  }
}
