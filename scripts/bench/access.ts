/**
 * `npm run -s bench -- access`: how long a resident waits at a gate. The whole daemon runs as a
 * user starts it (`sharpeyes start`): a camera streams over RTSP a scene where the resident (a face
 * at a door, or with BENCH_VIA=plate a car at a barrier) comes into view every PERIOD seconds and
 * leaves again; the gate is the simulator on a pty pair. For each passage, from the events the
 * platform receives:
 *  - to_decision: first frame of the face track / first frame the plate was read in, as read
 *    from ffmpeg → access.decision;
 *  - to_gate:     → gate.command acknowledged by the gate (it is opening).
 * The time before ffmpeg hands over the frame (camera encoder, network, decoder) is not included:
 * it depends on the camera. Two frames decide (faces.tracking.minFrames, plates.consensus.minReads),
 * so one frame interval is part of the wait, except for a known car read for sure on its first frame
 * (plates.consensus.early; `frames_to_decide` counts the reads behind each decision). BENCH_PASSAGES (default 12) and BENCH_FPS (analysis
 * frames per second, default 5 as in the config) change the run; BENCH_DEBUG=1 lists the events.
 * Last line: one JSON object.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Gateway } from '../../gateway/e2e/support.js';
import { startRtspServer } from '../../gateway/lib/rtsp-server/rtsp-server.js';
import { percentile } from '../../gateway/core/percentile.js';
import { modelsPrepared } from '../../gateway/lib/inference/models.js';

const DATA = resolve('../shared/datasets');
const VIA = process.env.BENCH_VIA === 'plate' ? 'plate' : 'face';
const MODES = {
  face: {
    image: join(DATA, 'faces/obama/fr_obama1.jpg'),
    models: ['face-detect-rfb320.onnx', 'face-landmarks68.onnx', 'face-embed512.onnx'],
    config: ['faces: {enabled: true}', 'devices: [{id: gate-1, profile: turnstile-ts100-framed, simulate: true}]'],
    // In view 3 s of every 6 (gone long enough to end the face track).
    period: 6,
    show: 3,
    recognised: 'face.recognized',
    enrol: (gw: Gateway) =>
      gw.request(
        'residents/add',
        { id: 'r-1', name: 'Resident', photos: [readFileSync(join(DATA, 'faces/obama/fr_obama.jpg')).toString('base64')] },
        60_000,
      ),
  },
  plate: {
    image: join(DATA, 'plates/full/easypr__京A88731.jpg'),
    models: ['text-detect-ppocrv4.onnx', 'text-recognise-ppocrv4.onnx'],
    config: ['plates: {enabled: true}', 'devices: [{id: gate-1, profile: barrier-bg300-framed, simulate: true}]'],
    // In view 3 s of every 10 (gone longer than plates.consensus.trackTimeoutMs, 5 s).
    period: 10,
    show: 3,
    recognised: 'plate.recognized',
    enrol: (gw: Gateway) => gw.request('vehicles/add', { plate: '京A88731', ownerId: 'r-1', kind: 'resident' }),
  },
} as const;
const mode = MODES[VIA];
const PASSAGES = Number(process.env.BENCH_PASSAGES ?? 12);
const ANALYSIS_FPS = Number(process.env.BENCH_FPS ?? 5);
const log = (s: string) => process.stderr.write(`${s}\n`);

if (!existsSync(mode.image) || !modelsPrepared([...mode.models])) {
  log(`bench access (${VIA}) needs ${mode.image} (../shared/datasets) and \`npm run models\``);
  process.exit(1);
}

const gw = new Gateway(
  'bench-access',
  [
    'cameras:',
    `  analysis: {fps: ${ANALYSIS_FPS}}`,
    '  liveView: {enabled: false}',
    '  list: [{id: cam-1, rtsp: URL}]',
    ...mode.config,
    'access:',
    '  cooldownS: 1',
    `  points: [{camera: cam-1, gate: gate-1, via: ${VIA}}]`,
    '',
  ].join('\n'),
);

// A grey 1280x720 scene at 10 fps in which the picture appears for `show` s of every `period` s.
const seconds = mode.period * (PASSAGES + 3);
const clip = join(gw.dir, 'camera.mp4');
log(`bench access (${VIA}): encoding a ${seconds} s clip...`);
execFileSync('ffmpeg', [
  '-loglevel',
  'error',
  '-f',
  'lavfi',
  '-i',
  'color=c=0x5a5a5a:s=1280x720:r=10',
  '-loop',
  '1',
  '-framerate',
  '10',
  '-i',
  mode.image,
  '-filter_complex',
  `[1:v]scale=-2:560[p];[0:v][p]overlay=(W-w)/2:(H-h)/2:enable='lt(mod(t,${mode.period}),${mode.show})'`,
  '-t',
  String(seconds),
  '-c:v',
  'libx264',
  '-preset',
  'veryfast',
  '-g',
  '10',
  '-pix_fmt',
  'yuv420p',
  clip,
]);
const camera = await startRtspServer({ files: { '/cam': clip } });
writeFileSync(gw.daemon.configFile, readFileSync(gw.daemon.configFile, 'utf8').replace('URL', camera.url('/cam')));

const ms = (iso: unknown) => Date.parse(String(iso));
const field = <T>(e: { data: unknown }, key: string) => (e.data as Record<string, T>)[key] as T;
try {
  log('bench access: starting the daemon...');
  await gw.start();
  const enrolled = await mode.enrol(gw);
  if (enrolled.status !== 'ok') throw new Error(`enrolment failed: ${JSON.stringify(enrolled)}`);
  const deadline = Date.now() + (seconds + 60) * 1000;
  const opened = () => gw.events('gate.command').filter((e) => field(e, 'origin') === 'access' && field(e, 'ok') === true);
  // The first passage may have started before the enrolment: it is skipped.
  while (opened().length < PASSAGES + 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));

  const recognised = gw.events(mode.recognised);
  if (process.env.BENCH_DEBUG)
    for (const e of gw.events())
      if (['access.decision', 'gate.command', mode.recognised].includes(e.kind))
        log(`${e.ts} ${e.kind} ${JSON.stringify(e.data).slice(0, 300)}`);
  const decisions = gw.events('access.decision').filter((e) => field(e, 'allow') === true);
  const toDecision: number[] = [];
  const toGate: number[] = [];
  /** Reads (analysed frames) behind each decision: 1 when a known car is decided on its first frame. */
  const readsToDecide: Record<string, number> = {};
  for (const gate of opened().slice(1)) {
    // Each gate command follows its decision; the decision names the recognition's snapshot.
    const decision = [...decisions].reverse().find((d) => ms(d.ts) <= ms(gate.ts));
    const seen = decision && recognised.find((r) => field(r, 'snapshotId') === field(decision, 'snapshotId'));
    if (!decision || !seen) continue;
    const first = ms(field(seen, 'firstSeen'));
    toDecision.push(ms(decision.ts) - first);
    toGate.push(ms(gate.ts) - first);
    const reads = String(field<number>(seen, VIA === 'face' ? 'frames' : 'reads') ?? '?');
    readsToDecide[reads] = (readsToDecide[reads] ?? 0) + 1;
  }
  // Every passage after the first must have opened the gate once: one that never did is a
  // failure of the bench, not a smaller sample.
  const openedPassages = Math.max(0, opened().length - 1);
  const missed = Math.max(0, PASSAGES - openedPassages);
  if (toGate.length === 0) throw new Error(`no passage measured\n${gw.daemon.tail()}`);
  const r1 = (v: number) => Math.round(v * 10) / 10;
  const out = {
    bench: 'access',
    via: VIA,
    path: `RTSP camera → ffmpeg → motion gate → ${VIA === 'face' ? 'faces' : 'plates'} (worker) → access → ${VIA === 'face' ? 'turnstile' : 'barrier'} simulator on a pty; times from the events the platform receives`,
    passages: toGate.length,
    expected_passages: PASSAGES,
    never_opened: missed,
    analysis_fps: ANALYSIS_FPS,
    to_decision_p50_ms: r1(percentile(toDecision, 50)),
    to_decision_p95_ms: r1(percentile(toDecision, 95)),
    to_gate_p50_ms: r1(percentile(toGate, 50)),
    to_gate_p95_ms: r1(percentile(toGate, 95)),
    to_gate_max_ms: r1(Math.max(...toGate)),
    frames_to_decide: readsToDecide,
    load_avg_1m: r1(loadavg()[0] ?? 0),
  };
  process.stdout.write(
    `${VIA} → gate acknowledged: p50 ${out.to_gate_p50_ms} ms, p95 ${out.to_gate_p95_ms} ms over ${out.passages} passages; ${missed} of ${PASSAGES} never opened\n`,
  );
  if (missed > 0) {
    log(`bench access: ${missed} of ${PASSAGES} passages never opened the gate`);
    process.exitCode = 1;
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
} finally {
  await gw.stop();
  await camera.stop();
  rmSync(gw.dir, { recursive: true, force: true });
}
