import fs from 'node:fs';
import path from 'node:path';
import type { Message } from '../../core/i18n/index.ts';
import { decodeUtf8Marked, findTextFault, type TextFault } from '../../core/text/gate.ts';
import { textFaultMessage } from '../../core/text/messages.ts';
import { HSDS_FILES, HSDS_TABLES, type HsdsTable } from './hsds.ts';
import { msg } from './messages.ts';

/*
 * Which file holds which HSDS table in a package folder, read as Frictionless data packages are read: the
 * resources and paths of datapackage.json when there is one (a resource named as the table, singular or plural,
 * or whose file is), otherwise the file names of either convention (`service.csv` or the specification's
 * `services.csv`). A CSV file that is no HSDS table is an error, not a silent "not used"; a path that leaves the
 * folder (`../../etc/passwd`, an absolute path, a link out of it, a URL) is refused before anything is read.
 */
export interface TableFile {
  /** The path as the package names it (messages show this). */
  file: string;
  full: string;
}
type Fail = (problem: Message) => void;

const UTF8_BOM = [0xef, 0xbb, 0xbf];
/** A file's bytes without a UTF-8 byte-order mark (spreadsheets save one). */
export const withoutBom = (bytes: Buffer) => (UTF8_BOM.every((b, i) => bytes[i] === b) ? bytes.subarray(3) : bytes);

/** The table a resource name or file name stands for: the table's own name, or the specification's plural. */
export function tableNamed(name: string): HsdsTable | undefined {
  const base = name.toLowerCase().replace(/\.csv$/, '');
  return HSDS_TABLES.find((t) => t === base || HSDS_FILES[t] === `${base}.csv`);
}

/** `relative` as a file inside `dir`, or null when it would leave it (checked on the real path, links followed). */
function inside(dir: string, relative: string): string | null {
  if (!relative || path.isAbsolute(relative) || /^[a-z][a-z0-9+.-]*:/i.test(relative) || relative.includes('\0'))
    return null;
  const full = path.resolve(dir, relative);
  const root = fs.realpathSync(dir);
  const within = (p: string) => p.startsWith(root + path.sep);
  if (!within(path.resolve(root, relative))) return null;
  if (fs.existsSync(full) && !within(fs.realpathSync(full))) return null;
  return full;
}

/**
 * datapackage.json's resources: null without a descriptor, false when it cannot be used (the reason given to
 * `fail`; the files it would have named are then not listed as unknown on top).
 */
function descriptorResources(dir: string, fail: Fail): unknown[] | null | false {
  const file = 'datapackage.json';
  const dpPath = path.join(dir, file);
  if (!fs.existsSync(dpPath)) return null;
  let dp: unknown;
  try {
    // Bytes that are not UTF-8 are marked, not replaced, so the text gate names the field they are in.
    dp = JSON.parse(decodeUtf8Marked(withoutBom(fs.readFileSync(dpPath))));
  } catch (err) {
    fail(msg('importBadJson', { reason: (err instanceof Error ? err.message : String(err)).slice(0, 200) }));
    return false;
  }
  let clean = true;
  checkJsonText(dp, '', (field, fault) => {
    clean = false;
    fail(textFaultMessage(msg('importAtJson', { file, field }), fault));
  });
  // A descriptor that is not clean text is not followed: its paths would name files that do not exist.
  if (!clean) return false;
  const resources: unknown = typeof dp === 'object' && dp !== null ? Reflect.get(dp, 'resources') : undefined;
  if (Array.isArray(resources)) return resources;
  fail(msg('importNoResources'));
  return false;
}

/** Every string and key in a JSON value through the text gate; `field` is its path (resources[0].title). */
function checkJsonText(value: unknown, field: string, refuse: (field: string, fault: TextFault) => void) {
  if (typeof value === 'string') {
    const fault = findTextFault(value, true);
    if (fault) refuse(field || '(the document)', fault);
  } else if (Array.isArray(value)) {
    value.forEach((inner, i) => checkJsonText(inner, `${field}[${i}]`, refuse));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      const keyFault = findTextFault(key, false);
      // A refused key is not printed: the path stops at its parent.
      if (keyFault) refuse(`${field || '(the document)'} (a key)`, keyFault);
      else checkJsonText(inner, field ? `${field}.${key}` : key, refuse);
    }
  }
}

/** The files of the package's tables; every problem (unknown file or resource, path outside) goes to `fail`. */
export function locateTables(dir: string, fail: Fail): Map<HsdsTable, TableFile> {
  const found = new Map<HsdsTable, TableFile>();
  const add = (table: HsdsTable, file: string, full: string) => {
    const other = found.get(table);
    if (other) fail(msg('importTableTwice', { file, table, other: other.file }));
    else found.set(table, { file, full });
  };
  const csvFiles = fs.readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.csv'));
  const resources = descriptorResources(dir, fail);
  if (resources === false) return found;
  if (resources === null) {
    for (const f of csvFiles) {
      const table = tableNamed(f);
      if (table) add(table, f, path.join(dir, f));
      else fail(msg('importUnknownFile', { file: f }));
    }
    return found;
  }
  const used = new Set<string>();
  for (const r of resources) {
    const name = String((typeof r === 'object' && r !== null && Reflect.get(r, 'name')) || '');
    const rawPath: unknown = typeof r === 'object' && r !== null ? Reflect.get(r, 'path') : undefined;
    // A path is a string, or a list of one (multi-part resources are not HSDS packages).
    const relative = Array.isArray(rawPath) && rawPath.length === 1 ? rawPath[0] : rawPath;
    const shown = String(Array.isArray(rawPath) ? rawPath.join(', ') : (rawPath ?? '')).slice(0, 200);
    const table = tableNamed(name) ?? (typeof relative === 'string' ? tableNamed(path.basename(relative)) : undefined);
    if (!table) {
      fail(msg('importUnknownResource', { name: name.slice(0, 100) }));
      continue;
    }
    const full = typeof relative === 'string' ? inside(dir, relative) : null;
    if (!full) fail(msg('importBadPath', { name, path: shown }));
    else if (!fs.existsSync(full) || !fs.statSync(full).isFile()) fail(msg('importMissingFile', { name, path: shown }));
    else {
      used.add(path.resolve(full));
      add(table, String(relative), full);
    }
  }
  for (const f of csvFiles) if (!used.has(path.resolve(dir, f))) fail(msg('importUnknownFile', { file: f }));
  return found;
}
