/*
 * A node:test reporter that prints the slowest test files at the end of `npm test` (the sum of
 * their top-level tests' durations): the figures that decide how long CI takes. Plain JavaScript:
 * the test runner loads reporters before the TypeScript loader.
 */
export default async function* fileTimes(source) {
  const perFile = new Map();
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { nesting, file, details } = event.data;
    if (nesting !== 0 || !file) continue;
    perFile.set(file, (perFile.get(file) ?? 0) + (details?.duration_ms ?? 0));
  }
  const slowest = [...perFile].sort((a, b) => b[1] - a[1]).slice(0, 12);
  yield `# slowest test files (seconds, summed over their top-level tests):\n`;
  for (const [file, ms] of slowest)
    yield `#   ${(ms / 1000).toFixed(1).padStart(6)}  ${file.replace(process.cwd() + '/', '')}\n`;
}
