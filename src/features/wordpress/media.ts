import fs from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../core/clock.ts';
import type { Executor } from '../../core/db/schema.ts';
import { MAX_IMAGE_BYTES, storeImportedImage, type CoverImage } from '../posts/service.ts';

/*
 * Images of the old site, found in a copy of its wp-content/uploads folder (`--uploads DIR`),
 * stored on this site as covers are: type read from the bytes, re-encoded (no EXIF/GPS), a
 * generated name. Only paths inside DIR are read: an address that climbs out ("../"), or a
 * symbolic link that points out, is treated as missing.
 */

const IMAGE = /\.(jpe?g|png|webp|gif)$/i;

/** The path of an upload inside wp-content/uploads ("2019/03/march.jpg"), or undefined. */
export function uploadsPath(src: string, siteUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(src, siteUrl.startsWith('http') ? siteUrl + '/' : 'https://wordpress.invalid/');
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  let p: string;
  try {
    p = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  const marker = p.indexOf('/wp-content/uploads/');
  let rel: string | undefined;
  if (marker >= 0) rel = p.slice(marker + '/wp-content/uploads/'.length);
  // WordPress.com serves uploads from <blog>.files.wordpress.com/<year>/<month>/<file>.
  else if (/\.files\.wordpress\.com$/i.test(url.hostname)) rel = p.slice(1);
  if (!rel || !IMAGE.test(rel) || rel.split('/').some((s) => s === '..' || s === '.' || s === '')) return undefined;
  return rel;
}

/** "march-300x200.jpg" is a size WordPress made of "march.jpg": either file will do. */
const variants = (rel: string) => {
  const full = rel.replace(/-\d+x\d+(\.[a-z]+)$/i, '$1');
  return full === rel ? [rel] : [rel, full];
};

export class UploadsFolder {
  private readonly done = new Map<string, CoverImage | undefined>();
  /** By real path: "van-300x200.jpg" missing and "van.jpg" are one file, stored once. */
  private readonly byFile = new Map<string, CoverImage | undefined>();

  private constructor(private readonly root: string) {}

  /** Undefined when DIR is not a readable folder. */
  static async open(dir: string): Promise<UploadsFolder | undefined> {
    try {
      const root = await fs.realpath(dir);
      if (!(await fs.stat(root)).isDirectory()) return undefined;
      return new UploadsFolder(root);
    } catch {
      return undefined;
    }
  }

  /**
   * Copies the image onto the site (once per file) inside the import's transaction, so a failed
   * import stores none; undefined when it is not in DIR or not an image.
   */
  async copy(tx: Executor, clock: Clock, rel: string): Promise<CoverImage | undefined> {
    if (this.done.has(rel)) return this.done.get(rel);
    let result: CoverImage | undefined;
    for (const candidate of variants(rel)) {
      result = await this.store(tx, clock, candidate);
      if (result) break;
    }
    this.done.set(rel, result);
    return result;
  }

  private async store(tx: Executor, clock: Clock, rel: string): Promise<CoverImage | undefined> {
    let file: string;
    try {
      file = await fs.realpath(path.join(this.root, rel));
      const stat = await fs.stat(file);
      if (!file.startsWith(this.root + path.sep) || !stat.isFile() || stat.size > MAX_IMAGE_BYTES) return undefined;
    } catch {
      return undefined;
    }
    if (this.byFile.has(file)) return this.byFile.get(file);
    const stored = await storeImportedImage(tx, clock, await fs.readFile(file));
    const image = stored.ok ? stored.value : undefined;
    this.byFile.set(file, image);
    return image;
  }
}
