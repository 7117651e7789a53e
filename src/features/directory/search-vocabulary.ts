import type { Clock } from '../../core/clock.ts';
import type { PageCache } from '../../core/cache/page-cache.ts';
import { TaggedMemo } from '../../core/cache/tagged-memo.ts';
import { cacheTags } from '../../core/cache/tags.ts';
import type { Db } from '../../core/db/schema.ts';
import * as repo from './repo.ts';
import type { VocabularySource } from './search.ts';
import * as searchRepo from './search-repo.ts';

/*
 * The search page's vocabulary, kept in memory between changes: every search read the filter
 * terms and the synonyms of its words from the database, though they change only when an admin
 * edits the vocabulary (which invalidates the directory's pages, and with them this). The whole
 * synonym list is small (a few per term), so it is kept whole and looked up here.
 */
/** As long as a cached directory page lives: what a write outside the app leaves stale heals as soon. */
const MAX_AGE_MS = 60_000;

export function cachedVocabulary(db: Db, pageCache: PageCache, clock: Clock): VocabularySource {
  const memo = new TaggedMemo({
    pageCache,
    tag: cacheTags.resources,
    maxAgeMs: MAX_AGE_MS,
    now: () => clock.now().getTime(),
    load: async () => {
      const [terms, synonyms] = await Promise.all([repo.loadTerms(db), searchRepo.allSynonymTerms(db)]);
      const byWord = new Map<string, { word: string; name: string }[]>();
      for (const row of synonyms) byWord.set(row.word, [...(byWord.get(row.word) ?? []), row]);
      return { terms, byWord };
    },
  });
  return {
    terms: async () => (await memo.get()).terms,
    async synonyms(words) {
      const { byWord } = await memo.get();
      return [...new Set(words)].flatMap((w) => byWord.get(w) ?? []);
    },
  };
}
