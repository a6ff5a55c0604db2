import { z } from 'zod';

export const consoleSection = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Serve the local web console (status, devices, cameras, live events, gate buttons).'),
    host: z.string().min(1).default('127.0.0.1').describe('Interface to listen on. Anything but loopback requires tokenFile.'),
    port: z.number().int().min(0).max(65535).default(8080).describe('TCP port; 0 picks a free one.'),
    tokenFile: z.string().optional().describe('File holding the bearer token the console requires (mandatory when host is not loopback).'),
  })
  .describe('The local web console for installers and guards.');
