import type { z } from 'zod';
import { coreEventContracts } from './core.js';
import { deviceEventContracts } from './devices.js';
import { cameraEventContracts } from './cameras.js';
import { plateEventContracts } from './plates.js';
import { accessEventContracts } from './access.js';
import { faceEventContracts } from './faces.js';
import { gat1400EventContracts } from './gat1400.js';

/**
 * Every event kind the gateway publishes on `events/<kind>`, with the schema of its `data`.
 * Each room keeps its own file here (cameras.ts, devices.ts, faces.ts, plates.ts, access.ts)
 * and adds it to this map. JSON Schemas in cloud-bridge/schemas/ are generated from this map
 * and tests validate what is actually published against them.
 * After changing this map or a contract, run `npm run -s schemas` and commit cloud-bridge/schemas/ (a test fails while they are stale).
 */
export const eventContracts: Record<string, z.ZodType> = {
  ...coreEventContracts,
  ...deviceEventContracts,
  ...cameraEventContracts,
  ...plateEventContracts,
  ...accessEventContracts,
  ...faceEventContracts,
  ...gat1400EventContracts,
};
