import type { Command } from './command.js';
import { EXIT, UsageError } from './command.js';
import { ConfigError } from '../config/errors.js';
import { errMessage } from '../core/errors.js';

/**
 * `sharpeyes <command>`: a lookup table of subcommands, each in ./commands/<name>.ts and loaded
 * only when used (so `sharpeyes events` does not load ONNX).
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  start: async () => (await import('./commands/start.js')).default,
  config: async () => (await import('./commands/config.js')).default,
  discover: async () => (await import('./commands/discover.js')).default,
  probe: async () => (await import('./commands/probe.js')).default,
  devices: async () => (await import('./commands/devices.js')).default,
  gate: async () => (await import('./commands/gate.js')).default,
  events: async () => (await import('./commands/events.js')).default,
  request: async () => (await import('./commands/request.js')).default,
  plate: async () => (await import('./commands/plate.js')).default,
  vehicles: async () => (await import('./commands/vehicles.js')).default,
  eval: async () => (await import('./commands/eval.js')).default,
  residents: async () => (await import('./commands/residents.js')).default,
  identify: async () => (await import('./commands/identify.js')).default,
  doctor: async () => (await import('./commands/doctor.js')).default,
  users: async () => (await import('./commands/users.js')).default,
};

function help(): string {
  return [
    'usage: sharpeyes <command> [options]',
    '',
    'commands:',
    ...Object.keys(COMMANDS).map((name) => `  ${name}`),
    '',
    'sharpeyes <command> --help shows the options of one command.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help()}\n`);
    return name ? EXIT.ok : EXIT.usage;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`sharpeyes: unknown command "${name}"\n\n${help()}\n`);
    return EXIT.usage;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.summary}\n\nusage: ${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`sharpeyes: ${err.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`sharpeyes ${name}: ${err.message}\nusage: ${command.usage}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`sharpeyes ${name}: ${errMessage(err)}\n`);
    return EXIT.failed;
  }
}
