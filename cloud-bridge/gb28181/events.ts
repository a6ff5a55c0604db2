import { z } from 'zod';
import { defineEvents } from '../../gateway/core/event-spec.js';

/** The GB/T 28181 room's in-process events: the state of the registration with the video platform. */
export const gb28181Events = defineEvents({
  'gb28181.registered': {
    priority: 'normal',
    published: false,
    schema: z
      .strictObject({ server: z.string(), deviceId: z.string(), expiresS: z.number() })
      .describe('The box is registered with the GB/T 28181 platform (first time and after every loss).'),
  },
  'gb28181.unregistered': {
    priority: 'normal',
    published: false,
    schema: z
      .strictObject({ server: z.string(), deviceId: z.string(), reason: z.string() })
      .describe('The registration is gone (refused, unanswered keepalives, connection lost, or stopping).'),
  },
});
