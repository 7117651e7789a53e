import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createJobs } from './jobs.ts';

describe('background jobs', () => {
  it('runs a job on its interval, logs a failure by name and keeps going, and stops', async () => {
    const logged: string[] = [];
    const jobs = createJobs({ error: (_obj, message) => logged.push(message) });
    let runs = 0;
    const keepAlive = setInterval(() => {}, 1000); // job timers are unref'd and never hold the process open
    await new Promise<void>((resolve) => {
      jobs.every('flaky purge', 5, async () => {
        runs++;
        if (runs === 1) throw new Error('database away');
        if (runs === 3) resolve();
      });
    });
    clearInterval(keepAlive);
    jobs.stop();
    const after = runs;
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(runs, after, 'no run after stop');
    assert.deepEqual(logged, ['flaky purge failed']);
  });

  it('runs the jobs marked atStart once when asked, and only those', async () => {
    const jobs = createJobs({ error: () => {} });
    const ran: string[] = [];
    jobs.every('at start', 3_600_000, async () => void ran.push('at start'), { atStart: true });
    jobs.every('later', 3_600_000, async () => void ran.push('later'));
    await jobs.runStartJobs();
    jobs.stop();
    assert.deepEqual(ran, ['at start']);
  });
});
