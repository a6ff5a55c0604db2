/** `sharpeyes eval faces DIR --stream [--json] [--residents N|all] [--strangers N|all] [--queues N] [--fps F] [--gallery N]` */
import { UsageError } from '../../../cli/command.js';
import { loadFacesConfig, openPipeline } from '../../cli-support.js';
import { evaluateStream } from './run.js';

export const STREAM_FLAGS = {
  residents: { type: 'string' },
  strangers: { type: 'string' },
  queues: { type: 'string' },
  fps: { type: 'string' },
  gallery: { type: 'string' },
} as const;

/** What the default covers: every resident probe photo, 150 strangers, 30 queues (a few minutes on 2 cores). */
export const STREAM_DEFAULTS = { strangers: 150, queues: 30 };

function count(v: string | undefined, name: string, dflt: number | undefined): number | undefined {
  if (v === undefined) return dflt;
  if (v === 'all') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number or "all"`);
  return n;
}

export async function runStreamEval(
  dir: string,
  values: { json?: boolean; config?: string; residents?: string; strangers?: string; queues?: string; fps?: string; gallery?: string },
): Promise<number> {
  const loaded = loadFacesConfig(values.config);
  const analysis = loaded.config.cameras.analysis;
  const fps = values.fps === undefined ? analysis.fps : Number(values.fps);
  if (!(fps > 0 && fps <= 30)) throw new UsageError('--fps must be between 0 and 30');
  const gallery = count(values.gallery, 'gallery', undefined);
  const { pipeline, close } = await openPipeline(loaded);
  try {
    const report = await evaluateStream({
      dir,
      pipeline,
      faces: loaded.config.faces,
      analysis: { width: analysis.width, height: analysis.height, fps },
      ...(count(values.residents, 'residents', undefined) === undefined
        ? {}
        : { residents: count(values.residents, 'residents', undefined)! }),
      strangers: count(values.strangers, 'strangers', STREAM_DEFAULTS.strangers) ?? Number.MAX_SAFE_INTEGER,
      queues: count(values.queues, 'queues', STREAM_DEFAULTS.queues) ?? STREAM_DEFAULTS.queues,
      ...(gallery === undefined ? {} : { gallery }),
      progress: (m) => {
        if (!values.json) process.stderr.write(`${m}\n`);
      },
    });
    const s = report.stream;
    if (!values.json) {
      const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
      process.stdout.write(
        [
          `${s.passages} passages (${s.resident_passages} residents, ${s.stranger_passages} strangers, ${s.queues} queues), gallery ${s.gallery}, ${s.analysed_fps} analysed fps`,
          `FRR ${pct(s.frr)}, FAR ${pct(s.far)}, wrong person ${s.wrong_person}, queue missed ${s.queue_missed}`,
          `decision after p50 ${s.decision_ms_p50} ms, p95 ${s.decision_ms_p95} ms (${s.single_frame_decisions} on one frame)`,
          `queue split at ${s.split.threshold}: same person min ${s.split.same_person_min} (p1 ${s.split.same_person_p01}), other person max ${s.split.other_person_max} (${s.split.pairs} pairs)`,
          ...s.misses.map((m) => `  ${m.kind} ${m.truth ?? 'stranger'} #${m.passage}: ${m.outcome}`),
        ].join('\n') + '\n',
      );
    }
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  } finally {
    await close();
  }
}
