import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ActionTable, Actor } from '../../../core/actions.js';
import type { Outbox } from '../../../store/outbox.js';
import { INFERENCE_CHANNEL } from '../../../lib/inference/inference-worker.js';

const SYSTEM: Actor = { channel: 'system', name: 'metrics', role: 'viewer' };

interface CameraRow {
  cameraId: string;
  framesIn: number;
  analysed: number;
  passed: number;
  dropped: number;
  restarts: number;
  state: string;
}
interface DeviceRow {
  id: string;
  kind: string;
  online: boolean;
  gate?: string | null;
}

/**
 * The console's Prometheus metrics (prom-client): frames and drops per camera, inference times,
 * access decisions by result, outbox depth, device and gate states, alarm-to-acknowledgement
 * times, plus Node's process metrics. Camera and device figures are read at scrape time through
 * the read-only actions (cameras/list, devices/list); decisions and alarms are counted from the
 * bus; inference times come from the inference workers' diagnostics channel.
 */
export class ConsoleMetrics {
  readonly registry = new Registry();
  private readonly last = new Map<string, number>();
  private readonly frames: Counter;
  private readonly analysed: Counter;
  private readonly dropped: Counter;
  private readonly restarts: Counter;
  private readonly cameraOnline: Gauge;
  private readonly inference: Histogram;
  private readonly decisions: Counter;
  private readonly outboxUnsent: Gauge;
  private readonly outboxBytes: Gauge;
  private readonly deviceOnline: Gauge;
  private readonly gateState: Gauge;
  private readonly ackSeconds: Histogram;
  private readonly uplink: { pushed: Counter; deadLettered: Counter; deadLetters: Gauge; backlog: Gauge };
  readonly sessions: Gauge;
  readonly liveViewers: Gauge;
  private readonly onInference = (m: unknown) => {
    const r = m as { worker: string; model: string; ms: number };
    this.inference.observe({ worker: r.worker, model: r.model }, r.ms / 1000);
  };

