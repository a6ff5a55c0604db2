/**
 * `npm run -s bench -- plate-match`: who may open a barrier, measured. A community's known
 * vehicles (BENCH_VEHICLES, default 10,000 realistic plates: mostly the local province, blue,
 * yellow, green 8-character and suffixed plates) are registered through KnownVehicles on SQLite,
 * and matched with the daemon's `plates.match` config (SHARPEYES__PLATES__MATCH__* overrides it,
 * e.g. MAXDISTANCE=1 shows what the old default let in).
 *
 * Probes are reads of plates that are NOT registered, each READ CONFIDENTLY: every character at
 * the reader's confident floor (0.75, RECOGNISER_DEFAULTS.confidentChar) with the rest of the
 * probability on each of its legal look-alike glyphs (the most a confident read can offer the
 * matcher). Any match is a false open; nothing is left out:
 *  - every valid look-alike twin of every registered plate (one or two positions of 8/B, 6/G,
 *    5/S, 4/A, 0/D, 1/L: 粤B12A45 for 粤B12445);
 *  - every valid plate one character away (substitution, insertion, deletion, province included);
 *  - 100,000 random plates.
 * Real reads (the dev scenes of ../shared/datasets/plates through the daemon's reader; crops too
 * with BENCH_PLATE_MATCH_CROPS=1; skipped with a message when the dataset or models are absent):
 *  - each confident read against every valid look-alike twin of its plate, registered: opens
 *    counted (must be 0);
 *  - each misread whose label is a look-alike of the read, the label registered: recovered when
 *    the reader's evidence lets it match.
 * Last line: one JSON object.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../gateway/config/load.js';
import { percentile } from '../../gateway/core/percentile.js';
import { createContext } from '../../gateway/core/context.js';
import { createLogger } from '../../gateway/core/logger.js';
import { KnownVehicles } from '../../gateway/rooms/plates/known-vehicles.js';
import {
  AUTHORITY,
  DIGITS,
  isValidPlate,
  PLATE_ALPHABET,
  PROVINCES,
  SERIAL_LETTERS,
  SUFFIXES,
} from '../../gateway/lib/plate-text/grammar.js';
import { isLookalike, LOOKALIKE_GROUPS } from '../../gateway/lib/plate-text/lookalike.js';
import { PlateIndex, type Evidence } from '../../gateway/rooms/plates/match.js';
import { RECOGNISER_DEFAULTS } from '../../gateway/rooms/plates/recognizer.js';
import { readDevScenes, type RealRead } from './plate-match/reads.js';
import { seededRandom } from '../../gateway/testing/seeded-random.js';

const N = Number(process.env.BENCH_VEHICLES ?? 10_000);
const RANDOM_PROBES = 100_000;
const log = (s: string) => process.stderr.write(`${s}\n`);

/** Seeded, so every run registers the same plates. */
const rand = seededRandom(20261124);
const pick = (s: string) => s[Math.floor(rand() * s.length)] as string;
const HOME = '粤';

type Kind = 'blue' | 'yellow' | 'green-small' | 'green-large' | 'suffix';
/** A standard serial: five letters/digits, at most two letters (GA 36), mostly digits. */
function serial(len: number): string {
  let out = '';
  let letters = 0;
  for (let i = 0; i < len; i++) {
    const letter = letters < 2 && rand() < 0.22;
    if (letter) letters++;
    out += letter ? pick(SERIAL_LETTERS) : pick(DIGITS);
  }
  return out;
}
function randomPlate(): { plate: string; kind: Kind } {
  const province = rand() < 0.6 ? HOME : pick(PROVINCES);
  const authority = pick(AUTHORITY.replace('O', ''));
  const r = rand();
  const kind: Kind = r < 0.68 ? 'blue' : r < 0.78 ? 'yellow' : r < 0.93 ? 'green-small' : r < 0.96 ? 'green-large' : 'suffix';
  let rest: string;
  if (kind === 'green-small') rest = pick('DF') + pick(SERIAL_LETTERS + DIGITS) + [0, 1, 2, 3].map(() => pick(DIGITS)).join('');
  else if (kind === 'green-large') rest = [0, 1, 2, 3, 4].map(() => pick(DIGITS)).join('') + pick('DF');
  else if (kind === 'suffix') rest = serial(4) + pick(SUFFIXES);
  else rest = serial(5);
  return { plate: province + authority + rest, kind };
}

