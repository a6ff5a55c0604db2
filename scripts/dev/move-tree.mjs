#!/usr/bin/env node
/**
 * The tree move of issue #19 (the layout is in gateway/README.md, "The tree"), as a script so it
 * can be run again on a branch that still uses the old paths:
 *
 *   node scripts/dev/move-tree.mjs            # move, rewrite, print a summary
 *   node scripts/dev/move-tree.mjs --dry-run  # print what would move and change, touch nothing
 *
 * 1. Every tracked file under an old path of MOVES is moved with `git mv` (a folder's new files
 *    move with it; the longest matching old path wins, so a subfolder can go elsewhere).
 * 2. Every relative path string in the code (.ts .mts .mjs .js .cjs): import/export specifiers,
 *    `import()`, `vi.mock()`, `new URL('…', import.meta.url)`, `join(dirname, '../..')` and the like
 *    is resolved from the file's old folder, mapped to the new tree and written relative to the
 *    file's new folder; relative links in Markdown the same way.
 * 3. Every path from the repository's root (`gateway/…`, `cloud-bridge/…`) in any tracked text file
 *    (package.json scripts, .ci/run, systemd/, scripts, configs, READMEs, comments) is mapped.
 *
 * 4. The rewritten files are formatted with prettier (a longer path can push a line past the width).
 *
 * Deterministic and idempotent: a second run finds nothing at an old path and every string already
 * resolving in the new tree, and changes nothing. It never commits: review `git status`, then commit.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { posix } from 'node:path';

/** Old path (file or folder, from the repository's root) → new path. */
export const MOVES = [
  // Rooms: one folder each under gateway/rooms/.
  ['gateway/access', 'gateway/rooms/access'],
  ['gateway/alarms', 'gateway/rooms/alarms'],
  ['gateway/cameras', 'gateway/rooms/cameras'],
  ['gateway/console', 'gateway/rooms/console'],
  ['gateway/demo', 'gateway/rooms/demo'],
  ['gateway/devices', 'gateway/rooms/devices'],
  ['gateway/faces', 'gateway/rooms/faces'],
  ['gateway/plates', 'gateway/rooms/plates'],
  // Shared libraries (used by more than one room or by an uplink): gateway/lib/.
  ['gateway/imaging', 'gateway/lib/imaging'],
  ['gateway/inference', 'gateway/lib/inference'],
  ['gateway/cameras/ffmpeg', 'gateway/lib/ffmpeg'],
  ['gateway/cameras/rtsp', 'gateway/lib/rtsp'],
  ['gateway/cameras/onvif', 'gateway/lib/onvif'],
  ['gateway/cameras/frames', 'gateway/lib/frames'],
  ['gateway/cameras/stream', 'gateway/lib/stream'],
  ['gateway/cameras/snapshots', 'gateway/lib/snapshots'],
  ['gateway/cameras/demo', 'gateway/lib/rtsp-server'],
  // The plate grammar and look-alike characters: the access room's watchlist and the plates config use them too.
  ['gateway/plates/grammar.ts', 'gateway/lib/plate-text/grammar.ts'],
  ['gateway/plates/grammar.test.ts', 'gateway/lib/plate-text/grammar.test.ts'],
  ['gateway/plates/lookalike.ts', 'gateway/lib/plate-text/lookalike.ts'],
  // The device-profile format (schema, loader, checks, checksums): the config check, doctor and alarms read it too.
  ['gateway/devices/profile-schema.ts', 'gateway/lib/device-profiles/profile-schema.ts'],
  ['gateway/devices/profiles.ts', 'gateway/lib/device-profiles/profiles.ts'],
  ['gateway/devices/profile-check.ts', 'gateway/lib/device-profiles/profile-check.ts'],
  ['gateway/devices/codec/checksums.ts', 'gateway/lib/device-profiles/checksums.ts'],
  ['gateway/devices/codec/checksums.test.ts', 'gateway/lib/device-profiles/checksums.test.ts'],
  // The residents' CSV import is a CLI tool (local database or over MQTT), not part of the faces room.
  ['gateway/faces/import', 'gateway/cli/residents-import'],
  // The audit log is written by the action layer (core); the sync versions are storage.
  ['gateway/audit', 'gateway/core/audit'],
  ['gateway/sync', 'gateway/store/sync'],
  // The event catalogue names every room and uplink: composition, beside the controller.
  ['gateway/core/events.ts', 'gateway/events.ts'],
  ['gateway/version.ts', 'gateway/core/version.ts'],
  // The MQTT uplink's flat files: cloud-bridge/mqtt/.
  ...[
    'availability.ts',
    'availability.test.ts',
    'bridge.test.ts',
    'broker-acl.ts',
    'broker-acl.test.ts',
    'broker-credentials.ts',
    'city',
    'city-deployment.test.ts',
    'cli-identity.test.ts',
    'client-id-binding.test.ts',
    'client-ids.ts',
    'connect-options.ts',
    'daemon.test.ts',
    'embedded-broker.ts',
    'embedded-broker-file.ts',
    'envelope.ts',
    'event-format.ts',
    'events.ts',
    'link.ts',
    'mqtt-client.ts',
    'mqtt-client.test.ts',
    'outage.test.ts',
    'payloads.ts',
    'pure.test.ts',
    'relay.ts',
    'replay.ts',
    'replay.test.ts',
    'replay-restart.test.ts',
    'request-client.ts',
    'request-limits.test.ts',
    'request-server.ts',
    'requests.ts',
    'room.ts',
    'security.test.ts',
    'topics.ts',
  ].map((f) => [`cloud-bridge/${f}`, `cloud-bridge/mqtt/${f}`]),
];

