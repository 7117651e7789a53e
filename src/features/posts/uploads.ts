import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { invalid, ok, type Result } from '../../core/result.ts';
import type { CoverImage } from './service.ts';

/*
 * Cover images: the type is read from the bytes (never from the name or the declared type),
 * the image is re-encoded, which drops EXIF/XMP/IPTC (GPS position, camera serial), and it is
 * stored under a generated name, so nothing the uploader chose reaches the file system.
 */
export const MAX_COVER_BYTES = 5 * 1024 * 1024;
const FORMATS = { jpeg: 'jpg', png: 'png', webp: 'webp' } as const;
const NAME = /^[a-f0-9]{24}\.(jpg|png|webp)$/;

export const coverDir = (dataDir: string) => path.join(dataDir, 'uploads', 'posts');

/** The absolute path of a stored cover, or undefined for any name this module did not generate. */
export function coverPath(dataDir: string, file: string): string | undefined {
  return NAME.test(file) ? path.join(coverDir(dataDir), file) : undefined;
}

export interface Upload {
  buffer: Buffer;
  truncated: boolean;
}

export async function storeCover(dataDir: string, upload: Upload): Promise<Result<CoverImage>> {
  if (upload.truncated || upload.buffer.length > MAX_COVER_BYTES)
    return invalid('The image is larger than 5 MB. Choose a smaller one.', 'cover');
  let format: string | undefined;
  try {
    format = (await sharp(upload.buffer).metadata()).format;
  } catch {
    format = undefined;
  }
  if (!format || !(format in FORMATS))
    return invalid('Choose a JPEG, PNG or WebP image. Other file types are not accepted.', 'cover');
  const ext = FORMATS[format as keyof typeof FORMATS];
  // rotate() applies the EXIF orientation before the metadata is dropped.
  const { data, info } = await sharp(upload.buffer)
    .rotate()
    .resize({ width: 1600, withoutEnlargement: true })
    .toFormat(format as keyof typeof FORMATS)
    .toBuffer({ resolveWithObject: true });
  const file = `${crypto.randomBytes(12).toString('hex')}.${ext}`;
  await fs.mkdir(coverDir(dataDir), { recursive: true });
  await fs.writeFile(path.join(coverDir(dataDir), file), data, { flag: 'wx' });
  return ok({ file, width: info.width, height: info.height });
}

export async function removeCover(dataDir: string, file: string | null | undefined): Promise<void> {
  const p = file ? coverPath(dataDir, file) : undefined;
  if (p) await fs.rm(p, { force: true });
}