// The registered vehicles, through the daemon's own store.
const loaded = parseConfig('', { source: 'bench', baseDir: process.cwd(), env: process.env });
const dataDir = mkdtempSync(join(tmpdir(), 'bench-plate-match-'));
const ctx = createContext(loaded, createLogger({ level: 'silent' }), { dataDir });
const db = ctx.db;
const vehicles = new KnownVehicles({ db, events: ctx.events });
const mix: Record<string, number> = {};
const registered = new Set<string>();
while (registered.size < N) {
  const { plate, kind } = randomPlate();
  if (!isValidPlate(plate) || registered.has(plate)) continue;
  registered.add(plate);
  mix[kind] = (mix[kind] ?? 0) + 1;
}
db.transaction(() => {
  for (const plate of registered) vehicles.add({ plate, ownerId: `r-${plate}` });
});
const provinces = new Set([...registered].map((p) => [...p][0] as string));
const cfg = loaded.config.plates.match;
log(`bench plate-match: ${registered.size} vehicles registered (${JSON.stringify(mix)}); match config ${JSON.stringify(cfg)}`);

const partner = (ch: string) => [...(LOOKALIKE_GROUPS.find((g) => g.includes(ch)) ?? '')].filter((x) => x !== ch);

/** Every valid plate differing from `plate` by look-alike glyphs at one or two positions. */
function twins(plate: string): string[] {
  const c = [...plate];
  const out = new Set<string>();
  const at = c.map((_, i) => i).filter((i) => i > 0 && partner(c[i] as string).length > 0);
  for (const i of at)
    for (const x of partner(c[i] as string)) {
      const one = [...c];
      one[i] = x;
      if (isValidPlate(one.join(''))) out.add(one.join(''));
      for (const j of at)
        if (j > i)
          for (const y of partner(c[j] as string)) {
            const two = [...one];
            two[j] = y;
            if (isValidPlate(two.join(''))) out.add(two.join(''));
          }
    }
  return [...out];
}

/** A confident read's evidence: each glyph at the confident floor, the rest on each legal look-alike. */
const FLOOR = RECOGNISER_DEFAULTS.confidentChar;
function confidentEvidence(read: string): Evidence {
  return [...read].map((c, i) => {
    const at: Record<string, number> = { [c]: FLOOR };
    if (i > 0) for (const x of partner(c)) at[x] = 1 - FLOOR;
    return at;
  });
}

// Probes: every look-alike twin, every valid one-character variant, then random plates.
const alphabet = [...PLATE_ALPHABET];
const probes = new Set<string>();
const consider = (v: string) => {
  if (!registered.has(v) && isValidPlate(v)) probes.add(v);
};
for (const plate of registered) for (const t of twins(plate)) consider(t);
const twinProbes = probes.size;
for (const plate of registered) {
  const c = [...plate];
  for (let i = 0; i <= c.length; i++) {
    if (i < c.length) consider([...c.slice(0, i), ...c.slice(i + 1)].join('')); // deletion
    for (const x of alphabet) {
      if (i < c.length && x !== c[i] && !isLookalike(x, c[i] as string)) consider([...c.slice(0, i), x, ...c.slice(i + 1)].join(''));
      consider([...c.slice(0, i), x, ...c.slice(i)].join('')); // insertion
    }
  }
}
const oneChar = probes.size - twinProbes;
while (probes.size < twinProbes + oneChar + RANDOM_PROBES) consider(randomPlate().plate);

