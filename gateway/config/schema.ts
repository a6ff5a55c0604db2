import { z } from 'zod';
import { nodeSection } from './sections/node.js';
import { cloudSection, outboxSection } from './sections/cloud.js';
import { camerasSection } from './sections/cameras.js';
import { facesSection } from './sections/faces.js';
import { platesSection } from './sections/plates.js';
import { devicesSection } from './sections/devices.js';
import { consoleSection } from './sections/console.js';
import { accessSection } from './sections/access.js';
import { alarmsSection } from './sections/alarms.js';
import { storeSection } from './sections/store.js';
import { gb28181Section } from './sections/gb28181.js';
import { CONFIG_VERSION } from './migrations/index.js';
import { gat1400Section } from './sections/gat1400.js';

/**
 * The one schema of the gateway's YAML config: source of the TypeScript types, of the JSON
 * Schema and of the README's config reference (`npm run -s docs`). Unknown keys are errors.
 * Each room owns its section in ./sections/.
 */
export const configSchema = z
  .strictObject({
    version: z
      .number()
      .int()
      .describe(
        `Format version of this file (currently ${CONFIG_VERSION}); older files are upgraded at load, \`sharpeyes config migrate --write\` rewrites them.`,
      )
      .optional(),
    node: nodeSection.prefault({}),
    cloud: cloudSection.prefault({}),
    outbox: outboxSection.prefault({}),
    store: storeSection.prefault({}),
    cameras: camerasSection,
    faces: facesSection,
    plates: platesSection,
    devices: devicesSection,
    access: accessSection,
    alarms: alarmsSection.prefault({}),
    console: consoleSection.prefault({}),
    gb28181: gb28181Section.prefault({}),
    gat1400: gat1400Section.prefault({}),
  })
  .describe('Sharp Eyes gateway configuration.');

export type GatewayConfig = z.output<typeof configSchema>;
export type GatewayConfigInput = z.input<typeof configSchema>;

export function configJsonSchema(): object {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
}
