import { z } from 'zod';

// Owned by the plates room (gateway/plates). Placeholder until that room lands.
export const platesSection = z.strictObject({ enabled: z.boolean().default(false) }).prefault({}).describe('Licence plate recognition.');