  constructor(private readonly deps: { actions: ActionTable; outbox: Outbox }) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'sharpeyes_' });
    const counter = (name: string, help: string, labelNames: string[]) => new Counter({ name, help, labelNames, registers });
    const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers });
    this.frames = counter('sharpeyes_camera_frames_total', 'Frames decoded from each camera.', ['camera']);
    this.analysed = counter('sharpeyes_camera_frames_analysed_total', 'Frames the motion gate looked at.', ['camera']);
    this.dropped = counter(
      'sharpeyes_camera_frames_dropped_total',
      'Gated frames replaced before recognition took them (recognition busy).',
      ['camera'],
    );
    this.restarts = counter('sharpeyes_camera_restarts_total', 'ffmpeg restarts per camera.', ['camera']);
    this.cameraOnline = gauge('sharpeyes_camera_online', '1 while frames flow from the camera.', ['camera']);
    this.inference = new Histogram({
      name: 'sharpeyes_inference_seconds',
      help: 'Time of one model run in an inference worker.',
      labelNames: ['worker', 'model'],
      buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2],
      registers,
    });
    this.decisions = counter('sharpeyes_access_decisions_total', 'Access decisions by result.', ['via', 'result', 'reason']);
    this.outboxUnsent = gauge('sharpeyes_outbox_unsent', 'Events waiting in the outbox for the uplink.');
    this.outboxBytes = gauge('sharpeyes_outbox_unsent_bytes', 'Bytes of the events waiting in the outbox.');
    this.deviceOnline = gauge('sharpeyes_device_online', '1 while the device answers.', ['device', 'kind']);
    this.gateState = gauge('sharpeyes_gate_state', '1 for the state a gate is in.', ['device', 'state']);
    this.ackSeconds = new Histogram({
      name: 'sharpeyes_alarm_ack_seconds',
      help: 'From an alarm being raised to its acknowledgement.',
      buckets: [5, 10, 30, 60, 120, 300, 600, 1800, 3600],
      registers,
    });
    this.uplink = {
      pushed: counter('sharpeyes_gat1400_pushed_total', 'GA/T 1400 records the platform acknowledged (StatusCode 0).', []),
      deadLettered: counter(
        'sharpeyes_gat1400_dead_lettered_total',
        'GA/T 1400 records set aside as dead letters (refused too often, or not buildable).',
        [],
      ),
      deadLetters: gauge('sharpeyes_gat1400_dead_letters', 'GA/T 1400 dead letters waiting (gat1400/dead-letters).'),
      backlog: gauge('sharpeyes_gat1400_backlog', 'Face and plate events the GA/T 1400 uplink has not delivered yet.'),
    };
    this.sessions = gauge('sharpeyes_console_sessions', 'Console sessions alive.');
    this.liveViewers = gauge('sharpeyes_live_viewers', 'Live view websockets open.');
    subscribe(INFERENCE_CHANNEL, this.onInference);
  }

  close(): void {
    unsubscribe(INFERENCE_CHANNEL, this.onInference);
  }

  decision(d: { via: string; allow: boolean; reason: string }): void {
    this.decisions.inc({ via: d.via, result: d.allow ? 'allow' : 'deny', reason: d.reason });
  }

  /** An acknowledgement: `raisedAt` (ISO) to `acknowledgedAt` (ISO, else now). */
  acknowledged(raisedAt: string | undefined, acknowledgedAt?: string): void {
    const t0 = raisedAt ? Date.parse(raisedAt) : NaN;
    const t1 = acknowledgedAt ? Date.parse(acknowledgedAt) : Date.now();
    if (Number.isFinite(t0) && t1 >= t0) this.ackSeconds.observe((t1 - t0) / 1000);
  }

  /** The Prometheus text, after reading cameras, devices and the outbox. */
  async render(): Promise<{ type: string; text: string }> {
    await this.collect();
    return { type: this.registry.contentType, text: await this.registry.metrics() };
  }

  private async collect(): Promise<void> {
    const run = (name: string) =>
      this.deps.actions.get(name)
        ? this.deps.actions.run(name, {}, { actor: SYSTEM, transaction: 'metrics' }).catch(() => undefined)
        : undefined;
    const cams = (await run('cameras/list')) as CameraRow[] | undefined;
    for (const c of cams ?? []) {
      const labels = { camera: c.cameraId };
      this.advance(this.frames, labels, c.framesIn);
      this.advance(this.analysed, labels, c.analysed);
      this.advance(this.dropped, labels, c.dropped);
      this.advance(this.restarts, labels, c.restarts);
      this.cameraOnline.set(labels, c.state === 'online' ? 1 : 0);
    }
    const devs = ((await run('devices/list')) as { devices: DeviceRow[] } | undefined)?.devices ?? [];
    this.gateState.reset();
    for (const d of devs) {
      this.deviceOnline.set({ device: d.id, kind: d.kind }, d.online ? 1 : 0);
      if (d.gate) this.gateState.set({ device: d.id, state: d.gate }, 1);
    }
    const viid = (await run('gat1400/status')) as
      { enabled: boolean; pushed?: number; deadLettered?: number; deadLetters?: number; backlog?: number } | undefined;
    if (viid?.enabled) {
      this.advance(this.uplink.pushed, {}, viid.pushed ?? 0);
      this.advance(this.uplink.deadLettered, {}, viid.deadLettered ?? 0);
      this.uplink.deadLetters.set(viid.deadLetters ?? 0);
      this.uplink.backlog.set(viid.backlog ?? 0);
    }
    const o = this.deps.outbox.stats();
    this.outboxUnsent.set(o.unsent);
    this.outboxBytes.set(o.unsentBytes);
  }

  /** Counters mirrored from another room's running totals: add what grew (all of it after a restart of the total). */
  private advance(counter: Counter, labels: Record<string, string>, total: number): void {
    const key = `${(counter as unknown as { name: string }).name}|${JSON.stringify(labels)}`;
    const prev = this.last.get(key) ?? 0;
    const delta = total >= prev ? total - prev : total;
    if (delta > 0) counter.inc(labels, delta);
    this.last.set(key, total);
  }
}
