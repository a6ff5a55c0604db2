import { z } from 'zod';
import { defineEvents } from '../../gateway/core/event-spec.js';

/** The cloud bridge's in-process events. */
export const cloudEvents = defineEvents({
  'cloud.link': {
    priority: 'normal',
    published: false,
    schema: z.strictObject({ up: z.boolean(), url: z.string() }).describe('The link to the broker came up or went down.'),
  },
});
