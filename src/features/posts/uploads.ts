import crypto from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import type { Executor } from '../../core/db/schema.ts';
import { MEDIA_TYPES, putMedia, removeMedia } from '../../core/media/index.ts';
import { invalid, ok, type Result } from '../../core/result.ts';
import { msg } from './messages.ts';

/*
 * Cover images: the type is read from the bytes (never from the name or the declared type),
 * the image is re-encoded, which drops EXIF/XMP/IPTC (GPS position, camera serial), and it is
 * stored (in the database, core/media) under a generated name: nothing the uploader chose is used.
 */
export const MAX_COVER_BYTES = 5 * 1024 * 1024;
const FORMATS = { jpeg: 'jpg', png: 'png', webp: 'webp' } as const;
const NAME = /^[a-f0-9]{24}\.(jpg|png|webp)$/;
const isFormat = (f: string | undefined): f is keyof typeof FORMATS => f !== undefined && Object.hasOwn(FORMATS, f);

/** The stored name of a cover (served at /media/<name>), or undefined for any name this module did not generate. */
export function coverMediaName(file: string): string | undefined {
  return NAME.test(file) ? `posts/${file}` : undefined;
}

/** A stored cover: its generated file name and its size after re-encoding. */
export interface CoverImage {
  file: string;
  width: number;
  height: number;
}

/**
 * A file from the editor's cover field, as the multipart parser's onFile hands it over. A class, so
 * nothing but that parser can make one: a text field or a JSON body named "cover" is not an upload.
 */
export class CoverUpload {
  constructor(
    readonly buffer: Buffer,
    /** The file went over MAX_COVER_BYTES and was cut off. */
    readonly truncated: boolean,
  ) {}

  /** A file input left empty still sends a part, with no bytes. */
  get isEmpty(): boolean {
    return this.buffer.length === 0 && !this.truncated;
  }
}

/**
 * Stores a cover or an image in a post's text (./inline-images.ts): one pipeline for both.
 * `field` is the form field a refusal is shown beside.
 */
export async function storeCover(
  db: Executor,
  clock: Clock,
  upload: CoverUpload,
  field = 'cover',
): Promise<Result<CoverImage>> {
  if (upload.truncated || upload.buffer.length > MAX_COVER_BYTES) return invalid(msg('coverTooLarge'), field);
  // Loaded on the first upload: libvips is large and most processes never see an image.
  const { default: sharp } = await import('sharp');
  let format: string | undefined;
  try {
    format = (await sharp(upload.buffer).metadata()).format;
  } catch {
    format = undefined;
  }
  if (!isFormat(format)) return invalid(msg('coverType'), field);
  const ext = FORMATS[format];
  // rotate() applies the EXIF orientation before the metadata is dropped.
  const { data, info } = await sharp(upload.buffer)
    .rotate()
    .resize({ width: 1600, withoutEnlargement: true })
    .toFormat(format)
    .toBuffer({ resolveWithObject: true });
  const file = `${crypto.randomBytes(12).toString('hex')}.${ext}`;
  await putMedia(db, clock, `posts/${file}`, MEDIA_TYPES[ext]!, data);
  return ok({ file, width: info.width, height: info.height });
}

export async function removeCover(db: Executor, file: string | null | undefined): Promise<void> {
  const name = file ? coverMediaName(file) : undefined;
  if (name) await removeMedia(db, name);
}
