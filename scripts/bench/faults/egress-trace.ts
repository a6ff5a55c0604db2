/**
 * What the egress bench keeps to make a violation diagnosable: per lane, a rolling timeline of
 * what happened (steps of the random sequence, the simulator's gate and fire, both sides of each
 * serial line, what the gateway saw and sent), and for each violation the sequence (seed, lane,
 * index, steps so far) and the timeline from a few seconds before its clock started until it
 * ended. Pure bookkeeping: no I/O apart from `format`'s string.
 */
export interface TraceEntry {
  /** performance.now() */
  t: number;
  what: string;
}

export interface ViolationReport {
  lane: string;
  profile: string;
  sequence: number;
  steps: string[];
  /** When the grace clock started, and why then (the latest of its inputs). */
  clockAt: number;
  clockFrom: string;
  kind: 'gate-not-open' | 'fire-not-seen';
  endedAt: number | undefined;
  timeline: TraceEntry[];
}

/** How far back a violation's timeline starts before its clock. */
const BEFORE_MS = 4000;
/** Entries older than this are dropped from the rolling timeline. */
const KEEP_MS = 30_000;

export class LaneTrace {
  private entries: TraceEntry[] = [];
  sequence = -1;
  steps: string[] = [];
  readonly reports: ViolationReport[] = [];
  private open: ViolationReport | undefined;

  constructor(
    readonly lane: string,
    readonly profile: string,
    private readonly keepReports: number,
  ) {}

  add(what: string, t = performance.now()): void {
    this.entries.push({ t, what });
    if (this.open) this.open.timeline.push({ t, what });
    if (this.entries.length > 2000 || (this.entries[0] && t - this.entries[0].t > 2 * KEEP_MS))
      this.entries = this.entries.filter((e) => t - e.t <= KEEP_MS);
  }

  newSequence(index: number): void {
    this.sequence = index;
    this.steps = [];
    this.add(`--- sequence ${index}`);
  }

  step(desc: string): void {
    this.steps.push(desc);
    this.add(`step: ${desc}`);
  }

  violationStarted(kind: ViolationReport['kind'], clockAt: number, clockFrom: string): void {
    if (this.reports.length >= this.keepReports) return;
    this.open = {
      lane: this.lane,
      profile: this.profile,
      sequence: this.sequence,
      steps: [...this.steps],
      clockAt,
      clockFrom,
      kind,
      endedAt: undefined,
      timeline: this.entries.filter((e) => e.t >= clockAt - BEFORE_MS),
    };
    this.reports.push(this.open);
  }

  violationEnded(t = performance.now()): void {
    if (!this.open) return;
    this.open.endedAt = t;
    this.open = undefined;
  }
}

/** A violation as lines for stderr: times relative to the clock's start. */
export function formatReport(r: ViolationReport, graceMs: number): string {
  const rel = (t: number) => `${t - r.clockAt >= 0 ? '+' : ''}${Math.round(t - r.clockAt)}`.padStart(7);
  const head =
    `${r.kind} on ${r.lane} (${r.profile}), sequence ${r.sequence}: clock from ${r.clockFrom}, grace ${graceMs} ms, ` +
    (r.endedAt === undefined ? 'still violating at the end' : `ended after ${Math.round(r.endedAt - r.clockAt)} ms`);
  return [head, `  steps: ${r.steps.join(' | ')}`, ...r.timeline.slice(0, 200).map((e) => `  ${rel(e.t)} ms  ${e.what}`)].join('\n');
}
