import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../clock.ts';
import type { Executor } from '../db/schema.ts';
import * as repo from './repo.ts';

/*
 * Uploaded files, kept in the database rather than on one machine's disk: every worker and every
 * instance serves the same bytes, and a backup of the database holds them. Files are small
 * (re-encoded images of a few hundred KB) and written once; a name is never reused, so a file can
 * be cached for a year and its SHA-256 is its ETag.
 */

/** "posts/0123abcd….jpg": a folder of the feature that owns it, then a file name it generated. */
const NAME = /^[a-z][a-z0-9-]*\/[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const isMediaName = (name: string) => NAME.test(name) && !name.includes('..');

export const MEDIA_TYPES: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};

export interface StoredMedia {
  contentType: string;
  bytes: Buffer;
  etag: string;
}

function mediaRow(clock: Clock, name: string, contentType: string, bytes: Buffer) {
  if (!isMediaName(name)) throw new Error(`Not a media name: ${JSON.stringify(name)}`);
  return {
    name,
    content_type: contentType,
    bytes,
    size: bytes.length,
    sha256: crypto.createHash('sha256').update(bytes).digest('base64url'),
    created_at: clock.now().toISOString(),
  };
}

/** Stores a new file; a name is never reused, so an existing one is an error. */
export async function putMedia(db: Executor, clock: Clock, name: string, contentType: string, bytes: Buffer) {
  await repo.insertMediaFile(db, mediaRow(clock, name, contentType, bytes));
}

export async function readMedia(db: Executor, name: string): Promise<StoredMedia | undefined> {
  if (!isMediaName(name)) return undefined;
  const row = await repo.mediaFileByName(db, name);
  // PostgreSQL's driver and better-sqlite3 both hand back a Buffer.
  return row && { contentType: row.content_type, bytes: Buffer.from(row.bytes), etag: `"${row.sha256}"` };
}

/** The ETag alone: answering a revalidation reads no bytes. */
export async function mediaEtag(db: Executor, name: string): Promise<string | undefined> {
  if (!isMediaName(name)) return undefined;
  const tag = await repo.mediaTagByName(db, name);
  return tag && `"${tag}"`;
}

export async function removeMedia(db: Executor, name: string): Promise<void> {
  if (isMediaName(name)) await repo.deleteMediaFile(db, name);
}

/** Files of one folder ("posts/") stored before a moment: what a clean-up of unused files looks at. */
export const mediaStoredBefore = (db: Executor, folder: string, beforeIso: string) =>
  repo.mediaNamesStoredBefore(db, folder, beforeIso);

/**
 * Files an older version kept under DATA_DIR/uploads are moved into the database at start (the
 * served name stays the same), then deleted from the disk once they are stored. Files it cannot
 * name or type are left where they are and listed.
 */
export async function moveDiskUploads(
  db: Executor,
  clock: Clock,
  dataDir: string,
): Promise<{ moved: number; leftOnDisk: string[] }> {
  const root = path.join(dataDir, 'uploads');
  const files = await fs.readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  const leftOnDisk: string[] = [];
  let moved = 0;
  for (const entry of files) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const name = path.relative(root, full).split(path.sep).join('/');
    const type = MEDIA_TYPES[path.extname(name).slice(1).toLowerCase()];
    if (!isMediaName(name) || !type) {
      leftOnDisk.push(name);
      continue;
    }
    await repo.insertMediaFileIfAbsent(db, mediaRow(clock, name, type, await fs.readFile(full)));
    await fs.rm(full);
    moved++;
  }
  return { moved, leftOnDisk };
}