const SELF = 'scripts/dev/move-tree.mjs';
const CODE = /\.(ts|mts|cts|mjs|js|cjs)$/;
const SKIP = /(^|\/)(node_modules|package-lock\.json)(\/|$)|\.(png|jpe?g|gif|webp|ico|onnx|bin|gz|zip|mp4|h264|ts\.snap)$/;

/** The new path of `p` (root-relative, posix), or `p` itself when no old path covers it. */
export function mapPath(p) {
  const best = bestMove(p);
  return best ? best[1] + p.slice(best[0].length) : p;
}

/** The move whose old path covers `p` most closely, or null. */
function bestMove(p) {
  let best = null;
  for (const [from, to] of MOVES) {
    if ((p === from || p.startsWith(`${from}/`)) && (!best || from.length > best[0].length)) best = [from, to];
  }
  return best;
}

/** mapPath for a specifier: `./room.js` names `room.ts`, which is what the table may list. */
function mapTarget(p) {
  const m = /\.(m?)js$/.exec(p);
  if (!m) return mapPath(p);
  const source = `${p.slice(0, -m[0].length)}.${m[1]}ts`;
  const direct = bestMove(p);
  const viaSource = bestMove(source);
  if (viaSource && (!direct || viaSource[0].length > direct[0].length)) {
    const moved = viaSource[1] + source.slice(viaSource[0].length);
    return `${moved.slice(0, -m[1].length - 3)}.${m[1]}js`;
  }
  return mapPath(p);
}

function git(args, opts = {}) {
  return execFileSync('git', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...opts });
}

