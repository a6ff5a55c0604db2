import { Worker } from 'node:worker_threads';
import { channel } from 'node:diagnostics_channel';
import type { ModelInfo, Reply, Request, TensorIn, TensorOut } from './protocol.js';
import { errMessage } from '../../core/errors.js';

export type { ModelInfo, TensorIn, TensorOut } from './protocol.js';

/** A queued frame was replaced by a newer one with the same drop key before it ran. */
export class StaleFrameError extends Error {
  constructor(readonly dropKey: string) {
    super(`dropped: a newer frame for ${dropKey} replaced this one`);
    this.name = 'StaleFrameError';
  }
}
/** The queue was full of work that may not be dropped. */
export class QueueFullError extends Error {
  constructor(readonly limit: number) {
    super(`inference queue full (${limit} waiting)`);
    this.name = 'QueueFullError';
  }
}

/** Each model run's time, for whoever listens (the console's /metrics): `{worker, model, ms}`. */
export const INFERENCE_CHANNEL = 'sharpeyes:inference';
const runs = channel(INFERENCE_CHANNEL);

interface Job {
  request: Request;
  dropKey: string | undefined;
  resolve(reply: Reply): void;
  reject(err: Error): void;
}

export interface InferenceStats {
  runs: number;
  dropped: number;
  rejectedFull: number;
  queued: number;
  lastRunMs: number;
  restarts: number;
}

/**
 * One worker thread hosting one or more ONNX sessions (one intra-op thread each by default).
 * Jobs run one at a time, in order. `run(..., {dropKey})` marks a job as a frame that may be
 * replaced: a newer job with the same key replaces it while it still waits (it rejects with
 * StaleFrameError), so a busy detector always works on the newest frame. A crashed worker is
 * restarted and its models reloaded on the next job.
 */
export class InferenceWorker {
  private worker: Worker | undefined;
  private readonly queue: Job[] = [];
  private current: Job | undefined;
  private nextId = 1;
  private readonly models = new Map<string, { path: string; threads: number }>();
  private closed = false;
  readonly stats: InferenceStats = { runs: 0, dropped: 0, rejectedFull: 0, queued: 0, lastRunMs: 0, restarts: 0 };

  constructor(
    readonly name: string,
    private readonly opts: { maxQueue?: number } = {},
  ) {}

  /** Loads (or reloads) a model into this worker and returns its tensor names and shapes. */
  async load(model: string, path: string, threads = 1): Promise<ModelInfo> {
    this.models.set(model, { path, threads });
    const reply = await this.enqueue({ type: 'load', id: this.nextId++, model, path, threads }, undefined);
    if (reply.type !== 'loaded') throw new Error(`unexpected reply ${reply.type}`);
    return reply.info;
  }

  async run(model: string, feeds: Record<string, TensorIn>, opts: { dropKey?: string } = {}): Promise<Record<string, TensorOut>> {
    const reply = await this.enqueue({ type: 'run', id: this.nextId++, model, feeds }, opts.dropKey);
    if (reply.type !== 'result') throw new Error(`unexpected reply ${reply.type}`);
    this.stats.runs++;
    this.stats.lastRunMs = reply.ms;
    if (runs.hasSubscribers) runs.publish({ worker: this.name, model, ms: reply.ms });
    return reply.outputs;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error(`inference worker ${this.name} closed`));
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private enqueue(request: Request, dropKey: string | undefined): Promise<Reply> {
    if (this.closed) return Promise.reject(new Error(`inference worker ${this.name} is closed`));
    return new Promise<Reply>((resolve, reject) => {
      const job: Job = { request, dropKey, resolve, reject };
      if (dropKey !== undefined) {
        const i = this.queue.findIndex((j) => j.dropKey === dropKey);
        if (i >= 0) {
          const [old] = this.queue.splice(i, 1, job);
          this.stats.dropped++;
          old?.reject(new StaleFrameError(dropKey));
          this.pump();
          return;
        }
      }
      const limit = this.opts.maxQueue ?? 16;
      if (this.queue.length >= limit) {
        const i = this.queue.findIndex((j) => j.dropKey !== undefined);
        if (i < 0) {
          this.stats.rejectedFull++;
          reject(new QueueFullError(limit));
          return;
        }
        const [old] = this.queue.splice(i, 1);
        this.stats.dropped++;
        old?.reject(new StaleFrameError(old.dropKey ?? ''));
      }
      this.queue.push(job);
      this.stats.queued = this.queue.length;
      this.pump();
    });
  }

  private pump(): void {
    if (this.current || this.queue.length === 0) return;
    const job = this.queue.shift() as Job;
    this.stats.queued = this.queue.length;
    this.current = job;
    let worker: Worker;
    try {
      worker = this.ensureWorker();
    } catch (err) {
      this.current = undefined;
      job.reject(err instanceof Error ? err : new Error(errMessage(err)));
      this.pump();
      return;
    }
    const transfer: ArrayBuffer[] = [];
    if (job.request.type === 'run') {
      for (const t of Object.values(job.request.feeds)) {
        // Only transfer buffers the caller handed over whole; views into shared buffers are copied.
        if (
          t.data.buffer instanceof ArrayBuffer &&
          t.data.byteOffset === 0 &&
          t.data.byteLength === t.data.buffer.byteLength &&
          !transfer.includes(t.data.buffer)
        )
          transfer.push(t.data.buffer);
      }
    }
    worker.postMessage(job.request, transfer);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./onnx-worker-entry.mjs', import.meta.url), { name: `onnx-${this.name}` });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const job = this.current;
      this.current = undefined;
      if (job) {
        if (reply.type === 'error') job.reject(new Error(`${this.name}: ${reply.message}`));
        else job.resolve(reply);
      }
      this.pump();
    });
    const fail = (err: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      const job = this.current;
      this.current = undefined;
      job?.reject(new Error(`inference worker ${this.name} died: ${err.message}`));
      if (this.closed) return;
      this.stats.restarts++;
      // Reload every model first so the next jobs find them.
      const reloads: Job[] = [...this.models].map(([model, m]) => ({
        request: { type: 'load', id: this.nextId++, model, path: m.path, threads: m.threads },
        dropKey: undefined,
        resolve: () => undefined,
        reject: () => undefined,
      }));
      this.queue.unshift(...reloads);
      this.pump();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    this.worker = worker;
    return worker;
  }
}
