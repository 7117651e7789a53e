import { recordAudit } from '../../core/audit/index.ts';
import { can } from '../../core/auth/policy.ts';
import type { Clock } from '../../core/clock.ts';
import type { Db } from '../../core/db/schema.ts';
import { denied, invalidFields, notFound, ok, type FieldErrors, type Result } from '../../core/result.ts';
import { queryWords } from '../../core/search/words.ts';
import type { Curator } from './curation.ts';
import { msg } from './messages.ts';
import * as repo from './synonym-repo.ts';

/*
 * Synonyms of the directory's terms: the words readers type for them ("lawyer", « avocat » for
 * Legal). The search reads a query word found here as "this word or the term's name"; admins edit
 * them beside each term, one list per language, comma-separated. Each synonym is one word, as the
 * search splits a query into words.
 */
export const SYNONYM_LANGUAGES = ['en', 'fr'] as const;
export type SynonymLanguage = (typeof SYNONYM_LANGUAGES)[number];
export const MAX_SYNONYMS = 40;
const MAX_WORD = 40;

/** Every term's synonyms: term id → language → words. */
export async function synonymsByTerm(db: Db): Promise<Map<string, Record<SynonymLanguage, string[]>>> {
  const out = new Map<string, Record<SynonymLanguage, string[]>>();
  for (const row of await repo.allSynonyms(db)) {
    const entry = out.get(row.term_id) ?? { en: [], fr: [] };
    if (row.language === 'en' || row.language === 'fr') entry[row.language].push(row.word);
    out.set(row.term_id, entry);
  }
  return out;
}

/** A curator's list ("lawyer, Solicitor") as the words the search compares: each one word, lower-case, once. */
function parseList(text: string): { words: string[]; bad: string | null } {
  const words: string[] = [];
  for (const raw of text.split(/[,\n;]/)) {
    const item = raw.trim().toLowerCase();
    if (!item) continue;
    const split = queryWords(item);
    if (split.length !== 1 || split[0] !== item || item.length > MAX_WORD)
      return { words, bad: raw.trim().slice(0, 40) };
    if (!words.includes(item)) words.push(item);
  }
  return { words, bad: null };
}

export async function setSynonyms(
  db: Db,
  clock: Clock,
  actor: Curator,
  termId: string,
  input: Partial<Record<SynonymLanguage, string>>,
): Promise<Result<null>> {
  if (!can(actor, 'taxonomy.manage')) return denied();
  const fields: FieldErrors = {};
  const lists = {} as Record<SynonymLanguage, string[]>;
  for (const language of SYNONYM_LANGUAGES) {
    const { words, bad } = parseList(input[language] ?? '');
    if (bad !== null) fields[language] = msg('synonymWord', { word: bad });
    else if (words.length > MAX_SYNONYMS) fields[language] = msg('synonymCount', { max: MAX_SYNONYMS });
    lists[language] = words;
  }
  if (Object.keys(fields).length) return invalidFields(fields);
  return db.transaction().execute(async (tx) => {
    if (!(await repo.termExists(tx, termId))) return notFound();
    for (const language of SYNONYM_LANGUAGES) await repo.replaceSynonyms(tx, termId, language, lists[language]);
    const detail = SYNONYM_LANGUAGES.map((l) => `${l}: ${lists[l].length}`).join(', ');
    await recordAudit(tx, clock, { actorId: actor.id, action: 'taxonomy.synonyms', subject: `term:${termId}`, detail });
    return ok(null);
  });
}
