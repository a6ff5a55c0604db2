import { existsSync, readFileSync, renameSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ActionError, type ActionTable } from '../../gateway/core/actions.js';
import type { GatewayContext } from '../../gateway/core/context.js';
import type { Room, Scope } from '../../gateway/core/room.js';
import { componentLogger, type Logger } from '../../gateway/core/logger.js';
import { errMessage } from '../../gateway/core/errors.js';
import { cameraIdsOf } from '../../gateway/config/sections/cameras.js';
import { readSecretFile, resolveConfigPath } from '../../gateway/config/load.js';
import { OutboxSink } from '../../gateway/store/outbox-sink.js';
import { HttpClient } from './http.js';
import { parseUtcOffset, viidCameraOf } from './ids.js';
import { VEHICLE_KINDS, type ViidCamera } from './mapping.js';
import { loadPictures } from './pictures.js';
import { ViidPusher } from './pusher.js';
import { ViidSession, type SessionState } from './session.js';
import { uplinkOff, type UplinkSource, type UplinkStatus } from '../../gateway/core/uplinks.js';
import { DEAD_LETTERS_FILE, DeadLetters } from './dead-letters.js';

/**
 * Opens the dead-letter file; one that cannot be opened (corrupt, or written by a newer gateway)
 * is moved aside under a dated name and a new one started: the uplink keeps running, the old
 * letters stay on disk for an operator, and the error says where.
 */
