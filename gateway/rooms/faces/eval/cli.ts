/** `sharpeyes eval faces DIR [--json] [--enrol N] [--far F] [--gallery-sizes LIST] [--stream ...]` */
import { parse } from '../../../cli/args.js';
import { UsageError } from '../../../cli/command.js';
import { loadFacesConfig, openPipeline } from '../cli-support.js';
import { looksOf, thresholdFor } from '../settings.js';
import { evaluateFaces, type FaceEvalReport } from './run.js';
import { runStreamEval, STREAM_FLAGS } from './stream/cli.js';

export const FACES_EVAL_USAGE =
  'sharpeyes eval faces DIR [--json] [--enrol N] [--far 0.001] [--gallery-sizes 50,500,1500|none] [--scale 50,500,1500,5000|none] [--config FILE]\n';

function sizesOf(text: string | undefined, defaults = [50, 500, 1500], flag = '--gallery-sizes'): number[] {
  if (text === undefined) return defaults;
  if (text === 'none') return [];
  const sizes = text.split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError(`${flag} takes whole numbers separated by commas, or none`);
  return sizes;
}

export async function runFacesEval(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      json: { type: 'boolean' },
      enrol: { type: 'string' },
      far: { type: 'string' },
      'gallery-sizes': { type: 'string' },
      scale: { type: 'string' },
      config: { type: 'string', short: 'c' },
      stream: { type: 'boolean' },
      ...STREAM_FLAGS,
    },
    true,
  );
  if (positionals.length !== 1) throw new UsageError('give one folder laid out as DIR/<identity>/*.jpg, DIR/_unknown, DIR/_noface');
  if (values.stream) return runStreamEval(positionals[0]!, values);
  const enrol = values.enrol === undefined ? 1 : Number(values.enrol);
  const far = values.far === undefined ? 0.001 : Number(values.far);
  if (!Number.isInteger(enrol) || enrol < 1) throw new UsageError('--enrol must be a whole number >= 1');
  if (!(far > 0 && far < 1)) throw new UsageError('--far must be between 0 and 1');
  const gallerySizes = sizesOf(values['gallery-sizes']);
  const scaleSizes = sizesOf(values.scale, [50, 500, 1500, 5000], '--scale');
  const loaded = loadFacesConfig(values.config);
  const { pipeline, close } = await openPipeline(loaded);
  try {
    let last = 0;
    const report = await evaluateFaces({
      dir: positionals[0]!,
      pipeline,
      enrolPhotos: enrol,
      targetFar: far,
      thresholdFor: (n) => thresholdFor(loaded.config.faces, n),
      gallerySizes,
      scaleSizes,
      referenceSize: loaded.config.faces.gallery.referenceSize,
      learning: loaded.config.faces.learning,
      looks: looksOf(loaded.config.faces),
      progress: (done, total) => {
        if (!values.json && process.stderr.isTTY && done - last >= 50) {
          last = done;
          process.stderr.write(`\r${done}/${total}`);
        }
      },
    });
    if (!values.json) process.stdout.write(`${humanLines(report).join('\n')}\n`);
    process.stdout.write(`${JSON.stringify(values.json ? report : summary(report))}\n`);
    return 0;
  } finally {
    await close();
  }
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

function humanLines(r: FaceEvalReport): string[] {
  const a = r.at_config;
  return [
    `identities ${r.identities} (enrolled ${r.enrolled}, ${r.enrol_refused} enrolment photo(s) refused), probes ${r.probes}, strangers ${r.strangers}`,
    `at the configured policy (threshold ${a.threshold} for ${a.gallery} residents): rank-1 ${pct(a.rank1)}, FAR ${pct(a.far)}, FRR ${pct(a.frr)}, misidentified ${a.misidentified} (${r.probe_no_face} probe(s) with no face found)`,
    r.fitted
      ? `fitted to these strangers (optimistic): threshold ${r.fitted.threshold} for FAR <= ${pct(r.fitted.target_far)} -> FAR ${pct(r.fitted.far)}, FRR ${pct(r.fitted.frr)}`
      : '',
    ...r.gallery_sizes.map(
      (g) =>
        `gallery ~${g.gallery_built} (${g.folds} folds): threshold ${g.threshold} -> FAR ${pct(g.far)} (${g.false_accepts}/${g.stranger_probes}), FRR ${pct(g.frr)}, misidentified ${g.misidentified}`,
    ),
    r.policy_fit
      ? `policy fitted on ${r.policy_fit.set} (${r.policy_fit.pairs} pairs): threshold ${r.policy_fit.threshold} at ${r.policy_fit.reference_size} residents, +${r.policy_fit.rise_per_decade} per decade; highest impostor pair ${r.policy_fit.highest_pair}`
      : '',
    ...r.scale.map(
      (g) =>
        `scale ${g.residents} (built ${g.built}), ${g.photos} photo(s), learned ${g.learned ? 'on' : 'off'}: threshold ${g.threshold} -> FAR ${pct(g.far)} (${g.false_accepts}/${g.stranger_probes}), FRR ${pct(g.frr)} (${g.rejected} of ${g.identities} residents' decisions), misidentified ${g.misidentified}${g.learned ? `, learned ${g.learned_templates}, strangers learned ${g.learned_impostors}` : ''}`,
    ),
    ...r.scale_skipped.map((s) => `scale ${s.residents}: not built (${s.reason})`),
    `_noface: ${r.noface_false_positives} detection(s) in ${r.noface_photos} photo(s)`,
    `${r.ms_per_photo} ms per photo`,
    ...r.refusals.map((x) => `  enrolment refused ${x.photo}: ${x.reason}`),
    ...r.failures.map((f) => `  not accepted ${f.photo}: best ${f.best ?? '(no face)'} ${f.similarity}`),
  ].filter(Boolean);
}

function summary(r: FaceEvalReport) {
  return {
    at_config: {
      threshold: r.at_config.threshold,
      gallery: r.at_config.gallery,
      rank1: r.at_config.rank1,
      far: r.at_config.far,
      frr: r.at_config.frr,
    },
    gallery_sizes: r.gallery_sizes.map((g) => ({ gallery: g.gallery_built, threshold: g.threshold, far: g.far, frr: g.frr })),
    scale: r.scale.map(({ residents, built, photos, learned, threshold, far, frr, stranger_probes, probes }) => ({
      residents,
      built,
      photos,
      learned,
      threshold,
      far,
      frr,
      stranger_probes,
      probes,
    })),
    noface_false_positives: r.noface_false_positives,
    identities: r.identities,
    probes: r.probes,
    strangers: r.strangers,
  };
}
