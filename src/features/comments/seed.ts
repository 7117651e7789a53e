import type { SeedContext } from '../../core/seed.ts';
import { fingerprintHash } from '../../core/antispam/index.ts';
import { findPublishedPostBySlug } from '../posts/service.ts';
import * as repo from './repo.ts';

/*
 * Demo comments, written for Alongside: readers sharing resources under the demo posts. Every
 * organisation named is fictional and marked (demo); links go to example.org or .invalid.
 * One comment waits in the queue so moderators see how it works.
 */
const THREADS: {
  slug: string;
  comments: {
    name: string;
    body: string;
    status: 'approved' | 'pending';
    staff?: boolean;
    replies?: { name: string; body: string; staff?: boolean }[];
  }[];
}[] = [
  {
    slug: 'support-not-rescue',
    comments: [
      {
        name: 'Marigold',
        body: 'The (demo) Harbour Collective runs a peer-led drop-in on Tuesday evenings — no ID asked, and nobody tells you what to do. Details at https://harbour-collective.example.org/drop-in',
        status: 'approved',
        replies: [
          { name: '', body: 'Seconding this. They also helped me read a tenancy letter without judging me.' },
          {
            name: 'Rosa',
            body: 'Thank you both — we have added the (demo) Harbour Collective to our directory suggestions for checking.',
            staff: true,
          },
        ],
      },
      {
        name: '',
        body: 'For legal questions, the (demo) Open Door Law Clinic answers by text, and *you can stay anonymous*: https://opendoor-law.example.org/',
        status: 'approved',
      },
      {
        name: 'K.',
        body: 'Is there anything like this for people who do not speak English well? A (demo) group I know: https://lanterns-network.example.org/languages',
        status: 'pending',
      },
    ],
  },
];

export async function seedComments({ db, clock, authors }: SeedContext): Promise<void> {
  let at = clock.now().getTime() - 3 * 24 * 60 * 60_000;
  const next = () => new Date((at += 47 * 60_000)).toISOString();
  for (const thread of THREADS) {
    const post = await findPublishedPostBySlug(db, thread.slug, clock.now());
    if (!post) continue;
    const insert = async (
      c: { name: string; body: string; staff?: boolean },
      status: 'approved' | 'pending',
      parentId: number | null,
    ) => {
      const now = next();
      return repo.insertComment(db, {
        post_id: post.id,
        parent_id: parentId,
        display_name: c.name,
        body_md: c.body,
        status,
        is_staff: c.staff ? 1 : 0,
        staff_user_id: c.staff ? authors.editorId : null,
        challenge_passed: 1,
        token_hash: null,
        fingerprint: fingerprintHash(c.body),
        legacy_id: null,
        created_at: now,
        updated_at: now,
        editable_until: null,
        status_changed_at: now,
        moderated_by: null,
        edit_count: 0,
      });
    };
    for (const c of thread.comments) {
      const id = await insert(c, c.status, null);
      for (const r of c.replies ?? []) await insert(r, 'approved', id);
    }
  }
}
