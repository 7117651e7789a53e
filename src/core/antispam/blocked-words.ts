import type { Executor } from '../db/schema.ts';
import { listSetting, readSetting, writeSetting } from '../settings/index.ts';

/*
 * A list of words or phrases admins configure (stored in `settings`). A submission containing
 * one is refused with a neutral message. Matching ignores case and accents and respects word
 * boundaries, so "class" is not caught by "ass".
 */
export const BLOCKED_WORDS = listSetting('antispam.blocked_words');

const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

export function parseBlockedWords(text: string): string[] {
  const words = text
    .split(/[\n,]/)
    .map((w) => w.trim().replace(/\s+/g, ' '))
    .filter((w) => w.length > 0 && w.length <= 100);
  const seen = new Set<string>();
  return words.filter((w) => !seen.has(fold(w)) && !!seen.add(fold(w))).slice(0, 1000);
}

export async function loadBlockedWords(db: Executor): Promise<string[]> {
  return readSetting(db, BLOCKED_WORDS);
}

export async function saveBlockedWords(db: Executor, words: string[]): Promise<void> {
  await writeSetting(db, BLOCKED_WORDS, parseBlockedWords(words.join('\n')));
}

/** The first blocked word found in any of the texts, or undefined. */
export function findBlockedWord(texts: string[], words: string[]): string | undefined {
  if (words.length === 0) return undefined;
  const haystack = texts.map(fold).join('\n');
  for (const word of words) {
    const w = fold(word);
    if (!w) continue;
    const escaped = w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'u').test(haystack)) return word;
  }
  return undefined;
}
