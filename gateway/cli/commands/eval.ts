import { UsageError, type Command } from '../command.js';

/**
 * `sharpeyes eval <what> ...`: accuracy on a labelled folder. A lookup table of subcommands,
 * each owned by its room and loaded only when used.
 */
const EVALS: Record<string, { usage: string; run: () => Promise<(argv: string[]) => Promise<number>> }> = {
  faces: {
    usage: 'sharpeyes eval faces DIR [--json] [--enrol N] [--far 0.001] [--config FILE]',
    run: async () => (await import('../../rooms/faces/eval/cli.js')).runFacesEval,
  },
  plates: {
    usage: 'sharpeyes eval plates DIR [--json] [--verbose]',
    run: async () => (await import('../../rooms/plates/eval-cli.js')).runPlatesEval,
  },
};

const command: Command = {
  summary: 'Evaluate recognition on a labelled folder (exact-match rates, per-colour figures, time per image).',
  usage: Object.values(EVALS)
    .map((e) => e.usage)
    .join('\n       '),
  async run(argv) {
    const [what, ...rest] = argv;
    const entry = what ? EVALS[what] : undefined;
    if (!entry) throw new UsageError(`${what ? `unknown evaluation "${what}"` : 'say what to evaluate'}: ${Object.keys(EVALS).join(', ')}`);
    return (await entry.run())(rest);
  },
};
export default command;
