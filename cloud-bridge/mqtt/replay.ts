import { z } from 'zod';
import { ActionError, type ActionTable } from '../../gateway/core/actions.js';
import type { Outbox } from '../../gateway/store/outbox.js';
import type { MqttConnection } from './mqtt-client.js';
import type { Topics } from './topics.js';
import { encodeEnvelope } from './envelope.js';

/** Longest seq range one request may ask for. */
export const MAX_REPLAY = 10_000;

/** Events replayed awaiting PUBACK at once: an alarm the relay publishes meanwhile waits behind at most these. */
export const REPLAY_INFLIGHT = 50;

/**
 * `events/replay`: publishes again, on their events/<kind> topics with their own id and seq, the
 * events of a seq range a platform found missing. A broker that acknowledged a publish and then
 * crashed before delivering or saving it (mosquitto saves every autosave_interval) leaves a gap
 * in a node's seq that nothing else can fill: the node keeps sent events for
 * `outbox.keepSentHours`, so the platform asks for the gap and deduplicates by id as usual.
 *
 * It republishes up to 10,000 events, so it needs an operator (audited, with ts + nonce over
 * MQTT, like every change), runs at most 30 times a minute per requester (bursts of 10: a
 * platform may find several gaps at once), and sends at most REPLAY_INFLIGHT at a time,
 * yielding between batches, so new alarms are not stuck behind it.
 */
export function registerReplayAction(o: {
  actions: ActionTable;
  outbox: Outbox;
  topics: Topics;
  nodeId: string;
  connection: () => MqttConnection | undefined;
}): void {
  o.actions.register('events/replay', {
    role: 'operator',
    rate: { perMinute: 30, burst: 10 },
    description: `Publishes again the events of a seq range (at most ${MAX_REPLAY}) still kept in the outbox, same id and seq, for a platform that found a gap; answers how many and which seqs are no longer kept.`,
    input: z
      .strictObject({
        fromSeq: z.number().int().min(1),
        toSeq: z.number().int().min(1),
      })
      .refine((r) => r.toSeq >= r.fromSeq && r.toSeq - r.fromSeq < MAX_REPLAY, {
        message: `toSeq must be within ${MAX_REPLAY - 1} after fromSeq`,
      }),
    handle: async ({ fromSeq, toSeq }) => {
      const conn = o.connection();
      if (!conn) throw new ActionError('not connected to the broker', 'offline');
      const rows = o.outbox.rawBySeq(fromSeq, toSeq);
      for (let i = 0; i < rows.length; i += REPLAY_INFLIGHT) {
        const batch = rows.slice(i, i + REPLAY_INFLIGHT);
        await Promise.all(batch.map((r) => conn.publish(o.topics.event(r.kind), encodeEnvelope(r, o.nodeId), { qos: 1 })));
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const lastSeq = o.outbox.stats().lastSeq;
      const kept = new Set(rows.map((r) => r.seq));
      const missing: [number, number][] = [];
      for (let q = fromSeq; q <= Math.min(toSeq, lastSeq); q++) {
        if (kept.has(q)) continue;
        const last = missing.at(-1);
        if (last && last[1] === q - 1) last[1] = q;
        else missing.push([q, q]);
      }
      return { replayed: rows.length, notKept: missing, lastSeq };
    },
  });
}
