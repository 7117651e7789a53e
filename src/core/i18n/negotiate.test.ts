import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localeCacheKey, localeOfRequest, negotiateLocale } from './negotiate.ts';

describe('Accept-Language negotiation', () => {
  it('picks the highest-weighted language this site has', () => {
    assert.equal(negotiateLocale('fr-CA,fr;q=0.9,en;q=0.8'), 'fr');
    assert.equal(negotiateLocale('en-GB,en;q=0.9,fr;q=0.8'), 'en');
    assert.equal(negotiateLocale('de-DE,de;q=0.9,fr;q=0.5,en;q=0.4'), 'fr');
    // q-values, not order, decide; ties keep the order given.
    assert.equal(negotiateLocale('en;q=0.2, fr;q=0.7'), 'fr');
    assert.equal(negotiateLocale('fr, en'), 'fr');
    assert.equal(negotiateLocale('FR-be'), 'fr');
  });

  it('honours q=0 as "not this" and reads * as English', () => {
    assert.equal(negotiateLocale('fr;q=0, en;q=0.1'), 'en');
    assert.equal(negotiateLocale('fr;q=0'), undefined);
    assert.equal(negotiateLocale('de, *;q=0.1'), 'en');
  });

  it('gives no answer for nothing usable, and survives junk', () => {
    for (const junk of [undefined, '', 'de', ';;;,,,', 'fr;q=abc', 'fr;q=2', 'x'.repeat(5000), 'fr;q=-1'])
      assert.equal(negotiateLocale(junk), undefined, String(junk).slice(0, 20));
    assert.equal(negotiateLocale(['de', 'fr;q=0.5']), 'fr');
  });
});

describe('locale of a request and its cache key', () => {
  it('lets one ?lang= win over the header', () => {
    assert.equal(localeOfRequest('/x?lang=en', 'fr'), 'en');
    assert.equal(localeOfRequest('/x?lang=fr', 'en'), 'fr');
    assert.equal(localeOfRequest('/x?lang=de', 'fr'), 'fr');
    assert.equal(localeOfRequest('/x?lang=en&lang=fr', undefined), 'en');
  });

  it('keys an explicit language by its URL, anything else by the resolved header language', () => {
    assert.equal(localeCacheKey('/x?lang=fr', 'en'), '/x?lang=fr');
    assert.equal(localeCacheKey('/x', 'fr-CA,fr;q=0.9'), localeCacheKey('/x', 'fr'));
    assert.notEqual(localeCacheKey('/x', 'fr'), localeCacheKey('/x', 'en'));
    assert.notEqual(localeCacheKey('/x', 'fr'), localeCacheKey('/x', undefined));
    assert.notEqual(localeCacheKey('/x?lang=fr&lang=fr', 'en'), '/x?lang=fr&lang=fr');
  });
});
