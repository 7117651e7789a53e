#!/usr/bin/env -S node --max-semi-space-size=4
// The V8 flag keeps the young generation small (about 30 MB less resident memory for a server, a
// few per cent of throughput). `npm start`, the container and the systemd unit also cap the old
// generation for `serve` (--max-old-space-size=128) and use two malloc arenas (MALLOC_ARENA_MAX=2);
// commands such as import-hsds are not capped: a 100,000-service import needs more.
// Production runs the bundle in dist/ (built by `npm ci` through the `prepare` script, or
// `npm run build`: scripts/build.mjs). Without dist/ — or with ALONGSIDE_FROM_SOURCE=1 — the TypeScript sources run
// through tsx, a development dependency.
import fs from 'node:fs';
import module from 'node:module';

// Node 22+ keeps compiled code between starts (in the system's temporary folder): a faster start.
module.enableCompileCache?.();

const compiled = new URL('../dist/alongside.mjs', import.meta.url);
if (process.env.ALONGSIDE_FROM_SOURCE !== '1' && fs.existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
