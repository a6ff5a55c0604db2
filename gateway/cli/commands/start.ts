import type { Command } from '../command.js';
import { parse } from '../args.js';
import { loadCheckedConfig } from '../../check-config.js';
import { componentLogger, createLogger } from '../../core/logger.js';
import { SdNotify } from '../../core/sd-notify.js';
import { Controller } from '../../controller.js';
import { Narrator } from '../../rooms/demo/narrator.js';
import { outputLang } from '../../core/locale.js';
import { demoRuns } from '../../rooms/demo/profile.js';

const command: Command = {
  summary: 'Run the gateway daemon. Without --config it runs on the embedded defaults (demo camera, simulated gate, embedded broker).',
  usage: 'sharpeyes start [--config FILE]',
  async run(argv) {
    const { values } = parse(argv, { config: { type: 'string', short: 'c' } });
    const loaded = loadCheckedConfig(values.config ?? process.env.SHARPEYES_CONFIG);
    const root = createLogger({ level: loaded.config.node.logLevel });
    const log = componentLogger(root, 'daemon');
    const notify = new SdNotify(componentLogger(root, 'systemd'));
    const controller = new Controller(loaded, root);
    // Access decisions as plain lines on the terminal: always for the demo, and when a person watches.
    const narrator =
      demoRuns(loaded.config) || process.stdout.isTTY
        ? new Narrator({ bus: controller.ctx.bus, lang: outputLang(), write: (line) => process.stdout.write(`${line}\n`) })
        : undefined;

    let stopping: Promise<void> | undefined;
    const shutdown = (reason: string, code: number) => {
      if (stopping) {
        log.warn({ reason }, 'second stop request: exiting now');
        process.exit(code || 1);
      }
      log.info({ reason }, 'stopping');
      narrator?.close();
      notify.stopping();
      stopping = controller.stop(reason).finally(() => {
        log.flush();
        process.exit(code);
      });
    };
    process.on('SIGTERM', () => shutdown('SIGTERM', 0));
    process.on('SIGINT', () => shutdown('SIGINT', 0));
    process.on('uncaughtException', (err) => {
      log.fatal({ err, stack: err.stack }, 'uncaught exception');
      shutdown('uncaught exception', 1);
    });
    process.on('unhandledRejection', (err) => {
      log.error({ err, stack: err instanceof Error ? err.stack : undefined }, 'unhandled rejection');
    });

    await controller.start();
    notify.ready();
    log.info(
      { nodeId: loaded.nodeId, version: controller.ctx.version, config: loaded.source, dataDir: controller.ctx.dataDir },
      'gateway running',
    );
    process.stdout.write(
      [
        `Sharp Eyes gateway ${controller.ctx.version} running as node ${loaded.nodeId} (${loaded.source}; data in ${controller.ctx.dataDir})`,
        ...controller.summary().map((l) => `  ${l}`),
        '  stop with Ctrl-C (SIGTERM); logs are JSON lines on stderr',
        '',
      ].join('\n'),
    );
    narrator?.open();
    await new Promise<never>(() => {
      /* runs until a signal */
    });
    return 0;
  },
};
export default command;
