import { readdirSync, readFileSync } from 'node:fs';

/**
 * The CPU a process and every process it started use, read from /proc: a snapshot of the tree
 * now, and the CPU each kind of process (node, ffmpeg, ...) used between two snapshots, in percent
 * of one core. A child that ended between the snapshots is not counted (its time is lost to the
 * sum), so a figure can only come out low when processes restart, never high.
 */
const TICK = 100; // clock ticks per second (USER_HZ) on Linux

export interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  cpuTicks: number;
  rssKb: number;
}

function readProcs(): Map<number, Proc> {
  const out = new Map<number, Proc>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(d), { pid: Number(d), ppid: Number(f[1]), comm, cpuTicks: Number(f[11]) + Number(f[12]), rssKb: Number(f[21]) * 4 });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** `root` and its descendants now, with the wall-clock time of the reading. */
export function processTree(root: number): { at: number; procs: Proc[] } {
  const procs = readProcs();
  const found: Proc[] = [];
  const walk = (pid: number) => {
    const p = procs.get(pid);
    if (p) found.push(p);
    for (const c of procs.values()) if (c.ppid === pid) walk(c.pid);
  };
  walk(root);
  return { at: Date.now(), procs: found };
}

const group = (comm: string) =>
  /ffmpeg/.test(comm)
    ? 'ffmpeg'
    : /python/.test(comm)
      ? 'gstreamer rtsp server'
      : /socat/.test(comm)
        ? 'socat'
        : /node|MainThread/.test(comm)
          ? 'node'
          : comm;

/** CPU between two snapshots of one tree: total and by kind of process, % of one core; memory at the second. */
export function cpuBetween(
  a: { at: number; procs: Proc[] },
  b: { at: number; procs: Proc[] },
): { cpuPercent: number; byProcess: Record<string, number>; rssMb: number } {
  const wall = (b.at - a.at) / 1000;
  const before = new Map(a.procs.map((p) => [p.pid, p.cpuTicks]));
  const usedS: Record<string, number> = {};
  for (const p of b.procs) usedS[group(p.comm)] = (usedS[group(p.comm)] ?? 0) + (p.cpuTicks - (before.get(p.pid) ?? 0)) / TICK;
  const pct = (x: number) => Math.round((x / wall) * 1000) / 10;
  const total = Object.values(usedS).reduce((x, y) => x + y, 0);
  return {
    cpuPercent: pct(total),
    byProcess: Object.fromEntries(Object.entries(usedS).map(([k, v]) => [k, pct(v)])),
    rssMb: Math.round(b.procs.reduce((s, p) => s + p.rssKb, 0) / 1024),
  };
}
