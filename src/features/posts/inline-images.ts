import type { Clock } from '../../core/clock.ts';
import type { Executor } from '../../core/db/schema.ts';
import { invalidFields, ok, type FieldErrors, type Result } from '../../core/result.ts';
import { mediaStoredBefore, removeMedia } from '../../core/media/index.ts';
import { isCleanText } from '../../core/text/gate.ts';
import { msg } from './messages.ts';
import { postImageInUse } from './repo.ts';
import { coverMediaName, storeCover, type CoverUpload } from './uploads.ts';

/*
 * Images in a post's text. They go through the cover pipeline (./uploads.ts: type read from the
 * bytes, re-encoded, metadata dropped, size limit, generated name), and only with a description:
 * an image readers cannot all see is refused before anything is stored.
 */
export const IMAGE_ALT_MAX = 300;

export interface InlineImage {
  url: string;
  /** The line to put in the text: `![description](/media/posts/….jpg)`. */
  markdown: string;
}

/** Backslash before every ASCII punctuation mark: the description stays text, never Markdown. */
export const escapeAlt = (alt: string) => alt.replace(/[!-/:-@[-`{-~]/g, '\\$&');

function checkAlt(raw: string): { alt: string } | { field: FieldErrors } {
  const alt = raw.trim();
  if (!alt) return { field: { image_alt: msg('imageAltRequired') } };
  if (!isCleanText(alt, false) || alt.includes('\uFFFD')) return { field: { image_alt: msg('imageAltPlain') } };
  if ([...alt].length > IMAGE_ALT_MAX) return { field: { image_alt: msg('imageAltTooLong', { max: IMAGE_ALT_MAX }) } };
  return { alt };
}

/** Stores an image for a post's text; refused (nothing stored) without a file or a description. */
export async function addInlineImage(
  db: Executor,
  clock: Clock,
  upload: CoverUpload | undefined,
  rawAlt: string,
): Promise<Result<InlineImage>> {
  const errors: FieldErrors = {};
  if (!upload || upload.isEmpty) errors.image = msg('imageMissing');
  const alt = checkAlt(rawAlt);
  if ('field' in alt) Object.assign(errors, alt.field);
  if (Object.keys(errors).length || !upload || 'field' in alt) return invalidFields(errors);
  const stored = await storeCover(db, clock, upload, 'image');
  if (!stored.ok) return stored;
  const url = `/media/posts/${stored.value.file}`;
  return ok({ url, markdown: `![${escapeAlt(alt.alt)}](${url})` });
}

/** Stored images a text shows, by their generated names. */
export function imagesIn(text: string): string[] {
  return [...text.matchAll(/\/media\/posts\/([a-f0-9]{24}\.(?:jpg|png|webp))/g)].map((m) => m[1]!);
}

/**
 * After a post is deleted: removes the images its texts showed that no other post, revision, cover
 * or lesson still shows (repo.postImageInUse), so a deleted post's pictures stop being served.
 */
export async function removeImagesLeftBy(db: Executor, texts: string[]): Promise<void> {
  for (const file of new Set(texts.flatMap(imagesIn))) {
    const name = coverMediaName(file);
    if (name && !(await postImageInUse(db, file))) await removeMedia(db, name);
  }
}

/** How long an uploaded image may wait for the post it was made for (an editor's unsaved work). */
export const UNUSED_IMAGE_GRACE_MS = 7 * 24 * 3600_000;

/** Removes post images uploaded over a week ago that nothing shows (a post never saved); how many. */
export async function purgeUnusedImages(db: Executor, clock: Clock): Promise<number> {
  const before = new Date(clock.now().getTime() - UNUSED_IMAGE_GRACE_MS).toISOString();
  let removed = 0;
  for (const name of await mediaStoredBefore(db, 'posts/', before)) {
    if (await postImageInUse(db, name.slice('posts/'.length))) continue;
    await removeMedia(db, name);
    removed++;
  }
  return removed;
}
