import { z } from 'zod';
import { redactConfig } from '../config/load.js';
import type { GatewayContext } from './context.js';

/** Actions every box answers, whatever rooms it runs. */
export function registerCoreActions(ctx: GatewayContext): void {
  ctx.actions.register('ping', {
    role: 'viewer',
    description: 'Liveness check; answers with the node id, version, uptime and outbox backlog.',
    input: z.strictObject({}).prefault({}),
    handle: () => ({
      nodeId: ctx.nodeId,
      version: ctx.version,
      startedAt: ctx.startedAt,
      uptimeS: Math.round(process.uptime()),
      outbox: ctx.outbox.stats(),
    }),
  });
  ctx.actions.register('config/get', {
    role: 'admin',
    readOnly: true,
    description: 'The running configuration, with secrets redacted.',
    input: z.strictObject({}).prefault({}),
    handle: () => ({ nodeId: ctx.nodeId, source: ctx.loaded.source, config: redactConfig(ctx.loaded.config) }),
  });
}
