import { z } from 'zod';

// Owned by the devices room (gateway/devices). Placeholder until that room lands.
export const devicesSection = z.array(z.strictObject({ id: z.string() })).default([]).describe('Gate controllers and alarm posts, each described by a device profile.');
