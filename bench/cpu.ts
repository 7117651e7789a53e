import fs from 'node:fs';
import pg from 'pg';

/*
 * CPU time of the processes that serve a request, read from Linux /proc: the figure the machine's
 * other load disturbs least (wall time on a shared two-core machine swings; CPU time barely does).
 */

/** Clock ticks per second of /proc's times: 100 on every Linux this runs on (getconf CLK_TCK). */
const TICKS_PER_SECOND = 100;

/** utime, stime, cutime, cstime of one process (cutime/cstime: its children that exited and were reaped), in ms. */
function times(pid: number): { own: number; reaped: number } | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // exited since it was listed
  }
  // The command name, in parentheses, may hold spaces: the fields are counted after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ms = (i: number) => (Number(fields[i]) * 1000) / TICKS_PER_SECOND;
  // Fields 14–17 of stat(5); the slice starts at field 3 (state).
  return { own: ms(11) + ms(12), reaped: ms(13) + ms(14) };
}

/** CPU time one process has used so far, in ms. */
export function processCpuMs(pid: number): number {
  return times(pid)?.own ?? 0;
}

function parentOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
}

/**
 * The whole PostgreSQL server's CPU so far (ms): the postmaster, every live process it started
 * (backends, checkpointer, WAL writer…) and those that have exited (its reaped children's time).
 */
export async function postgresCpu(url: string): Promise<() => number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
  const postmaster = parentOf(rows[0]!.pid);
  await client.end();
  return () => {
    const main = times(postmaster);
    let total = (main?.own ?? 0) + (main?.reaped ?? 0);
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (parentOf(Number(entry)) === postmaster) total += processCpuMs(Number(entry));
      } catch {
        /* exited since it was listed */
      }
    }
    return total;
  };
}
