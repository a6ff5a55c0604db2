import { z } from 'zod';
import { defineEvents } from '../event-spec.js';

/** The audit log's event: every change asked of the box, with who asked. */
export const auditEvents = defineEvents({
  'audit.action': {
    priority: 'never-dropped',
    published: true,
    schema: z
      .strictObject({
        action: z.string().describe('The action run, e.g. gate/open, residents/remove, watchlist/set, alarm/ack.'),
        channel: z.enum(['platform', 'console', 'cli', 'system']).describe('Where the request came from.'),
        by: z.string().describe('Who asked: the console user, the local CLI user, or "platform".'),
        role: z.enum(['viewer', 'operator', 'admin']),
        transaction: z.string(),
        input: z.unknown().describe('What was asked, without photos, passwords or long text.'),
        ok: z.boolean(),
        code: z.string().optional().describe('Error code when refused or failed.'),
        error: z.string().optional(),
      })
      .describe(
        'A change asked of the box (gate opened by hand, resident added or removed, watchlist edited, alarm acknowledged...): who, what, and whether it was done. Kept in the audit log too.',
      ),
  },
});
