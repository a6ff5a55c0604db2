/**
 * `npm run -s bench -- plate-match`: who may open a barrier, measured. A community's known
 * vehicles (BENCH_VEHICLES, default 10,000 realistic plates: mostly the local province, blue,
 * yellow, green 8-character and suffixed plates) are registered through KnownVehicles on SQLite,
 * and matched with the daemon's `plates.match` config (SHARPEYES__PLATES__MATCH__* overrides it,
 * e.g. MAXDISTANCE=1 shows what the old default let in).
 *
 *  - probes: reads that are no registered plate nor a look-alike of one: EVERY valid plate one
 *    character away from a registered plate (substitution, insertion or deletion, province
 *    included) that is not a look-alike substitution, plus 100,000 random plates. Any match is a
 *    false open.
 *  - look-alike reads: every valid single look-alike substitution of every registered plate
 *    (0/O/D, 8/B, 6/G...) plus one random double per plate; recovered when they match the right
 *    vehicle.
 * Reads can only be valid plates (the decoder reads under the plate grammar), so variants that
 * are not are not probes. Last line: one JSON object.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../gateway/config/load.js';
import { percentile } from '../../gateway/core/percentile.js';
import { createContext } from '../../gateway/core/context.js';
import { createLogger } from '../../gateway/core/logger.js';
import { KnownVehicles } from '../../gateway/plates/known-vehicles.js';
import { AUTHORITY, DIGITS, isValidPlate, PLATE_ALPHABET, PROVINCES, SERIAL_LETTERS, SUFFIXES } from '../../gateway/plates/grammar.js';
import { isLookalike, LOOKALIKE_GROUPS, lookalikeKey } from '../../gateway/plates/lookalike.js';
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
const keys = new Set([...registered].map(lookalikeKey));
const provinces = new Set([...registered].map((p) => [...p][0] as string));
const cfg = loaded.config.plates.match;
log(`bench plate-match: ${registered.size} vehicles registered (${JSON.stringify(mix)}); match config ${JSON.stringify(cfg)}`);

// Probes: every valid one-character variant that is not a look-alike, then random plates.
const alphabet = [...PLATE_ALPHABET];
const probes = new Set<string>();
let lookalikeOfAnother = 0;
const consider = (v: string) => {
  if (registered.has(v) || probes.has(v) || !isValidPlate(v)) return;
  if (keys.has(lookalikeKey(v))) {
    lookalikeOfAnother++; // a look-alike of some registered plate (its own look-alikes are not one-character variants here)
    return;
  }
  probes.add(v);
};
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
const oneChar = probes.size;
while (probes.size < oneChar + RANDOM_PROBES) consider(randomPlate().plate);

// Look-alike reads of registered plates, with the vehicle they should open for.
const lookalikeReads: { read: string; plate: string }[] = [];
const partner = (ch: string) => [...(LOOKALIKE_GROUPS.find((g) => g.includes(ch)) ?? '')].filter((x) => x !== ch);
for (const plate of registered) {
  const c = [...plate];
  const singles: string[] = [];
  for (let i = 1; i < c.length; i++)
    for (const x of partner(c[i] as string)) {
      const v = [...c.slice(0, i), x, ...c.slice(i + 1)].join('');
      if (isValidPlate(v)) singles.push(v);
    }
  for (const v of singles) lookalikeReads.push({ read: v, plate });
  // One double look-alike misread per plate, where one exists.
  const positions = c.map((_, i) => i).filter((i) => i > 0 && partner(c[i] as string).length > 0);
  for (let tries = 0; tries < 8 && positions.length >= 2; tries++) {
    const a = positions[Math.floor(rand() * positions.length)] as number;
    const b = positions[Math.floor(rand() * positions.length)] as number;
    if (a === b) continue;
    const d = [...c];
    d[a] = pick(partner(c[a] as string).join(''));
    d[b] = pick(partner(c[b] as string).join(''));
    const v = d.join('');
    if (!isValidPlate(v)) continue;
    lookalikeReads.push({ read: v, plate });
    break;
  }
}

// Match everything the daemon's way, timing each call.
const now = new Date();
const times = new Float64Array(probes.size + lookalikeReads.length);
let k = 0;
let falseOpens = 0;
const falseOpenExamples: string[] = [];
const tb = performance.now();
vehicles.match('粤B00000', now, cfg); // builds the index, as the first read after a start or a change does
const indexBuildMs = performance.now() - tb;
for (const read of probes) {
  const t0 = performance.now();
  const m = vehicles.match(read, now, cfg);
  times[k++] = performance.now() - t0;
  if (m) {
    falseOpens++;
    if (falseOpenExamples.length < 5) falseOpenExamples.push(`${read}→${m.entry.plate}`);
  }
}
let recovered = 0;
let otherVehicle = 0;
let unmatched = 0;
let aliasRegistered = 0;
for (const { read, plate } of lookalikeReads) {
  const t0 = performance.now();
  const m = vehicles.match(read, now, cfg);
  times[k++] = performance.now() - t0;
  if (registered.has(read)) aliasRegistered++; // the read is itself someone's plate: that vehicle is the right answer
  if (m?.entry.plate === plate || (registered.has(read) && m?.entry.plate === read)) recovered++;
  else if (m) otherVehicle++;
  else unmatched++;
}
ctx.events.stop();
db.close();
rmSync(dataDir, { recursive: true, force: true });
const ms = Array.from(times);
const r4 = (v: number) => Math.round(v * 10_000) / 10_000;
const out = {
  bench: 'plate-match',
  registered: registered.size,
  registered_mix: mix,
  provinces: provinces.size,
  probes: probes.size,
  probes_one_char_variants: oneChar,
  probes_random: probes.size - oneChar,
  variants_lookalike_of_another_registered: lookalikeOfAnother,
  false_opens: falseOpens,
  false_open_examples: falseOpenExamples,
  lookalike_reads: lookalikeReads.length,
  lookalike_recovered: r4(recovered / Math.max(1, lookalikeReads.length)),
  lookalike_wrong_vehicle: otherVehicle,
  lookalike_unmatched: unmatched,
  lookalike_reads_that_are_registered: aliasRegistered,
  match_p50_ms: r4(percentile(ms, 50)),
  match_p99_ms: r4(percentile(ms, 99)),
  match_max_ms: r4(ms.reduce((a, b) => Math.max(a, b), 0)),
  index_build_ms: Math.round(indexBuildMs * 10) / 10,
  match_config: cfg,
  load_avg_1m: Math.round((loadavg()[0] ?? 0) * 10) / 10,
};
process.stdout.write(
  `${out.registered} vehicles: ${out.false_opens} false opens in ${out.probes} probes; look-alike reads recovered ${(out.lookalike_recovered * 100).toFixed(2)}%; match p99 ${out.match_p99_ms} ms\n`,
);
process.stdout.write(`${JSON.stringify(out)}\n`);
