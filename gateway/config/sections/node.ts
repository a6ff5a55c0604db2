import { z } from 'zod';

export const nodeSection = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" or "-", at most 64 characters (it is an MQTT topic level)')
      .optional()
      .describe("This box's id on the city platform (a topic level under the prefix). Defaults to the host name."),
    dataDir: z
      .string()
      .min(1)
      .default('var')
      .describe('Folder for the database, snapshots and runtime files (relative to the working directory).'),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .describe('Lowest log level written to stderr.'),
  })
  .describe('This box.');
