/**
 * `npm run -s bench -- access`: how long a resident waits at a pedestrian gate. The whole daemon
 * runs as a user starts it (`sharpeyes start`): a door camera streams over RTSP a scene where the
 * enrolled resident steps in front of it every PERIOD seconds and leaves again; the turnstile is
 * the simulator on a pty pair. For each passage, from the platform's view of the events:
 *  - face_to_decision: first frame of the face track read from ffmpeg → access.decision;
 *  - face_to_gate:     → gate.command acknowledged by the turnstile (the gate is opening).
 * The time before ffmpeg hands over the first frame (camera encoder, network, decoder) is not
 * included: it depends on the camera. Two usable frames decide (faces.tracking.minFrames), so one
 * frame interval is part of the wait. BENCH_PASSAGES (default 12) and BENCH_FPS (analysis frames
 * per second, default 5) change the run.
 * Last line: one JSON object.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Gateway } from '../../gateway/e2e/support.js';
import { startRtspServer } from '../../gateway/cameras/demo/rtsp-server.js';
import { percentile } from '../../gateway/core/percentile.js';
import { modelsPrepared } from '../../gateway/inference/models.js';

const FACES = resolve('../shared/datasets/faces');
const ENROL = join(FACES, 'obama/fr_obama.jpg');
const AT_THE_GATE = join(FACES, 'obama/fr_obama1.jpg');
const PASSAGES = Number(process.env.BENCH_PASSAGES ?? 12);
/** The resident is in view for SHOW seconds of every PERIOD (gone long enough to end the track). */
const PERIOD = 6;
const SHOW = 3;
/** Frames analysed per second (the config's default is 5); BENCH_FPS changes it. */
const ANALYSIS_FPS = Number(process.env.BENCH_FPS ?? 5);
const log = (s: string) => process.stderr.write(`${s}\n`);

if (!existsSync(ENROL) || !existsSync(AT_THE_GATE) || !modelsPrepared(['face-detect-rfb320.onnx', 'face-landmarks68.onnx', 'face-embed512.onnx'])) {
  log(`bench access needs ${ENROL}, ${AT_THE_GATE} (../shared/datasets) and \`npm run models\``);
  process.exit(1);
}

const gw = new Gateway(
  'bench-access',
  [
    'cameras:',
    `  analysis: {fps: ${ANALYSIS_FPS}}`,
    '  liveView: {enabled: false}',
    '  list: [{id: door-1, rtsp: URL}]',
    'faces: {enabled: true}',
    'devices: [{id: ped-1, profile: turnstile-ts100-framed, simulate: true}]',
    'access:',
    '  cooldownS: 1',
    '  points: [{camera: door-1, gate: ped-1, via: face}]',
    '',
  ].join('\n'),
);

// A grey door scene at 10 fps in which the resident's photo appears for SHOW s of every PERIOD s.
const seconds = PERIOD * (PASSAGES + 3);
const clip = join(gw.dir, 'door.mp4');
log(`bench access: encoding a ${seconds} s door clip...`);
execFileSync('ffmpeg', [
  '-loglevel', 'error',
  '-f', 'lavfi', '-i', 'color=c=0x5a5a5a:s=1280x720:r=10',
  '-loop', '1', '-framerate', '10', '-i', AT_THE_GATE,
  '-filter_complex', `[1:v]scale=-2:560[f];[0:v][f]overlay=(W-w)/2:(H-h)/2:enable='lt(mod(t,${PERIOD}),${SHOW})'`,
  '-t', String(seconds), '-c:v', 'libx264', '-preset', 'veryfast', '-g', '10', '-pix_fmt', 'yuv420p', clip,
]);
const camera = await startRtspServer({ files: { '/door': clip } });
writeFileSync(gw.daemon.configFile, readFileSync(gw.daemon.configFile, 'utf8').replace('URL', camera.url('/door')));

const ms = (iso: unknown) => Date.parse(String(iso));
try {
  log('bench access: starting the daemon...');
  await gw.start();
  const enrolled = await gw.request('residents/add', { id: 'r-1', name: 'Resident', photos: [readFileSync(ENROL).toString('base64')] }, 60_000);
  if (enrolled.status !== 'ok') throw new Error(`enrolment failed: ${JSON.stringify(enrolled)}`);
  const deadline = Date.now() + (seconds + 60) * 1000;
  const opened = () => gw.events('gate.command').filter((e) => (e.data as { origin: string; ok: boolean }).origin === 'access' && (e.data as { ok: boolean }).ok);
  // The first passage may have started before the enrolment: it is skipped.
  while (opened().length < PASSAGES + 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));

  const recognised = gw.events('face.recognized');
  const decisions = gw.events('access.decision').filter((e) => (e.data as { allow: boolean }).allow);
  const toDecision: number[] = [];
  const toGate: number[] = [];
  const framesUsed: number[] = [];
  for (const gate of opened().slice(1)) {
    // Each gate command follows its decision; the decision names the recognition's snapshot.
    const decision = [...decisions].reverse().find((d) => ms(d.ts) <= ms(gate.ts));
    const snapshotId = (decision?.data as { snapshotId?: string } | undefined)?.snapshotId;
    const face = recognised.find((f) => (f.data as { snapshotId?: string }).snapshotId === snapshotId);
    if (!decision || !face) continue;
    const first = ms((face.data as { firstSeen: string }).firstSeen);
    toDecision.push(ms(decision.ts) - first);
    toGate.push(ms(gate.ts) - first);
    framesUsed.push((face.data as { frames: number }).frames);
  }
  if (toGate.length === 0) throw new Error(`no passage measured\n${gw.daemon.tail()}`);
  const r1 = (v: number) => Math.round(v * 10) / 10;
  const out = {
    bench: 'access',
    path: 'RTSP door camera → ffmpeg → motion gate → faces (worker) → access → turnstile simulator on a pty; times from the events the platform receives',
    passages: toGate.length,
    analysis_fps: ANALYSIS_FPS,
    frames_per_decision_p50: percentile(framesUsed, 50),
    face_to_decision_p50_ms: r1(percentile(toDecision, 50)),
    face_to_decision_p95_ms: r1(percentile(toDecision, 95)),
    face_to_gate_p50_ms: r1(percentile(toGate, 50)),
    face_to_gate_p95_ms: r1(percentile(toGate, 95)),
    face_to_gate_max_ms: r1(Math.max(...toGate)),
    load_avg_1m: r1(loadavg()[0] ?? 0),
  };
  process.stdout.write(`face → gate acknowledged: p50 ${out.face_to_gate_p50_ms} ms, p95 ${out.face_to_gate_p95_ms} ms over ${out.passages} passages\n`);
  process.stdout.write(`${JSON.stringify(out)}\n`);
} finally {
  await gw.stop();
  await camera.stop();
  rmSync(gw.dir, { recursive: true, force: true });
}
