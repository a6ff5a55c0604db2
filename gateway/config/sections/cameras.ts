import { z } from 'zod';

// Owned by the cameras room (gateway/cameras). Placeholder until that room lands.
export const camerasSection = z.array(z.strictObject({ id: z.string() })).default([]).describe('Cameras: ONVIF devices or plain RTSP URLs.');
