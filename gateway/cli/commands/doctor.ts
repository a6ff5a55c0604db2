import { EXIT } from '../command.js';
import type { Command } from '../command.js';
import { parse } from '../args.js';
import { outputLang } from '../../core/locale.js';
import { loadConfig } from '../../config/load.js';
import { doctorText, runDoctor } from '../../doctor/doctor.js';

const command: Command = {
  summary:
    'Check this box: ffmpeg, the models and their hashes, serial ports and GPIO chips, the broker and its certificates, disk space, the clock.',
  usage: 'sharpeyes doctor [--json] [--models DIR] [--config FILE]',
  async run(argv) {
    const { values } = parse(argv, {
      json: { type: 'boolean' },
      models: { type: 'string' },
      config: { type: 'string', short: 'c' },
    });
    const loaded = loadConfig(values.config ?? process.env.SHARPEYES_CONFIG);
    const findings = await runDoctor(loaded, values.models ? { modelsDir: values.models } : {});
    process.stdout.write(values.json ? `${JSON.stringify({ findings })}\n` : doctorText(findings, outputLang()));
    return findings.some((f) => f.status === 'fail') ? EXIT.failed : EXIT.ok;
  },
};
export default command;
