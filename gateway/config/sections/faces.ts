import { z } from 'zod';

// Owned by the faces room (gateway/faces). Placeholder until that room lands.
export const facesSection = z.strictObject({ enabled: z.boolean().default(false) }).prefault({}).describe('Face recognition.');
