import fs from 'node:fs';
import type { Dialect } from '../db/schema.ts';
import { projectPath } from '../paths.ts';
import { migrations } from '../db/migrations/index.ts';

/** Where --encrypt and restore read the passphrase from (never a command-line argument, which others can see). */
export const PASSPHRASE_ENV = 'ALONGSIDE_BACKUP_PASSPHRASE';

/*
 * What a backup archive says about itself: manifest.json, the archive's last entry. It names the
 * format, the Alongside version and database schema that wrote it, and the size and SHA-256 of
 * every other entry, so a restore can check the whole archive before it touches anything.
 */
export const FORMAT = 'alongside-backup';
export const FORMAT_VERSION = 1;
export const MANIFEST_NAME = 'manifest.json';
export const DATABASE_ENTRY: Record<Dialect, string> = { sqlite: 'database.sqlite', postgres: 'database.pgdump' };
export const SECRET_ENTRY = 'secret.key';
export const UPLOADS_PREFIX = 'uploads/';

export interface FileDigest {
  size: number;
  /** Lower-case hex. */
  sha256: string;
}

export interface Manifest {
  format: typeof FORMAT;
  formatVersion: number;
  /** package.json version of the Alongside that wrote the backup. */
  appVersion: string;
  dialect: Dialect;
  /** The newest migration applied to the backed-up database. */
  schemaVersion: string;
  /** Every migration applied to it, sorted. */
  migrations: string[];
  createdAt: string;
  /** Where the site's signing secret came from: secret.key (archived) or ALONGSIDE_SECRET (not archived). */
  signingSecret: 'file' | 'environment';
  files: Record<string, FileDigest>;
}

/** A refusal or failure the operator reads as it is: one sentence, exit code 1, no stack trace. */
export class BackupError extends Error {
  override name = 'BackupError';
}

export function appVersion(): string {
  // src/core/backup → the project root, also from dist/core/backup after a build.
  const pkg = JSON.parse(fs.readFileSync(projectPath('package.json'), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? 'unknown';
}

/** The migrations this version of Alongside knows. */
export const knownMigrations = (): Set<string> => new Set(Object.keys(migrations));

/** An entry name that stays inside the folder it is extracted to: relative, no `.`/`..` segment. */
export function isSafeEntryName(name: string): boolean {
  if (name === MANIFEST_NAME || name === SECRET_ENTRY || Object.values(DATABASE_ENTRY).includes(name)) return true;
  if (!name.startsWith(UPLOADS_PREFIX) || name.includes('\0') || name.includes('\\')) return false;
  const segments = name.slice(UPLOADS_PREFIX.length).split('/');
  return segments.every((s) => s !== '' && s !== '.' && s !== '..');
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses manifest.json, refusing anything that is not a manifest this version can read. */
export function parseManifest(bytes: Buffer): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new BackupError(
      'The backup’s manifest.json is not valid JSON: the archive is damaged. Nothing was restored.',
    );
  }
  if (!isRecord(data) || data.format !== FORMAT) {
    throw new BackupError('This archive has no Alongside backup manifest. Nothing was restored.');
  }
  if (typeof data.formatVersion !== 'number' || data.formatVersion > FORMAT_VERSION) {
    throw new BackupError(
      `This backup uses archive format ${String(data.formatVersion)}, newer than this Alongside reads (${FORMAT_VERSION}): upgrade Alongside first. Nothing was restored.`,
    );
  }
  const files = data.files;
  const valid =
    (data.dialect === 'sqlite' || data.dialect === 'postgres') &&
    typeof data.appVersion === 'string' &&
    typeof data.schemaVersion === 'string' &&
    typeof data.createdAt === 'string' &&
    (data.signingSecret === 'file' || data.signingSecret === 'environment') &&
    Array.isArray(data.migrations) &&
    data.migrations.every((m) => typeof m === 'string') &&
    isRecord(files) &&
    Object.entries(files).every(
      ([name, d]) =>
        isSafeEntryName(name) &&
        name !== MANIFEST_NAME &&
        isRecord(d) &&
        Number.isSafeInteger(d.size) &&
        typeof d.sha256 === 'string' &&
        /^[0-9a-f]{64}$/.test(d.sha256),
    );
  if (!valid) throw new BackupError('The backup’s manifest.json is incomplete or malformed. Nothing was restored.');
  return data as unknown as Manifest;
}
