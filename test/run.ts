import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTemplate } from './support/app.ts';
import { startPostgres } from './support/postgres.ts';

/*
 * `npm test`: starts a throwaway PostgreSQL server, migrates a template database, then runs every
 * test file (unit, HTTP, CLI, browser) with Node's test runner on both dialects. Pass file paths
 * to run only those. No PostgreSQL, no Chromium → the run fails with what to install; never a skip.
 */
function findTests(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') findTests(full, out);
    else if (/\.test\.tsx?$/.test(entry.name)) out.push(full);
  }
  return out;
}

const args = process.argv.slice(2);
// Browser files are the longest (a minute or more each): started first, so that the run does not end
// with one of them going on alone while the other worker has nothing left to do.
const isBrowserTest = (file: string) => /\.e2e\.test\.tsx?$/.test(file);
const files = args.length
  ? args
  : [...findTests('src'), ...findTests('test')].sort(
      (a, b) => Number(isBrowserTest(b)) - Number(isBrowserTest(a)) || a.localeCompare(b),
    );
if (files.length === 0) {
  console.error('No test files found.');
  process.exit(1);
}

const started = Date.now();
// The command-line tests run bin/alongside.js, which runs the bundle in dist/ as production does:
// build it from the sources first, so what the tests start is what ships.
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.error('The build (scripts/build.mjs) failed: fix the errors above.');
  process.exit(1);
}
console.log(`# built dist/alongside.mjs in ${((Date.now() - started) / 1000).toFixed(1)} s`);
const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-tap-'));
const tapFile = path.join(resultsDir, 'results.tap');
const timesFile = path.join(resultsDir, 'file-times.txt');
const server = await startPostgres();
console.log(`# PostgreSQL for tests: ${server.how}`);
let code: number;
try {
  await createTemplate(server.url);
  code = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
        // A test that stops making progress fails by name after three minutes instead of stalling the run.
        `--test-timeout=${process.env.TEST_TIMEOUT_MS ?? 180_000}`,
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        '--test-reporter=tap',
        `--test-reporter-destination=${tapFile}`,
        '--test-reporter=./test/support/file-times.mjs',
        `--test-reporter-destination=${timesFile}`,
        ...files,
      ],
      { stdio: 'inherit', env: { ...process.env, ALONGSIDE_TEST_PG_URL: server.url, LOG_LEVEL: 'silent' } },
    );
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
} finally {
  await server.stop();
}
const tap = fs.existsSync(tapFile) ? fs.readFileSync(tapFile, 'utf8') : '';
const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
if (fs.existsSync(timesFile)) process.stdout.write(fs.readFileSync(timesFile, 'utf8'));
console.log(`# npm test finished in ${((Date.now() - started) / 1000).toFixed(1)} s with exit code ${code}`);
const cancelled = count('cancelled');
console.log(
  `${count('pass')} passed, ${count('fail')} failed, ${count('skipped')} skipped${cancelled ? `, ${cancelled} cancelled (timed out or never finished)` : ''}`,
);
process.exit(code);