function openDeadLetters(path: string, limits: { keepDays: number; maxLetters: number }, log: Logger): DeadLetters {
  try {
    return new DeadLetters(path, limits);
  } catch (err) {
    const aside = `${path}.unreadable-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix);
    log.error({ err: errMessage(err), movedTo: aside }, 'GA/T 1400 dead-letter file unreadable; moved aside, starting a new one');
    return new DeadLetters(path, limits);
  }
}

/** How long a POST under way may finish when the uplink stops, before the session unregisters. */
const STOP_GRACE_MS = 2000;

/** The outbox sink name of this uplink (its position in outbox_sinks). */
export const GAT1400_SINK = 'gat1400';

/**
 * The GA/T 1400 (视图库) uplink: a session with the platform and a pusher that takes face and
 * plate events from the outbox through its own sink position. Off by default; when off, a
 * position left by an earlier run is dropped so it no longer holds sent rows back.
 */
export class Gat1400Room implements Room, UplinkSource {
  readonly name = 'gat1400';
  private readonly log: Logger;
  private readonly cameras = new Map<string, ViidCamera>();
  private http: HttpClient | undefined;
  private session: ViidSession | undefined;
  private pusher: ViidPusher | undefined;
  private sink: OutboxSink | undefined;
  private deadLetters: DeadLetters | undefined;
  private sessionState: { state: SessionState; since: string; detail: string } | undefined;

  constructor(private readonly ctx: GatewayContext) {
    this.log = componentLogger(ctx.log, 'gat1400');
  }

  private get cfg() {
    return this.ctx.loaded.config.gat1400;
  }

  private kinds(): string[] {
    const cfg = this.cfg;
    return [...(cfg.faces ? ['face.recognized'] : []), ...(cfg.strangers ? ['face.unknown'] : []), ...(cfg.vehicles ? VEHICLE_KINDS : [])];
  }

  private camera(id: string): ViidCamera {
    let c = this.cameras.get(id);
    if (!c) {
      c = viidCameraOf(this.cfg, id);
      this.cameras.set(id, c);
    }
    return c;
  }

  registerActions(actions: ActionTable): void {
    actions.register('gat1400/status', {
      role: 'viewer',
      description:
        'The GA/T 1400 uplink: session state, backlog, records delivered and set aside since start, dead letters waiting (also in /metrics), and why the platform is failing when it is.',
      input: z.strictObject({}).prefault({}),
      handle: () => {
        const { session, pusher, sink, deadLetters } = this;
        if (!session || !pusher || !sink || !deadLetters) return { enabled: false };
        return {
          enabled: true,
          state: session.state,
          backlog: sink.backlog(),
          pushed: pusher.pushed,
          lastPushAt: pusher.lastPushAt ?? null,
          failing: pusher.failing ?? null,
          deadLettered: deadLetters.added,
          replayed: deadLetters.replayed,
          deadLetters: deadLetters.size(),
        };
      },
    });
    actions.register('gat1400/dead-letters', {
      role: 'viewer',
      description:
        'GA/T 1400 records set aside (the platform kept refusing them, or they could not be built), newest first: event, record id, reason, attempts; no picture or personal data.',
      input: z
        .strictObject({
          limit: z.number().int().min(1).max(500).default(50),
          offset: z.number().int().min(0).default(0),
        })
        .prefault({}),
      handle: ({ limit, offset }) => {
        const dl = this.requireDeadLetters();
        return { total: dl.size(), letters: dl.list(limit, offset) };
      },
    });
    actions.register('gat1400/dead-letters/replay', {
      role: 'operator',
      description:
        'Sends dead letters to the GA/T 1400 platform again (before the outbox head, one per request, with the ids they had): delivered ones are removed, refused ones come back with the new reason.',
      input: z
        .strictObject({
          eventIds: z.array(z.string().min(1).max(64)).min(1).max(1000).optional().describe('The dead letters (their event ids).'),
          all: z.boolean().default(false).describe('Or every dead letter.'),
        })
        .refine((i) => i.all !== (i.eventIds !== undefined), 'give eventIds or all: true (one of them)'),
      handle: ({ eventIds, all }) => {
        const dl = this.requireDeadLetters();
        if (!all) {
          const unknown = dl.unknown(eventIds ?? []);
          if (unknown.length) throw new ActionError(`not a dead letter: ${unknown.slice(0, 5).join(', ')}`, 'not_found');
        }
        const queued = dl.requestReplay(all ? 'all' : (eventIds ?? []));
        this.pusher?.poke();
        return { queued };
      },
    });
  }

  private requireDeadLetters(): DeadLetters {
    if (!this.deadLetters) throw new ActionError('the GA/T 1400 uplink is off (gat1400.enabled)', 'unavailable');
    return this.deadLetters;
  }

  /** Everything it opens is handed to the scope where it is opened: a start that fails half-way leaves nothing running. */
  async start(scope: Scope): Promise<void> {
    const { ctx, log } = this;
    const cfg = this.cfg;
    const kinds = this.kinds();
    if (!cfg.enabled || !cfg.url || !cfg.deviceId || kinds.length === 0) {
      if (OutboxSink.drop(ctx.db, GAT1400_SINK)) log.info('GA/T 1400 uplink off: its outbox position was dropped');
      return;
    }
    const { deviceId, url } = cfg;
    const password = () => (cfg.passwordFile ? readSecretFile(ctx.loaded, cfg.passwordFile, 'gat1400.passwordFile') : '');
    // The config check (gateway/check-config.ts) made sure these files can be read and the ids differ.
    const ca = cfg.caFile ? readFileSync(resolveConfigPath(ctx.loaded, cfg.caFile)) : undefined;
    const ids = cameraIdsOf(ctx.loaded.config.cameras).map((id) => ({ camera: id, ...this.camera(id) }));
    log.info({ url, deviceId, kinds, cameras: ids }, 'GA/T 1400 uplink: cameras and their VIID ids');
    const offsetMinutes = parseUtcOffset(cfg.timeZone);
    const http = new HttpClient(new URL(url), { timeoutMs: cfg.requestTimeoutS * 1000, ...(ca ? { ca } : {}) });
    const session = new ViidSession({
      http,
      deviceId,
      username: cfg.username ?? deviceId,
      password,
      keepaliveMs: cfg.keepaliveS * 1000,
      retryMinMs: cfg.retryMinMs,
      retryMaxMs: cfg.retryMaxMs,
      offsetMinutes,
      log,
      onState: (state, detail) => void (this.sessionState = { state, since: new Date().toISOString(), detail }),
    });
    const sink = OutboxSink.open(ctx.db, GAT1400_SINK, kinds);
    const snapshotsDir = resolveConfigPath({ baseDir: ctx.dataDir }, ctx.loaded.config.cameras.snapshots.dir);
    const deadLetters = openDeadLetters(resolve(ctx.dataDir, DEAD_LETTERS_FILE), cfg.deadLetters, log);
    scope.add(() => {
      deadLetters.close();
      this.deadLetters = undefined;
    });
    const pusher = new ViidPusher({
      sink,
      session,
      http,
      mapping: { offsetMinutes, camera: (id) => this.camera(id), images: cfg.images },
      loadPictures: (refs) => loadPictures(snapshotsDir, refs),
      batchSize: cfg.batchSize,
      retryMinMs: cfg.retryMinMs,
      retryMaxMs: cfg.retryMaxMs,
      attempts: cfg.deadLetters.attempts,
      deadLetters,
      onAppend: (l) => ctx.outbox.onAppend(l),
      onRejected: (r) => ctx.events.publish('gat1400.rejected', r),
      log,
    });
    Object.assign(this, { http, session, pusher, sink, deadLetters });
    session.start();
    pusher.start();
    scope.add(async () => {
      const stopping = pusher.stop();
      // A POST under way gets a moment to finish, then unregistering closes the session.
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([stopping, new Promise((r) => (grace = setTimeout(r, STOP_GRACE_MS)))]);
      clearTimeout(grace);
      await session.stop();
      http.close();
      await stopping;
    });
  }

  /** For uplinks/status: the session's state and the events of its kinds it has not taken yet. */
  uplinkStatus(): UplinkStatus[] {
    const { session, sink } = this;
    if (!session || !sink) return [uplinkOff('gat1400')];
    const s = this.sessionState;
    // Registered, but the platform fails every record alike (or does not answer): down, with why.
    const failing = session.state === 'registered' ? this.pusher?.failing : undefined;
    const state = failing
      ? 'down'
      : session.state === 'registered'
        ? 'up'
        : session.state === 'stopped'
          ? 'off'
          : s?.state === 'waiting'
            ? 'down'
            : 'connecting';
    return [
      {
        kind: 'gat1400',
        state,
        since: failing?.since ?? s?.since ?? null,
        target: this.cfg.url ?? null,
        detail: failing?.detail ?? (state === 'up' ? null : (s?.detail ?? null)),
        backlog: sink.backlog(),
        delivery: { by: 'position', kinds: [...sink.kinds], position: sink.position },
      },
    ];
  }

  summary(): string[] {
    const { session, pusher, sink } = this;
    const cfg = this.cfg;
    if (!session || !pusher || !sink) return [];
    const what = [cfg.faces ? 'faces' : '', cfg.strangers ? 'strangers' : '', cfg.vehicles ? 'vehicles' : ''].filter(Boolean).join(', ');
    const dead = this.deadLetters?.size() ?? 0;
    return [
      `GA/T 1400: ${cfg.url} as ${cfg.deviceId} (${session.state}; ${what}; backlog ${sink.backlog()}${dead ? `; dead letters ${dead}` : ''})`,
    ];
  }
}
