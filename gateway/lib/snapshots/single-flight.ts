/**
 * Concurrent requests for the same key share one run: the first caller starts `work`, the others
 * get its promise until it settles (value or error); the next call after that starts a new run.
 * Used so that any number of full-resolution snapshot requests for one camera start one ffmpeg
 * (or one ONVIF snapshot download), not one each.
 */
export class SingleFlight<K, V> {
  private readonly inFlight = new Map<K, Promise<V>>();

  run(key: K, work: () => Promise<V>): Promise<V> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const p = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }

  /** Keys with a run in progress. */
  get size(): number {
    return this.inFlight.size;
  }
}
