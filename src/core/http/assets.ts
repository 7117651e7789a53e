import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { projectPath } from '../paths.ts';
import { compress, compressSync, negotiateEncoding, type Encoding } from './compression.ts';

/*
 * The site's static files (public/ and the ALTCHA widget from its npm package), held in memory
 * with a content hash each. Views ask `assetUrl("site.css")` for "/static/site.3f2a1c9e0b.css":
 * a hashed name never changes meaning, so it is cached for a year as immutable, and a new
 * version of a file gets a new name. The plain names keep working with a short cache lifetime.
 * Brotli and gzip bodies come from dist/static/ when the build made them (`npm run build`,
 * writePrecompressed below), otherwise they are made once on first request.
 */
const require = createRequire(import.meta.url);

export interface Asset {
  /** "site.css", "altcha/altcha.js" */
  name: string;
  /** "site.3f2a1c9e0b.css" */
  hashedName: string;
  hash: string;
  type: string;
  body: Buffer;
  variants: Partial<Record<Encoding, Buffer | Promise<Buffer>>>;
}

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Where each served name comes from. */
function sources(): Map<string, string> {
  const files = new Map<string, string>();
  const publicDir = projectPath('public');
  for (const name of fs.readdirSync(publicDir).sort()) {
    const file = path.join(publicDir, name);
    if (fs.statSync(file).isFile()) files.set(name, file);
  }
  // The widget's "external" build: no inline styles, no blob: workers, so it runs under the CSP.
  // The package exports no ./package.json; its CSS export sits in dist/external.
  const altcha = path.resolve(path.dirname(require.resolve('altcha/altcha.css')), '..');
  files.set('altcha/altcha.js', path.join(altcha, 'external', 'altcha.min.js'));
  files.set('altcha/altcha.css', path.join(altcha, 'external', 'altcha.css'));
  files.set('altcha/sha-worker.js', path.join(altcha, 'workers', 'sha.js'));
  return files;
}

export function hashedNameOf(name: string, hash: string): string {
  const ext = path.extname(name);
  return `${name.slice(0, name.length - ext.length)}.${hash}${ext}`;
}

/** Where the build leaves compressed copies, named by hashed name (so a stale one is never used). */
export const PRECOMPRESSED_DIR = projectPath('dist', 'static');

function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const [name, file] of sources()) {
    const body = fs.readFileSync(file);
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 10);
    const type = TYPES[path.extname(name)] ?? 'application/octet-stream';
    const hashedName = hashedNameOf(name, hash);
    const variants: Asset['variants'] = {};
    for (const [encoding, ext] of [
      ['br', '.br'],
      ['gzip', '.gz'],
    ] as const) {
      const ready = path.join(PRECOMPRESSED_DIR, hashedName + ext);
      if (fs.existsSync(ready)) variants[encoding] = fs.readFileSync(ready);
    }
    assets.set(name, { name, hashedName, hash, type, body, variants });
  }
  return assets;
}

let loaded: { byName: Map<string, Asset>; byPath: Map<string, { asset: Asset; immutable: boolean }> } | undefined;

function manifest() {
  if (loaded) return loaded;
  const byName = loadAssets();
  const byPath = new Map<string, { asset: Asset; immutable: boolean }>();
  for (const asset of byName.values()) {
    byPath.set(asset.name, { asset, immutable: false });
    byPath.set(asset.hashedName, { asset, immutable: true });
  }
  loaded = { byName, byPath };
  return loaded;
}

/** The URL a page uses for a static file: its hashed name. Unknown names are a programming error. */
export function assetUrl(name: string): string {
  const asset = manifest().byName.get(name);
  if (!asset) throw new Error(`No static file named ${name}.`);
  return `/static/${asset.hashedName}`;
}

/** A static file by the path after /static/ (plain or hashed name), or undefined. */
export function findAsset(requestPath: string): { asset: Asset; immutable: boolean } | undefined {
  return manifest().byPath.get(requestPath);
}

/** Files too small to gain from compression are sent as they are. */
const MIN_STATIC_COMPRESS = 512;

/** The encoding a request gets for an asset, and the body. */
export function assetBody(
  asset: Asset,
  acceptEncoding: string | string[] | undefined,
): { encoding: Encoding | null; body: Buffer | Promise<Buffer> } {
  const compressible = /^(text\/|image\/svg|application\/json)/.test(asset.type);
  const encoding = compressible && asset.body.length >= MIN_STATIC_COMPRESS ? negotiateEncoding(acceptEncoding) : null;
  if (!encoding) return { encoding, body: asset.body };
  let body = asset.variants[encoding];
  if (!body) {
    body = compress(asset.body, encoding, 'max');
    asset.variants[encoding] = body;
    body.then((b) => (asset.variants[encoding] = b)).catch(() => delete asset.variants[encoding]);
  }
  return { encoding, body };
}

/**
 * Writes Brotli and gzip copies of every static file to dist/static/ (the build runs this), so a
 * server never spends its first requests compressing them.
 */
export function writePrecompressed(dir = PRECOMPRESSED_DIR): number {
  fs.mkdirSync(dir, { recursive: true });
  let written = 0;
  for (const asset of loadAssets().values()) {
    for (const [encoding, ext] of [
      ['br', '.br'],
      ['gzip', '.gz'],
    ] as const) {
      const file = path.join(dir, asset.hashedName + ext);
      if (fs.existsSync(file)) continue;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, compressSync(asset.body, encoding));
      written++;
    }
  }
  return written;
}
