/** `sharpeyes eval faces DIR [--json] [--enrol N] [--far F]` */
import { parse } from '../../cli/args.js';
import { UsageError } from '../../cli/command.js';
import { loadFacesConfig, openPipeline } from '../cli-support.js';
import { evaluateFaces } from './run.js';

export const FACES_EVAL_USAGE = 'sharpeyes eval faces DIR [--json] [--enrol N] [--far 0.001] [--config FILE]';

export async function runFacesEval(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { json: { type: 'boolean' }, enrol: { type: 'string' }, far: { type: 'string' }, config: { type: 'string', short: 'c' } },
    true,
  );
  if (positionals.length !== 1) throw new UsageError('give one folder laid out as DIR/<identity>/*.jpg, DIR/_unknown, DIR/_noface');
  const enrol = values.enrol === undefined ? 1 : Number(values.enrol);
  const far = values.far === undefined ? 0.001 : Number(values.far);
  if (!Number.isInteger(enrol) || enrol < 1) throw new UsageError('--enrol must be a whole number >= 1');
  if (!(far > 0 && far < 1)) throw new UsageError('--far must be between 0 and 1');
  const loaded = loadFacesConfig(values.config);
  const { pipeline, close } = await openPipeline(loaded);
  try {
    let last = 0;
    const report = await evaluateFaces({
      dir: positionals[0]!,
      pipeline,
      enrolPhotos: enrol,
      targetFar: far,
      configThreshold: loaded.config.faces.threshold,
      progress: (done, total) => {
        if (!values.json && process.stderr.isTTY && done - last >= 50) {
          last = done;
          process.stderr.write(`\r${done}/${total}`);
        }
      },
    });
    if (!values.json) {
      const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
      const lines = [
        `identities ${report.identities} (enrolled ${report.enrolled}, ${report.enrol_refused} enrolment photo(s) refused), probes ${report.probes}, strangers ${report.strangers}`,
        `rank-1 ${pct(report.rank1)} (${report.probe_no_face} probe(s) with no face found)`,
        `threshold for FAR <= ${pct(report.target_far)}: ${report.threshold} -> FAR ${pct(report.far)}, FRR ${pct(report.frr)}, misidentified ${report.misidentified}`,
        report.at_config
          ? `configured faces.threshold ${report.config_threshold}: FAR ${pct(report.at_config.far)}, FRR ${pct(report.at_config.frr)}, misidentified ${report.at_config.misidentified}`
          : '',
        `_noface: ${report.noface_false_positives} detection(s) in ${report.noface_photos} photo(s)`,
        `${report.ms_per_photo} ms per photo`,
        ...report.refusals.map((r) => `  enrolment refused ${r.photo}: ${r.reason}`),
        ...report.failures.map((f) => `  not accepted ${f.photo}: best ${f.best ?? '(no face)'} ${f.similarity}`),
      ];
      process.stdout.write(`${lines.filter(Boolean).join('\n')}\n`);
    }
    process.stdout.write(
      `${JSON.stringify(values.json ? report : { rank1: report.rank1, far: report.far, frr: report.frr, threshold: report.threshold, noface_false_positives: report.noface_false_positives, identities: report.identities, probes: report.probes, strangers: report.strangers })}\n`,
    );
    return 0;
  } finally {
    await close();
  }
}
