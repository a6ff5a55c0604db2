import type { Decision } from './policy.js';

/**
 * In-process event of the access room: every decision, once it is stored with its outbox event
 * and before its gate is asked to open (gate.request / gate.command carry `decisionId` as
 * requestId). For what is built on decisions in the same process (the demo's narration).
 */
declare module '../core/events.js' {
  interface GatewayEvents {
    'access.decided': Decision & { decisionId: string; snapshotId: string | null };
  }
}
