import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../command.js';
import { parse } from '../args.js';
import { UsageError } from '../command.js';
import { loadConfig, resolveConfigPath } from '../../config/load.js';
import { createLogger } from '../../core/logger.js';
import { Database } from '../../store/database.js';
import { Outbox } from '../../store/outbox.js';
import { MqttConnection } from '../../../cloud-bridge/mqtt/mqtt-client.js';
import { cliBrokerOptions } from '../../../cloud-bridge/mqtt/request-client.js';
import { topicsFor } from '../../../cloud-bridge/mqtt/topics.js';
import { formatEventLine, kindMatches } from '../../../cloud-bridge/mqtt/event-format.js';
import { ENVELOPE_VERSION, type Envelope } from '../../../cloud-bridge/mqtt/payloads.js';

const command: Command = {
  summary: 'Show events: the most recent ones from the local outbox, or (--follow) the live stream from the broker.',
  usage: 'sharpeyes events [--follow] [--config FILE] [--kind K] [--limit N] [--json]',
  async run(argv) {
    const { values } = parse(argv, {
      config: { type: 'string', short: 'c' },
      follow: { type: 'boolean', short: 'f' },
      kind: { type: 'string', short: 'k' },
      limit: { type: 'string', short: 'n' },
      json: { type: 'boolean' },
    });
    const loaded = loadConfig(values.config ?? process.env.SHARPEYES_CONFIG);
    const limit = values.limit === undefined ? 20 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit: got ${values.limit}, expected a whole number >= 1`);
    const out = (line: string) => process.stdout.write(`${line}\n`);

    if (!values.follow) {
      const file = join(resolveConfigPath(loaded, loaded.config.node.dataDir), 'gateway.db');
      if (!existsSync(file)) {
        process.stderr.write(`no events yet: ${file} does not exist (has the gateway run with this config?)\n`);
        return 0;
      }
      const db = new Database(file);
      try {
        const outbox = new Outbox({ db, log: createLogger({ level: 'silent' }), quotaBytes: Number.MAX_SAFE_INTEGER });
        const rows = outbox
          .recent(values.kind ? Math.min(limit * 50, 10_000) : limit)
          .filter((r) => kindMatches(r.kind, values.kind))
          .slice(0, limit)
          .reverse();
        for (const r of rows) {
          if (values.json)
            out(
              JSON.stringify({
                id: r.id,
                nodeId: loaded.nodeId,
                kind: r.kind,
                ts: r.ts,
                seq: r.seq,
                v: ENVELOPE_VERSION,
                data: r.data,
                sent: r.sent,
              }),
            );
          else out(formatEventLine({ ...r, state: r.sent ? 'sent' : 'queued' }));
        }
      } finally {
        db.close();
      }
      return 0;
    }

    const topics = topicsFor(loaded.config.cloud.topicPrefix, loaded.nodeId);
    const options = cliBrokerOptions(loaded, 'events');
    const conn = await MqttConnection.open(options);
    conn.onMessage((msg) => {
      if (!topics.kindOfEvent(msg.topic)) return;
      let env: Envelope;
      try {
        env = JSON.parse(msg.payload.toString('utf8')) as Envelope;
      } catch {
        process.stderr.write(`not JSON on ${msg.topic}\n`);
        return;
      }
      if (!kindMatches(env.kind, values.kind)) return;
      out(values.json ? msg.payload.toString('utf8') : formatEventLine(env));
    });
    await conn.subscribe([topics.eventsWildcard], 1);
    process.stderr.write(`following ${topics.eventsWildcard} on ${options.url} (Ctrl-C to stop)\n`);
    return new Promise<number>((resolve) => {
      const stop = () => void conn.close().then(() => resolve(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      conn.onClose((err) => {
        if (err) {
          process.stderr.write(`sharpeyes events: connection lost: ${err.message}\n`);
          resolve(1);
        }
      });
    });
  },
};
export default command;
