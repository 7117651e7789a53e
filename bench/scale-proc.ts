/*
 * CPU time and memory of process trees, from Linux /proc: what bench/scale.ts divides by the
 * requests served. A tree is a process and every descendant (a cluster primary and its workers;
 * the PostgreSQL postmaster and its backends; the nginx master and its worker). Children that have
 * exited count too, through their parent's cutime/cstime (a PostgreSQL backend whose pooled
 * connection closed, a replaced worker), so nothing that ran during a measurement is missed.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** Clock ticks per second of /proc's CPU figures (100 on every Linux this runs on, but asked). */
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface Stat {
  pid: number;
  ppid: number;
  /** utime + stime of the process itself, in ticks. */
  own: number;
  /** cutime + cstime: its children that have exited and been waited for, in ticks. */
  reaped: number;
}

function readStat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone between the listing and the read
  }
  // The command name is in parentheses and may hold spaces: the fields start after the last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // f[0] is field 3 (state): ppid is field 4, utime..cstime fields 14..17.
  return {
    pid,
    ppid: Number(f[1]),
    own: Number(f[11]) + Number(f[12]),
    reaped: Number(f[13]) + Number(f[14]),
  };
}

function allStats(): Stat[] {
  const out: Stat[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) out.push(stat);
  }
  return out;
}

/** The pids of `root` and all its live descendants. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const s of allStats()) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s.pid]);
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/**
 * CPU seconds used so far by the trees under `roots`: every live process's own time, plus the
 * reaped children of each. Take it before and after a run; the difference is the run's.
 */
export function treeCpuSeconds(roots: number[]): number {
  let ticks = 0;
  const seen = new Set<number>();
  for (const root of roots)
    for (const pid of processTree(root)) {
      if (seen.has(pid)) continue;
      seen.add(pid);
      const s = readStat(pid);
      if (s) ticks += s.own + s.reaped;
    }
  return ticks / TICKS_PER_SECOND;
}

/** Resident memory of one process in MB (0 if it has gone). */
export function rssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** The parent of a process (used to find the postmaster from one of its backends). */
export function parentOf(pid: number): number {
  const s = readStat(pid);
  if (!s) throw new Error(`process ${pid} is not running`);
  return s.ppid;
}
