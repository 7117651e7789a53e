/*
 * The one scheduler for background work (purges of what retention rules say must go). Features
 * declare a job with how often it runs; the app starts the timers when it is built, runs the jobs
 * marked `atStart` once it is ready, and clears every timer when it closes. The jobs read time
 * from the app clock they close over, so tests drive them with a ManualClock. Timers are unref'd:
 * they never keep the process alive. A failing job is logged and tried again next time.
 */
export interface JobLog {
  error(obj: object, msg: string): void;
}

export interface Jobs {
  /** Runs `job` every `everyMs`; with `atStart`, also once when the app is ready. */
  every(name: string, everyMs: number, job: () => Promise<unknown>, opts?: { atStart?: boolean }): void;
  /** Runs the `atStart` jobs now (the app calls this when ready). */
  runStartJobs(): Promise<void>;
  stop(): void;
}

export function createJobs(log: JobLog): Jobs {
  const timers: ReturnType<typeof setInterval>[] = [];
  const atStart: (() => Promise<void>)[] = [];
  return {
    every(name, everyMs, job, opts = {}) {
      const run = () =>
        job().then(
          () => undefined,
          (err: Error) => log.error({ err: { message: err.message } }, `${name} failed`),
        );
      const timer = setInterval(run, everyMs);
      timer.unref();
      timers.push(timer);
      if (opts.atStart) atStart.push(run);
    },
    async runStartJobs() {
      await Promise.all(atStart.map((run) => run()));
    },
    stop() {
      for (const timer of timers.splice(0)) clearInterval(timer);
    },
  };
}
