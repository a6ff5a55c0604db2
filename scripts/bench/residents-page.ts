/**
 * `npm run -s bench -- residents-page`: the console's residents page with 5,000 residents
 * (BENCH_RESIDENTS), through the real console over HTTP as the browser asks it: log in, then
 * POST /api/actions/residents/page for the first page, pages further on, and searches (a name
 * word, a building, a room, a phone prefix, a word nobody has), each row with its thumbnail
 * (a real 112x112 JPEG, ~3 kB) and its access groups. Measures request → whole JSON body read.
 * Goal: page p95 ≤ 300 ms. Last line: one JSON object.
 */
import { loadavg } from 'node:os';
import sharp from 'sharp';
import { startRoom, testContext } from '../../gateway/testing/context.ts';
import { login, send } from '../../gateway/testing/console-http.ts';
import { ConsoleRoom } from '../../gateway/rooms/console/room.ts';
import { UserStore } from '../../gateway/rooms/console/accounts/user-store.ts';
import { hashPassword } from '../../gateway/rooms/console/accounts/password.ts';
import { ResidentStore } from '../../gateway/rooms/faces/store/resident-store.ts';
import { GroupStore } from '../../gateway/rooms/access/group-store.ts';
import { registerResidentActions } from '../../gateway/rooms/faces/actions.ts';
import { Identities } from '../../gateway/rooms/faces/identities.ts';
import { percentile } from '../../gateway/core/percentile.ts';

const N = Number(process.env.BENCH_RESIDENTS ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const log = (s: string) => process.stderr.write(`${s}\n`);

// The bench asks far faster than a person pages: the per-action rate limit (console.rateLimits) is lifted.
const ctx = testContext({ console: { port: 0, rateLimits: { 'residents/page': 100_000 } } });
const store = new ResidentStore({ db: ctx.db });
const groups = new GroupStore(ctx.db);
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '霞', '平'];
// One real JPEG per resident (a smooth gradient of the crop's size and quality, ~3 kB), as the enrolment keeps.
const thumbOf = async (i: number) =>
  sharp({ create: { width: 112, height: 112, channels: 3, background: { r: (i * 37) % 255, g: (i * 91) % 255, b: (i * 53) % 255 } } })
    .composite([
      { input: Buffer.from(`<svg width="112" height="112"><circle cx="56" cy="50" r="${20 + (i % 17)}" fill="#c8a080"/></svg>`) },
    ])
    .jpeg({ quality: 80 })
    .toBuffer();

const t0 = Date.now();
for (let b = 1; b <= 20; b++) groups.put({ id: `b${b}`, name: `${b}栋`, gates: [`door-b${b}`], schedule: null, everyone: false });
groups.put({ id: 'owners', name: '车主', gates: ['carpark'], schedule: null, everyone: false });
const embedding = new Float32Array(512).fill(1 / Math.sqrt(512));
ctx.db.transaction(() => {
  for (let i = 0; i < N; i++) {
    const building = String((i % 20) + 1);
    store.add({
      id: `r${String(i).padStart(5, '0')}`,
      name: `${SURNAMES[i % 20]}${GIVEN[Math.floor(i / 20) % 20]}${i >= 400 ? GIVEN[Math.floor(i / 400) % 20] : ''}`,
      templates: [{ embedding, quality: {}, source: 'bench' }],
      details: {
        building,
        unit: String((i % 3) + 1),
        room: String(100 * ((i % 30) + 1) + (i % 4) + 1),
        phone: `139${String(10_000_000 + i * 7919).slice(-8)}`,
      },
    });
    groups.setGroupsOf(`r${String(i).padStart(5, '0')}`, i % 3 === 0 ? [`b${building}`, 'owners'] : [`b${building}`]);
  }
});
const set = ctx.db.prepare('UPDATE residents SET thumbnail = ? WHERE id = ?');
for (let i = 0; i < N; i++) set.run(await thumbOf(i), `r${String(i).padStart(5, '0')}`);
log(`${N} residents with thumbnails and groups in ${Date.now() - t0} ms`);

registerResidentActions(ctx.actions, ctx.loaded.config.faces, () => ({
  store,
  groups,
  identities: new Identities({ store }),
  pipeline: () => Promise.reject(new Error('not needed')),
}));
const users = new UserStore(ctx.db);
users.add('bench', 'admin', await hashPassword('bench-password-1'));
const room = new ConsoleRoom(ctx);
const stop = await startRoom(ctx, room);
const base = new URL(room.url() as string);
const port = Number(base.port);

const { r: loggedIn, cookie, csrf } = await login(port, 'bench', 'bench-password-1');
if (loggedIn.status !== 200) throw new Error(`login failed: ${loggedIn.status} ${loggedIn.text}`);

const queries: Array<{ name: string; input: Record<string, unknown> }> = [
  { name: 'first page', input: { offset: 0, limit: 20 } },
  { name: 'page 100', input: { offset: 2000, limit: 20 } },
  { name: 'last page', input: { offset: N - 20, limit: 20 } },
  { name: 'surname', input: { q: '王', offset: 0, limit: 20 } },
  { name: 'building + room', input: { q: '7 301', offset: 0, limit: 20 } },
  { name: 'phone prefix', input: { q: '1391', offset: 20, limit: 20 } },
  { name: 'nobody', input: { q: 'zzzz', offset: 0, limit: 20 } },
  { name: 'group', input: { group: 'owners', offset: 40, limit: 20 } },
];
const times: number[] = [];
const per: Record<string, number[]> = {};
let bytes = 0;
let rows = 0;
for (let round = 0; round < ROUNDS; round++)
  for (const q of queries) {
    const t = performance.now();
    const r = await send(port, 'POST', '/api/actions/residents/page', { cookie, 'x-csrf-token': csrf, origin: base.origin }, q.input);
    const ms = performance.now() - t;
    if (r.status !== 200) throw new Error(`${q.name}: ${r.status} ${r.text.slice(0, 200)}`);
    const page = (JSON.parse(r.text) as { data: { total: number; residents: Array<{ thumbnail: string | null; groups: string[] }> } }).data;
    if (round === 0) log(`${q.name}: total ${page.total}, ${page.residents.length} rows, ${r.text.length} bytes, ${ms.toFixed(1)} ms`);
    if (q.name === 'first page' && (page.residents.length !== 20 || !page.residents.every((x) => x.thumbnail && x.groups.length)))
      throw new Error('a page row has no thumbnail or no groups');
    bytes += r.text.length;
    rows += page.residents.length;
    times.push(ms);
    (per[q.name] ??= []).push(ms);
  }
await stop();
ctx.dispose();
const r1 = (x: number) => Math.round(x * 10) / 10;
const result = {
  bench: 'residents-page',
  residents: N,
  requests: times.length,
  p50_ms: r1(percentile(times, 50)),
  p95_ms: r1(percentile(times, 95)),
  max_ms: r1(Math.max(...times)),
  per_query_p95_ms: Object.fromEntries(Object.entries(per).map(([k, v]) => [k, r1(percentile(v, 95))])),
  mean_body_kb: r1(bytes / times.length / 1024),
  mean_rows: r1(rows / times.length),
  goal_p95_ms: 300,
  ok: percentile(times, 95) <= 300,
  load: loadavg().map((x) => Math.round(x * 10) / 10),
};
console.log(JSON.stringify(result));
if (!result.ok) process.exitCode = 1;
