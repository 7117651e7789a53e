/*
 * The long post two benchmarks serve (bench/posts.ts, bench/scale.ts): about 1,500 words of Markdown
 * (headings, lists, links, quotes) with 100 approved comments, saved through the publishing service.
 */
import { systemClock } from '../src/core/clock.ts';
import type { Db } from '../src/core/db/schema.ts';
import * as posts from '../src/features/posts/service.ts';

const WORDS =
  'support outreach rights safety peer led harm reduction services housing health legal advice community trust listen offer choice dignity work'.split(
    ' ',
  );
const paragraph = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => WORDS[(i * 7 + seed) % WORDS.length]).join(' ') + '.';

/** The post's Markdown and its word count. */
function longBody(): { body: string; words: number } {
  const sections: string[] = [];
  let words = 0;
  for (let s = 0; words < 1500; s++, words += 4 + 60 + 18 + 20 + 40)
    sections.push(
      `## Section ${s + 1}: ${WORDS[s % WORDS.length]}`,
      paragraph(60, s),
      `- ${paragraph(6, s + 1)}\n- ${paragraph(6, s + 2)}\n- [a resource](https://example.org/r/${s})`,
      `> ${paragraph(20, s + 3)}`,
      paragraph(40, s + 4),
    );
  return { body: sections.join('\n\n'), words };
}

/** Publishes the long post at /posts/<slug> with its 100 comments; its id and word count. */
export async function addLongPost(
  db: Db,
  staffId: number,
  post: { slug: string; title: string; tags: string; contentNote: string },
): Promise<{ id: number; words: number }> {
  const { body, words } = longBody();
  const saved = await posts.savePost(
    db,
    systemClock,
    { id: staffId, role: 'admin' },
    undefined,
    {
      title: post.title,
      slug: post.slug,
      excerpt: 'Fifteen hundred words and a hundred comments.',
      body_md: body,
      content_note: post.contentNote,
      language: 'en',
      tags: post.tags,
      publish_at: '',
      translation_of: '',
      cover_alt: '',
    },
    'publish',
  );
  if (!saved.ok) throw new Error(`the post was not saved: ${JSON.stringify(saved)}`);
  const now = new Date().toISOString();
  await db
    .insertInto('comments')
    .values(
      Array.from({ length: 100 }, (_, i) => ({
        post_id: saved.value.id,
        parent_id: null,
        display_name: i % 3 ? `Reader ${i}` : '',
        body_md: `Comment ${i}: ${paragraph(30, i)} See [this guide](https://example.org/guide/${i}).`,
        status: 'approved' as const,
        is_staff: 0,
        staff_user_id: null,
        challenge_passed: 1,
        token_hash: null,
        fingerprint: `fp-${i}`,
        legacy_id: null,
        created_at: new Date(Date.now() - (100 - i) * 60_000).toISOString(),
        updated_at: now,
        editable_until: null,
        status_changed_at: now,
        moderated_by: null,
        edit_count: 0,
      })),
    )
    .execute();
  return { id: saved.value.id, words };
}