function main() {
  const dry = process.argv.includes('--dry-run');
  const root = git(['rev-parse', '--show-toplevel']).trim();
  process.chdir(root);
  for (const [, to] of MOVES) {
    if (mapPath(to) !== to) throw new Error(`new path ${to} lies under an old path: the move would not be idempotent`);
  }

  // 1. Move.
  const before = git(['ls-files', '-z']).split('\0').filter(Boolean);
  const oldTree = withDirs(before);
  const moves = before.filter((p) => mapPath(p) !== p && existsSync(p)).map((p) => [p, mapPath(p)]);
  const trackedNow = new Set(before);
  for (const [, to] of moves) {
    if (trackedNow.has(to)) throw new Error(`${to} exists already: move it away or merge by hand first`);
  }
  const oldOf = new Map();
  for (const [from, to] of moves) {
    oldOf.set(to, from);
    if (dry) continue;
    mkdirSync(posix.dirname(to), { recursive: true });
    git(['mv', from, to]);
  }
  const after = dry ? before.map(mapPath) : git(['ls-files', '-z']).split('\0').filter(Boolean);
  const newTree = withDirs(after);
  if (!dry) for (const [from] of moves) removeEmptyDirs(posix.dirname(from));

  // 2 and 3. Rewrite.
  const changed = [];
  const unresolved = [];
  for (const file of after) {
    if (file === SELF || SKIP.test(file)) continue;
    const readPath = dry ? (oldOf.get(file) ?? file) : file;
    if (!existsSync(readPath) || !statSync(readPath).isFile()) continue;
    const text = readFileSync(readPath, 'utf8');
    if (text.includes('\0')) continue;
    const ctx = { file, old: oldOf.get(file) ?? file, root, oldTree, newTree, unresolved };
    let out = text;
    if (CODE.test(file)) out = out.replace(/(['"])(\.\.?\/[^'"\s`\\]*)\1/g, (m, q, s) => q + relative(s, ctx) + q);
    if (file.endsWith('.md')) out = out.replace(/\]\((\.\.?\/[^)\s#]*)/g, (m, s) => `](${relative(s, ctx)}`);
    out = out.replace(/(?<![\w.@/-])((?:gateway|cloud-bridge)\/[\w./-]*)/g, (m) => {
      const trail = /[./-]*$/.exec(m)[0];
      const body = m.slice(0, m.length - trail.length);
      return mapPath(body) + trail;
    });
    if (out !== text) {
      changed.push(file);
      if (!dry) writeFileSync(file, out);
    }
  }

  // Longer paths can push a line past the print width: format what was rewritten (as `npm test` wants).
  if (!dry && changed.length > 0) {
    execFileSync('npx', ['--no-install', 'prettier', '--write', '--ignore-unknown', '--log-level', 'warn', ...changed], {
      stdio: 'inherit',
    });
  }
  const what = dry ? 'would move' : 'moved';
  process.stdout.write(`${what} ${moves.length} files; ${dry ? 'would rewrite' : 'rewrote'} ${changed.length} files\n`);
  if (dry) for (const [from, to] of moves) process.stdout.write(`  ${from} -> ${to}\n`);
  for (const u of unresolved) process.stdout.write(`  left as it is (does not resolve): ${u}\n`);
}

/** A relative path string `s` of `ctx.file`, written for the file's new folder. */
function relative(s, ctx) {
  const oldDir = posix.dirname(ctx.old);
  const newDir = posix.dirname(ctx.file);
  const slash = s.endsWith('/') ? '/' : '';
  const target = posix.normalize(posix.join(oldDir, s)).replace(/\/$/, '');
  let mapped;
  if (target === '..' || target.startsWith('../')) {
    // Outside the repository (../shared/datasets): the same place (whether it is there or not).
    if (oldDir === newDir) return s;
    mapped = target;
  } else {
    mapped = mapTarget(target);
    if (mapped === target && oldDir === newDir) return s;
    if (!exists(mapped, ctx.newTree) && !(oldDir !== newDir && exists(target, ctx.oldTree))) {
      // Already written for the new tree (a second run), or not a path at all.
      const here = posix.normalize(posix.join(newDir, s)).replace(/\/$/, '');
      if (!exists(here, ctx.newTree) && exists(target, ctx.oldTree)) ctx.unresolved.push(`${ctx.file}: ${s}`);
      return s;
    }
  }
  if (posix.normalize(posix.join(newDir, s)).replace(/\/$/, '') === mapped) return s;
  let rel = posix.relative(newDir, mapped) || '.';
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel + slash;
}

/** Tracked files and their folders; a path exists if it is one of them (`.js` may name a `.ts`). */
function withDirs(files) {
  const set = new Set();
  for (const f of files) {
    set.add(f);
    for (let d = posix.dirname(f); d !== '.'; d = posix.dirname(d)) set.add(d);
  }
  return set;
}

function exists(p, tree) {
  if (tree.has(p)) return true;
  const alt = p.replace(/\.js$/, '.ts').replace(/\.mjs$/, '.mts');
  if (alt !== p && tree.has(alt)) return true;
  // Untracked places inside the repository (.cache/, models/ files, node_modules/).
  const top = p.split('/')[0];
  return top !== 'gateway' && top !== 'cloud-bridge' && (existsSync(p) || ignored(p));
}

function ignored(p) {
  try {
    git(['check-ignore', '-q', '--no-index', p], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function removeEmptyDirs(dir) {
  for (let d = dir; d !== '.' && existsSync(d); d = posix.dirname(d)) {
    if (readdirSync(d).length > 0) return;
    rmdirSync(d);
  }
}

main();
