/**
 * `npm run -s bench -- demo [--runs N] [--cpu-seconds S]`: the README's first command as a
 * newcomer runs it (`sharpeyes start` on the embedded defaults, a fresh data folder, ports moved
 * to free ones), timed from the spawn to the first decision lines it prints (resident's face,
 * resident's car, stranger, unregistered car), then the CPU the running demo uses: the daemon
 * and every process it started (ffmpeg per camera, the GStreamer RTSP server, socat and the
 * device simulators), over S seconds. Needs `npm run models` and `npm run demo-assets`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDemoAssets, ASSEMBLE_HINT } from '../../gateway/rooms/demo/assets.js';
import { cpuBetween, processTree } from './process-cpu.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('runs', 3);
const CPU_S = arg('cpu-seconds', 60);

const check = checkDemoAssets();
if (!check.ok) {
  process.stderr.write(`bench demo: the demo assets are not assembled (${check.reason}); ${ASSEMBLE_HINT}\n`);
  process.exit(1);
}

async function once(cpu: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-demo-'));
  const t0 = Date.now();
  const child = spawn(process.execPath, [join(ROOT, 'scripts/sharpeyes.mjs'), 'start'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'ignore'],
    env: {
      ...process.env,
      LANG: 'en_US.UTF-8',
      LC_ALL: '',
      NOTIFY_SOCKET: '',
      SHARPEYES__NODE__ID: 'bench-demo',
      SHARPEYES__CONSOLE__PORT: '0',
      SHARPEYES__CLOUD__EMBEDDEDPORT: '0',
    },
  });
  const seen: Record<string, number> = {};
  const want: Record<string, RegExp> = {
    running: /^Sharp Eyes gateway .* running/,
    residentFace: /^face → door-1: resident .*, opened/,
    residentCar: /^plate .* → gate-1: resident's car, opened/,
    stranger: /^face → door-1: stranger, refused/,
    unknownCar: /^plate .* → gate-1: unregistered car, refused/,
  };
  let buf = '';
  /** Every decision line, counted: what went otherwise (a gate in fault, a refusal) shows here. */
  const said: Record<string, number> = {};
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const l of lines) {
      if (l.includes(' → ')) said[l] = (said[l] ?? 0) + 1;
      for (const [k, re] of Object.entries(want)) if (!(k in seen) && re.test(l)) seen[k] = (Date.now() - t0) / 1000;
    }
  });
  const deadline = t0 + 240_000;
  while (Object.keys(seen).length < Object.keys(want).length && Date.now() < deadline && child.exitCode === null)
    await new Promise((r) => setTimeout(r, 200));
  let usage: { cpuPercent: number; byProcess: Record<string, number>; rssMb: number } | undefined;
  if (cpu && child.exitCode === null) {
    const a = processTree(child.pid!);
    await new Promise((r) => setTimeout(r, CPU_S * 1000));
    usage = cpuBetween(a, processTree(child.pid!));
  }
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
  return { seen, said, usage, load: loadavg()[0]! };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
};

const runs: Awaited<ReturnType<typeof once>>[] = [];
for (let i = 0; i < RUNS; i++) {
  const r = await once(i === RUNS - 1);
  process.stdout.write(
    `run ${i + 1}: ${JSON.stringify(r.seen)} load ${r.load.toFixed(1)}${r.usage ? ` cpu ${JSON.stringify(r.usage)}` : ''}\n`,
  );
  runs.push(r);
}
const pick = (k: string) => runs.map((r) => r.seen[k]).filter((x): x is number => x !== undefined);
const last = runs.at(-1)!;
process.stdout.write(
  `${JSON.stringify({
    bench: 'demo',
    runs: RUNS,
    medianS: Object.fromEntries(['running', 'residentFace', 'residentCar', 'stranger', 'unknownCar'].map((k) => [k, median(pick(k))])),
    worstFirstDecisionS: Math.max(...runs.map((r) => Math.max(r.seen.residentFace ?? Infinity, r.seen.residentCar ?? Infinity))),
    missed: runs.map((r) => Object.keys(r.seen).length < 5).filter(Boolean).length,
    cpuPercentOfOneCore: last.usage?.cpuPercent,
    cpuByProcess: last.usage?.byProcess,
    rssMb: last.usage?.rssMb,
    cpuSeconds: CPU_S,
    loadavg: runs.map((r) => Math.round(r.load * 10) / 10),
  })}\n`,
);