// Match everything the daemon's way, timing each call.
const now = new Date();
const times = new Float64Array(probes.size);
let k = 0;
let falseOpens = 0;
let twinOpens = 0;
const falseOpenExamples: string[] = [];
const tb = performance.now();
vehicles.match('粤B00000', now, cfg); // builds the index, as the first read after a start or a change does
const indexBuildMs = performance.now() - tb;
let n = 0;
for (const read of probes) {
  const evidence = confidentEvidence(read);
  const t0 = performance.now();
  const m = vehicles.match(read, now, cfg, evidence);
  times[k++] = performance.now() - t0;
  if (m) {
    falseOpens++;
    if (n < twinProbes) twinOpens++;
    if (falseOpenExamples.length < 5) falseOpenExamples.push(`${read}→${m.entry.plate}`);
  }
  n++;
}
ctx.events.stop();
db.close();
rmSync(dataDir, { recursive: true, force: true });
// Real reads of the dev set.
const real: Record<string, unknown> = {};
for (const kind of ['scene', ...(process.env.BENCH_PLATE_MATCH_CROPS === '1' ? ['crop' as const] : [])] as const) {
  log(`bench plate-match: reading the dev ${kind}s with the daemon's reader...`);
  const reads = await readDevScenes(loaded.config.plates, kind);
  if (typeof reads === 'string') {
    log(`bench plate-match: real reads skipped: ${reads}`);
    real[`dev_${kind}s`] = `skipped: ${reads}`;
    continue;
  }
  Object.assign(real, realFigures(kind, reads));
}

function realFigures(kind: string, reads: RealRead[]): Record<string, unknown> {
  const confident = reads.filter((r) => r.confident);
  let probed = 0;
  const opens: string[] = [];
  for (const r of confident) {
    const list = twins(r.plate).map((plate) => ({ plate }));
    probed += list.length;
    const m = new PlateIndex(list).match(r.plate, cfg, () => true, r.evidence);
    if (m) opens.push(`${r.plate}→${m.entry.plate}`);
  }
  const misreads = reads.filter((r) => r.plate !== r.label);
  const lookalikeMisreads = misreads.filter((r) => twins(r.label).includes(r.plate));
  const recovered = lookalikeMisreads.filter((r) => new PlateIndex([{ plate: r.label }]).match(r.plate, cfg, () => true, r.evidence));
  const p = `dev_${kind}`;
  return {
    [`${p}s_read`]: reads.length,
    [`${p}_confident_reads`]: confident.length,
    [`${p}_twins_probed`]: probed,
    [`${p}_twin_opens`]: opens.length,
    [`${p}_twin_open_examples`]: opens.slice(0, 5),
    [`${p}_misreads`]: misreads.length,
    [`${p}_lookalike_misreads`]: lookalikeMisreads.map((r) => `${r.label}→${r.plate}${r.confident ? ' (confident)' : ''}`),
    [`${p}_lookalike_misreads_recovered`]: recovered.map((r) => `${r.label}→${r.plate}`),
  };
}

const ms = Array.from(times);
const r4 = (v: number) => Math.round(v * 10_000) / 10_000;
const out = {
  bench: 'plate-match',
  registered: registered.size,
  registered_mix: mix,
  provinces: provinces.size,
  probes: probes.size,
  probes_lookalike_twins: twinProbes,
  probes_one_char_variants: oneChar,
  probes_random: probes.size - twinProbes - oneChar,
  probe_read: `every character at ${FLOOR}, ${Math.round((1 - FLOOR) * 100) / 100} on each legal look-alike`,
  false_opens: falseOpens,
  false_opens_lookalike_twins: twinOpens,
  false_open_examples: falseOpenExamples,
  ...real,
  match_p50_ms: r4(percentile(ms, 50)),
  match_p99_ms: r4(percentile(ms, 99)),
  match_max_ms: r4(ms.reduce((a, b) => Math.max(a, b), 0)),
  index_build_ms: Math.round(indexBuildMs * 10) / 10,
  match_config: cfg,
  load_avg_1m: Math.round((loadavg()[0] ?? 0) * 10) / 10,
};
const ok = out.false_opens === 0 && !Object.entries(real).some(([key, v]) => key.endsWith('_twin_opens') && v !== 0);
process.stdout.write(
  `${out.registered} vehicles: ${out.false_opens} false opens in ${out.probes} confident probes (${twinProbes} look-alike twins); dev scenes: ${String(real.dev_scene_twin_opens ?? '-')} twin opens, look-alike misreads recovered ${Array.isArray(real.dev_scene_lookalike_misreads_recovered) ? real.dev_scene_lookalike_misreads_recovered.length : '-'}/${Array.isArray(real.dev_scene_lookalike_misreads) ? real.dev_scene_lookalike_misreads.length : '-'}; match p99 ${out.match_p99_ms} ms\n`,
);
process.stdout.write(`${JSON.stringify(out)}\n`);
if (!ok) process.exitCode = 1;
