/**
 * Writes each access decision as a plain line (narration.ts) on the terminal the daemon was
 * started from: a refusal at once, an opening once the gate controller answered (or did not,
 * within `gateWaitMs`). Lines wait until `open()` (after the start-up banner).
 */
import type { EventBus } from '../../core/bus.js';
import { narrate, type DecisionFacts, type GateOutcome } from './narration.js';
import type { Lang } from '../../core/locale.js';

export class Narrator {
  private readonly pending = new Map<string, { facts: DecisionFacts; timer: NodeJS.Timeout }>();
  private readonly held: string[] = [];
  private opened = false;
  private readonly offs: Array<() => void> = [];

  constructor(private readonly opts: { bus: EventBus; write: (line: string) => void; lang: Lang; gateWaitMs?: number }) {
    this.offs.push(
      opts.bus.on('access.decision', (d, meta) => {
        if (!d.allow || !meta.id) return this.say(narrate(opts.lang, d, null));
        const decisionId = meta.id; // the gate's answer comes as gate.command with this requestId
        const timer = setTimeout(() => this.settle(decisionId, { opened: false, error: 'no answer' }), opts.gateWaitMs ?? 5000);
        timer.unref();
        this.pending.set(decisionId, { facts: d, timer });
      }),
      opts.bus.on('gate.command', (c) => {
        if (c.origin === 'access' && c.requestId)
          this.settle(c.requestId, c.ok ? { opened: true } : { opened: false, error: c.error ?? 'failed' });
      }),
    );
  }

  /** Lets the lines out (those held so far first). */
  open(): void {
    this.opened = true;
    for (const line of this.held.splice(0)) this.opts.write(line);
  }

  close(): void {
    for (const off of this.offs.splice(0)) off();
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }

  private settle(decisionId: string, gate: GateOutcome): void {
    const p = this.pending.get(decisionId);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(decisionId);
    this.say(narrate(this.opts.lang, p.facts, gate));
  }

  private say(line: string): void {
    if (this.opened) this.opts.write(line);
    else if (this.held.length < 100) this.held.push(line);
  }
}
