import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fts5Match, queryWords } from './words.ts';

describe('full-text query words', () => {
  it('keeps letters and digits of any script, lower-cased, at most 12 words', () => {
    assert.deepEqual(queryWords('Legal AID, near Łódź — 24h Κέντρο'), [
      'legal',
      'aid',
      'near',
      'łódź',
      '24h',
      'κέντρο',
    ]);
    assert.equal(queryWords('a '.repeat(40)).length, 12);
    assert.deepEqual(queryWords('"" AND OR * ^ NEAR('), ['and', 'or', 'near']);
  });

  it('quotes every word for FTS5, so no reader text is query syntax', () => {
    fc.assert(
      fc.property(fc.string(), (q) => {
        const match = fts5Match(queryWords(q));
        // Only quoted words separated by single spaces: no operator, bracket or stray quote survives.
        assert.match(match, /^(|"[^"\s]+"( "[^"\s]+")*)$/u);
      }),
    );
  });
});
