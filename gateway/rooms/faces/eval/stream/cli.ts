/** `sharpeyes eval faces DIR --stream [--json] [--residents N|all] [--strangers N|all] [--queues N] [--fps F] [--gallery N]` */
import { UsageError } from '../../../../cli/command.js';
import { outputLang, type Text } from '../../../../core/locale.js';
import { loadFacesConfig, openPipeline } from '../../cli-support.js';
import type { Explanation, MissReason } from './explain.js';
import { evaluateStream } from './run.js';

const REASONS: Record<MissReason, Text> = {
  'never-detected': { zh: '从未检测到人脸', en: 'face never detected' },
  'quality-refused-every-frame': { zh: '每一帧都未通过质量检查', en: 'quality gates refused every frame' },
  'absorbed-into-previous-track': { zh: '并入了前一个人的轨迹', en: "absorbed into the previous person's track" },
  'too-few-usable-frames': { zh: '可用帧太少，未作判定', en: 'too few usable frames for a decision' },
  'below-threshold': { zh: '相似度低于阈值', en: 'similarity below the threshold' },
  'other-resident-led': { zh: '另一位住户得分更高', en: 'another resident scored higher' },
  'recognized-as-other': { zh: '被识别为另一位住户', en: 'recognised as another resident' },
  'stranger-accepted': { zh: '陌生人被放行', en: 'stranger let in' },
};

function why(e: Explanation, lang: 'zh' | 'en'): string {
  const refused = Object.entries(e.refused)
    .map(([g, n]) => `${g} ${n}`)
    .join(', ');
  const figures =
    lang === 'zh'
      ? `${e.frames} 帧, 有人脸 ${e.with_face}, 可用 ${e.usable}`
      : `${e.frames} frames, ${e.with_face} with a face, ${e.usable} usable`;
  const sims = [
    e.best_self === null ? '' : `self ${e.best_self}`,
    e.best_other === null ? '' : `other ${e.best_other}`,
    e.evidence === 'weak' ? 'weak faces' : '',
  ]
    .filter(Boolean)
    .join(', ');
  return [REASONS[e.reason][lang], figures, refused && `refused: ${refused}`, sims].filter(Boolean).join('; ');
}

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
      const lang = outputLang();
      const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
      process.stdout.write(
        [
          `${s.passages} passages (${s.resident_passages} residents, ${s.stranger_passages} strangers, ${s.queues} queues), gallery ${s.gallery}, ${s.analysed_fps} analysed fps`,
          `FRR ${pct(s.frr)}, FAR ${pct(s.far)}, wrong person ${s.wrong_person}, queue missed ${s.queue_missed}`,
          `decision after p50 ${s.decision_ms_p50} ms, p95 ${s.decision_ms_p95} ms (${s.single_frame_decisions} on one frame)`,
          `queue split below ${s.split.threshold}, ${s.split.in_a_row} faces in a row: same person min ${s.split.same_person_min} (p1 ${s.split.same_person_p01}, in a row ${s.split.same_person_in_a_row_min}), other person max ${s.split.other_person_max} (in a row ${s.split.other_person_in_a_row_max}; ${s.split.pairs} pairs)`,
          ...s.misses.map((m) => `  ${m.kind} ${m.truth ?? 'stranger'} #${m.passage}: ${m.outcome} (${why(m.explain, lang)})`),
        ].join('\n') + '\n',
      );
    }
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  } finally {
    await close();
  }
}
