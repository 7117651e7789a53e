import type { Executor } from '../../core/db/schema.ts';

/* The words readers use for each term (table taxonomy_term_synonyms), per language. */
export interface SynonymRow {
  term_id: string;
  language: string;
  word: string;
}

export function allSynonyms(db: Executor): Promise<SynonymRow[]> {
  return db
    .selectFrom('taxonomy_term_synonyms')
    .select(['term_id', 'language', 'word'])
    .orderBy('term_id')
    .orderBy('language')
    .orderBy('word')
    .execute();
}

/** Replaces one term's synonyms in one language. */
export async function replaceSynonyms(db: Executor, termId: string, language: string, words: string[]) {
  await db
    .deleteFrom('taxonomy_term_synonyms')
    .where('term_id', '=', termId)
    .where('language', '=', language)
    .execute();
  if (words.length)
    await db
      .insertInto('taxonomy_term_synonyms')
      .values(words.map((word) => ({ term_id: termId, language, word })))
      .execute();
}

export async function termExists(db: Executor, termId: string): Promise<boolean> {
  return !!(await db.selectFrom('taxonomy_term').select('id').where('id', '=', termId).executeTakeFirst());
}
