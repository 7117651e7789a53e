import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { ManualClock } from '../clock.ts';
import { databaseGuardStore } from '../guards/store.ts';
import { defineMessages, translate } from '../i18n/index.ts';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../../../test/support/app.ts';
import {
  cleanText,
  countLinks,
  createDuplicateDetector,
  createPrivateToken,
  createProofOfWork,
  createRateLimiter,
  findBlockedWord,
  hashPrivateToken,
  isHoneypotTripped,
  isWellFormedToken,
  loadBlockedWords,
  saveBlockedWords,
} from './index.ts';

const { msg } = defineMessages('antispamTest', {
  en: { textLabelForTests: 'Comment' },
  fr: { textLabelForTests: 'Commentaire' },
});

/** Solves a challenge the way the widget does and returns the form field value. */
export async function solvePayload(
  challenge: Awaited<ReturnType<ReturnType<typeof createProofOfWork>['issue']>>,
): Promise<string> {
  const solution = await solveChallenge({ challenge, deriveKey });
  assert.ok(solution);
  return Buffer.from(
    JSON.stringify({ challenge: { parameters: challenge.parameters, signature: challenge.signature }, solution }),
  ).toString('base64');
}

describe('text cleaning', () => {
  const rules = { field: 'body', label: msg('textLabelForTests'), maxLength: 10, minLength: 1, multiline: true };
  it('refuses invalid UTF-8, lone surrogates and control characters', () => {
    assert.equal(cleanText('a\uFFFDb', rules).ok, false);
    assert.equal(cleanText('a\uD800b', rules).ok, false);
    assert.equal(cleanText('a\u0007b', rules).ok, false);
    assert.equal(cleanText('a\u202Eb', rules).ok, false);
  });
  it('keeps line breaks and tabs, normalises to NFC and trims', () => {
    const r = cleanText('  e\u0301\r\nb\t ', rules);
    assert.deepEqual(r, { ok: true, value: 'é\nb' });
  });
  it('refuses empty and over-long text with a message naming the field', () => {
    const empty = cleanText('   ', rules);
    assert.ok(!empty.ok && empty.kind === 'invalid' && empty.fields?.body);
    assert.equal(translate('en', empty.message), 'Fill in “Comment”.');
    assert.equal(translate('fr', empty.message), 'Remplissez « Commentaire ».');
    const long = cleanText('x'.repeat(11), rules);
    assert.ok(!long.ok);
    assert.equal(translate('en', long.message), 'Comment must be 10 characters or fewer (it has 11).');
    assert.equal(cleanText(['a'], rules).ok, false);
  });
  it('counts links', () => {
    assert.equal(countLinks('see https://a.example and [b](http://b.example/x) or www.c.example'), 3);
  });
});

describe('honeypot, tokens, limits, duplicates, blocked words', () => {
  it('detects a filled honeypot', () => {
    assert.equal(isHoneypotTripped({ website: '' }), false);
    assert.equal(isHoneypotTripped({}), false);
    assert.equal(isHoneypotTripped({ website: 'http://spam' }), true);
  });
  it('makes long random private tokens and stores only their SHA-256', () => {
    const { token, hash } = createPrivateToken();
    assert.ok(isWellFormedToken(token));
    assert.equal(hash, hashPrivateToken(token));
    assert.notEqual(hash, token);
    assert.equal(isWellFormedToken('short'), false);
  });
  it('catches the same text twice, ignoring case and spacing', () => {
    const clock = new ManualClock();
    const d = createDuplicateDetector({ clock, windowMs: 60_000 });
    assert.equal(d.seen('post:1', 'Hello  World!'), false);
    assert.equal(d.seen('post:1', 'hello world'), true);
    assert.equal(d.seen('post:2', 'hello world'), false);
    clock.advance(61_000);
    assert.equal(d.seen('post:1', 'hello world'), false);
  });
  it('matches blocked words on word boundaries, ignoring case and accents', () => {
    assert.equal(findBlockedWord(['A classic'], ['ass']), undefined);
    assert.equal(findBlockedWord(['Buy CHEAP pills'], ['cheap pills']), 'cheap pills');
    assert.equal(findBlockedWord(['café'], ['cafe']), 'cafe');
  });
});

for (const dialect of DIALECTS) {
  describe(`proof of work and settings (${dialect})`, () => {
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase(dialect);
    });
    after(() => database.destroy());

    it('stores the blocked-words list in settings', async () => {
      await saveBlockedWords(database.db, ['Spam word', 'spam word', ' other ']);
      assert.deepEqual(await loadBlockedWords(database.db), ['Spam word', 'other']);
    });

    it('limits per key within a window and forgets after it', async () => {
      const clock = new ManualClock();
      const store = databaseGuardStore(database.db, dialect, clock);
      const limiter = createRateLimiter({ store, name: 'unit', max: 2, windowMs: 60_000 });
      assert.deepEqual(
        [await limiter.hit('a'), await limiter.hit('a'), await limiter.hit('a'), await limiter.hit('b')],
        [true, true, false, true],
      );
      clock.advance(60_000);
      assert.equal(await limiter.hit('a'), true);
    });

    it('verifies a solved challenge once and refuses a replay, a tampered and an expired one', async () => {
      const clock = new ManualClock();
      const guards = databaseGuardStore(database.db, dialect, clock);
      const pow = createProofOfWork({ secret: 's3cret', clock, db: database.db, guards, maxCounter: 200 });
      const payload = await solvePayload(await pow.issue());
      assert.equal(await pow.verify(payload), 'verified');
      assert.equal(await pow.verify(payload), 'replayed');
      assert.equal(await pow.verify(''), 'missing');
      assert.equal(await pow.verify('not base64 json'), 'invalid');
      const decoded = JSON.parse(Buffer.from(await solvePayload(await pow.issue()), 'base64').toString());
      decoded.solution.derivedKey = decoded.solution.derivedKey.replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
      assert.equal(await pow.verify(Buffer.from(JSON.stringify(decoded)).toString('base64')), 'invalid');
      const late = await solvePayload(await pow.issue());
      clock.advance(21 * 60_000);
      assert.equal(await pow.verify(late), 'expired');
      const other = createProofOfWork({ secret: 'other', clock, db: database.db, guards, maxCounter: 200 });
      assert.equal(await other.verify(await solvePayload(await pow.issue())), 'invalid');
    });
  });
}
