/*
 * Full-text query words, shared by post search and the directory: what a reader typed becomes
 * at most 12 lower-cased words of letters and digits (any script), and those words become a
 * query each engine takes safely — never the reader's text as query syntax.
 */
export const MAX_QUERY_WORDS = 12;

/** The words of a query: letters and digits in any script, lower-cased, at most 12. */
export function queryWords(q: string): string[] {
  return (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_QUERY_WORDS);
}

/** An SQLite FTS5 MATCH expression: every word quoted (so AND, NEAR, * or ^ are plain words), all required. */
export function fts5Match(words: string[]): string {
  return words.map((w) => `"${w.replace(/"/g, '')}"`).join(' ');
}

/** The text for PostgreSQL's `plainto_tsquery`: the words joined by spaces (operators are not parsed). */
export function tsqueryText(words: string[]): string {
  return words.join(' ');
}
