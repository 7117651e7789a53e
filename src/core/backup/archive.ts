import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, Writable, type Duplex, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { BackupError, isSafeEntryName, MANIFEST_NAME, type FileDigest } from './manifest.ts';

/*
 * The archive is a gzip-compressed tar (tar-stream + zlib): readable by any tar, written and read
 * as a stream so a large uploads folder never has to fit in memory. Every entry is hashed while it
 * is written or read; the manifest comes last, once every digest is known.
 */

export interface SourceFile {
  /** Name inside the archive. */
  name: string;
  /** File on disk. */
  path: string;
  mode: number;
}

/** Hashes what passes through. */
function hashing(digest: crypto.Hash): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      digest.update(chunk);
      done(null, chunk);
    },
  });
}

function addBuffer(pack: tar.Pack, header: Partial<tar.Header> & { name: string }, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => pack.entry(header, bytes, (err) => (err ? reject(err) : resolve())));
}

async function addFile(pack: tar.Pack, file: SourceFile): Promise<FileDigest | undefined> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file.path, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch (err) {
    // Removed since the folder was listed (a cover replaced meanwhile): nothing to keep.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return undefined;
    const digest = crypto.createHash('sha256');
    const header = { name: file.name, size: stat.size, mode: file.mode, mtime: stat.mtime, type: 'file' } as const;
    if (stat.size === 0) await addBuffer(pack, header, Buffer.alloc(0));
    else
      await pipeline(
        handle.createReadStream({ start: 0, end: stat.size - 1, autoClose: false }),
        hashing(digest),
        pack.entry(header),
      );
    return { size: stat.size, sha256: digest.digest('hex') };
  } finally {
    await handle.close();
  }
}

/**
 * Writes files, then manifest.json (made from their digests), as tar.gz through `stages` (a file,
 * or an encryption stage and a file). Resolves once the last stage has everything.
 */
export async function writeArchive(
  files: SourceFile[],
  manifest: (digests: Record<string, FileDigest>) => object,
  stages: Array<Duplex | Writable>,
): Promise<void> {
  const pack = tar.pack();
  const written = pipeline([pack as unknown as Readable, zlib.createGzip(), ...stages]);
  // A failure downstream (disk full) stops the packing too.
  written.catch(() => pack.destroy());
  try {
    const digests: Record<string, FileDigest> = {};
    for (const file of files) {
      const digest = await addFile(pack, file);
      if (digest) digests[file.name] = digest;
    }
    const bytes = Buffer.from(JSON.stringify(manifest(digests), null, 2) + '\n');
    await addBuffer(pack, { name: MANIFEST_NAME, size: bytes.length, mode: 0o600, mtime: new Date() }, bytes);
    pack.finalize();
  } catch (err) {
    pack.destroy(err as Error);
    await written.catch(() => {});
    throw err;
  }
  await written;
}

export interface ReadEntry {
  size: number;
  sha256: string;
  /** Where it was extracted to, when a folder was given. */
  path?: string;
  mtime?: Date;
}

export interface ReadResult {
  manifest: Buffer | undefined;
  entries: Map<string, ReadEntry>;
}

const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

/**
 * Reads a tar.gz stream to its end, hashing every entry and extracting it under `into` (or only
 * hashing it when `into` is undefined). Refuses links, devices, unsafe or repeated names; a
 * damaged or truncated stream rejects with the underlying error (the caller words it).
 */
export async function readArchive(source: Readable, into: string | undefined): Promise<ReadResult> {
  const extract = tar.extract();
  const entries = new Map<string, ReadEntry>();
  let manifest: Buffer | undefined;
  extract.on('entry', (header, stream, next) => {
    const name = header.name;
    // A failure anywhere destroys the extractor, which fails the pipeline below with the cause and
    // destroys this entry too: that second report of it is not needed.
    stream.on('error', () => {});
    const fail = (message: string) => {
      stream.resume();
      next(new BackupError(message));
    };
    if (header.type !== 'file') {
      if (header.type === 'directory') {
        stream.resume();
        return next();
      }
      return fail(`The backup holds a ${header.type ?? 'special'} entry (${name}), which no Alongside backup has.`);
    }
    if (!isSafeEntryName(name)) return fail(`The backup holds an unexpected entry "${name}".`);
    if (entries.has(name) || (name === MANIFEST_NAME && manifest)) return fail(`The backup holds "${name}" twice.`);
    const digest = crypto.createHash('sha256');
    let size = 0;
    const count = new Transform({
      transform(chunk: Buffer, _enc, done) {
        digest.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    if (name === MANIFEST_NAME) {
      const parts: Buffer[] = [];
      stream.on('data', (chunk: unknown) => {
        const c = chunk as Buffer;
        size += c.length;
        if (size <= MAX_MANIFEST_BYTES) parts.push(c);
      });
      stream.on('end', () => {
        if (size > MAX_MANIFEST_BYTES) return next(new BackupError('The backup’s manifest.json is far too large.'));
        manifest = Buffer.concat(parts);
        next();
      });
      return;
    }
    const target = into ? path.join(into, ...name.split('/')) : undefined;
    const done = (err?: unknown) => {
      if (err) return next(err as Error);
      entries.set(name, { size, sha256: digest.digest('hex'), path: target, mtime: header.mtime });
      next();
    };
    if (!target) {
      pipeline(stream, count, new Writable({ write: (_c, _e, cb) => cb() })).then(() => done(), done);
      return;
    }
    fs.promises
      .mkdir(path.dirname(target), { recursive: true })
      .then(() => pipeline(stream, count, fs.createWriteStream(target, { flags: 'wx', mode: 0o600 })))
      .then(() => done(), done);
  });
  await pipeline(source, zlib.createGunzip(), extract);
  return { manifest, entries };
}
