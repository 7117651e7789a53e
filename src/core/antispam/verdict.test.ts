import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LOCALES, translate } from '../i18n/index.ts';
import { fieldErrorsOf } from '../result.ts';
import {
  HONEYPOT_FIELD,
  judgeSubmission,
  type ChallengeOutcome,
  type RefusalReason,
  type SpamRules,
  type SubmissionSignals,
  type Verdict,
} from './index.ts';

/* The one anti-spam verdict for comments and pledges: every branch, its order, and its words in both languages. */

const clean: SubmissionSignals = {
  withinRateLimit: true,
  form: { [HONEYPOT_FIELD]: '', body: 'Thank you for this guide.' },
  challenge: 'verified',
  texts: ['Sam', 'Thank you for this guide.'],
  duplicate: false,
};
const rules: SpamRules = { blockedWords: ['cheap pills', 'casino'] };
const judge = (over: Partial<SubmissionSignals>, r: SpamRules = rules) => judgeSubmission({ ...clean, ...over }, r);

/** Asserts a refusal and that its message reads as a sentence in English and in French. */
function assertRefused(verdict: Verdict, reason: RefusalReason, status: 400 | 429): { en: string; fr: string } {
  assert.ok(!verdict.ok, `expected a refusal (${reason})`);
  assert.equal(verdict.reason, reason);
  assert.equal(verdict.status, status);
  assert.equal(verdict.problem.kind, 'invalid');
  assert.match(verdict.problem.message.key, /^antispam\./);
  const [en, fr] = LOCALES.map((locale) => translate(locale, verdict.problem.message));
  for (const text of [en!, fr!]) {
    assert.ok(text.length > 20, text);
    assert.doesNotMatch(text, /[{}]/, 'no placeholder left');
    assert.doesNotMatch(text, /comment|pledge|engagement/i, 'one wording for every form');
  }
  assert.notEqual(fr, en, 'French is not the English fallback');
  return { en: en!, fr: fr! };
}

describe('anti-spam verdict: accepted submissions and their queue', () => {
  it('queues a submission with a solved proof of work as pending', () => {
    assert.deepEqual(judge({}), { ok: true, queue: 'pending' });
  });

  it('still accepts one without a proof of work (no JavaScript), in the stricter unverified queue', () => {
    assert.deepEqual(judge({ challenge: 'missing' }), { ok: true, queue: 'unverified' });
  });

  it('accepts an empty or absent honeypot, and no form at all', () => {
    assert.equal(judge({ form: { [HONEYPOT_FIELD]: '   ' } }).ok, true);
    assert.equal(judge({ form: {} }).ok, true);
    assert.equal(judge({ form: undefined }).ok, true);
    assert.equal(judge({ form: null }).ok, true);
  });

  it('matches blocked words as words, so innocent text that contains one passes', () => {
    assert.equal(judge({ texts: ['A classic'] }, { blockedWords: ['ass'] }).ok, true);
    assert.equal(judge({ texts: ['casino'] }, { blockedWords: [] }).ok, true);
    assert.equal(judge({ texts: [] }).ok, true);
  });

  it('is pure: the same signals give the same verdict, and nothing is changed', () => {
    const input = Object.freeze({ ...clean, texts: Object.freeze(['casino night']) });
    const first = judgeSubmission(input, Object.freeze({ ...rules }));
    assert.deepEqual(judgeSubmission(input, rules), first);
    assert.deepEqual(input.texts, ['casino night']);
  });
});

describe('anti-spam verdict: every refusal', () => {
  it('refuses a client over its rate limit with 429', () => {
    const words = assertRefused(judge({ withinRateLimit: false }), 'rateLimited', 429);
    assert.equal(
      words.en,
      'Too many forms were sent from your connection in a short time. Wait a few minutes, then send this one again.',
    );
    assert.match(words.fr, /^Trop de formulaires ont été envoyés/);
  });

  it('refuses a filled honeypot, whatever it holds', () => {
    for (const value of ['http://spam.example', ' x ', ['a'], 0]) {
      const words = assertRefused(judge({ form: { [HONEYPOT_FIELD]: value } }), 'honeypot', 400);
      assert.match(words.en, /hidden “website” field/);
      assert.match(words.fr, /champ caché « website »/);
    }
  });

  const challenges: [ChallengeOutcome, RefusalReason, RegExp, RegExp][] = [
    [
      'invalid',
      'challengeInvalid',
      /^The anti-spam check did not pass\./,
      /^La vérification anti-spam n’a pas abouti\./,
    ],
    ['expired', 'challengeExpired', /^The anti-spam check expired\. Send the form again\.$/, /a expiré/],
    ['replayed', 'challengeReplayed', /^This form was already sent once\./, /déjà été envoyé une fois/],
  ];
  for (const [outcome, reason, en, fr] of challenges) {
    it(`refuses a proof of work that is ${outcome}`, () => {
      const words = assertRefused(judge({ challenge: outcome }), reason, 400);
      assert.match(words.en, en);
      assert.match(words.fr, fr);
    });
  }

  it('refuses a challenge outcome it does not know rather than queueing it', () => {
    for (const odd of ['toString', 'VERIFIED', ''])
      assertRefused(judge({ challenge: odd as ChallengeOutcome }), 'challengeInvalid', 400);
  });

  it('refuses a blocked word in any of the texts, ignoring case and accents', () => {
    for (const texts of [['Buy CHEAP pills'], ['Sam', 'play at the Casino'], ['cheap pills']]) {
      const words = assertRefused(judge({ texts }, { blockedWords: ['cheap pills', 'casino'] }), 'blockedWord', 400);
      assert.match(words.en, /word or phrase this site does not publish/);
      assert.match(words.fr, /mot ou une expression que ce site ne publie pas/);
    }
    assertRefused(judge({ texts: ['café'] }, { blockedWords: ['cafe'] }), 'blockedWord', 400);
  });

  it('refuses a duplicate', () => {
    const words = assertRefused(judge({ duplicate: true }), 'duplicate', 400);
    assert.match(words.en, /already been sent here/);
    assert.match(words.fr, /déjà été envoyé ici/);
  });

  it('speaks every refusal in both languages, each in its own words', () => {
    const verdicts = [
      judge({ withinRateLimit: false }),
      judge({ form: { [HONEYPOT_FIELD]: 'x' } }),
      judge({ challenge: 'invalid' }),
      judge({ challenge: 'expired' }),
      judge({ challenge: 'replayed' }),
      judge({ texts: ['casino'] }),
      judge({ duplicate: true }),
    ];
    const reasons = verdicts.map((v) => (v.ok ? 'accepted' : v.reason));
    assert.equal(new Set(reasons).size, 7);
    for (const locale of LOCALES) {
      const texts = verdicts.map((v) => (v.ok ? '' : translate(locale, v.problem.message)));
      assert.equal(new Set(texts).size, 7, `${locale}: one sentence per reason`);
    }
  });
});

describe('anti-spam verdict: order and placement', () => {
  it('checks the rate limit, then the honeypot, the challenge, blocked words and duplicates, in that order', () => {
    const all: Partial<SubmissionSignals> = {
      withinRateLimit: false,
      form: { [HONEYPOT_FIELD]: 'x' },
      challenge: 'replayed',
      texts: ['casino'],
      duplicate: true,
    };
    const order: [keyof SubmissionSignals, unknown, RefusalReason][] = [
      ['withinRateLimit', true, 'rateLimited'],
      ['form', {}, 'honeypot'],
      ['challenge', 'missing', 'challengeReplayed'],
      ['texts', ['fine'], 'blockedWord'],
      ['duplicate', false, 'duplicate'],
    ];
    const signals = { ...all };
    for (const [key, fixed, expected] of order) {
      const verdict = judge(signals);
      assert.equal(verdict.ok ? 'accepted' : verdict.reason, expected);
      (signals as Record<string, unknown>)[key] = fixed;
    }
    assert.deepEqual(judge(signals), { ok: true, queue: 'unverified' });
  });

  it('shows form-level refusals for the whole form and text refusals beside the given fields', () => {
    const fields = { blockedWord: 'body', duplicate: 'action' };
    for (const over of [{ withinRateLimit: false }, { form: { website: 'x' } }, { challenge: 'expired' as const }]) {
      const v = judge(over, { ...rules, fields });
      assert.ok(!v.ok);
      assert.deepEqual(Object.keys(fieldErrorsOf(v.problem)), ['_form']);
    }
    const blocked = judge({ texts: ['casino'] }, { ...rules, fields });
    assert.ok(!blocked.ok);
    assert.deepEqual(fieldErrorsOf(blocked.problem), { body: blocked.problem.message });
    const duplicate = judge({ duplicate: true }, { ...rules, fields });
    assert.ok(!duplicate.ok);
    assert.deepEqual(fieldErrorsOf(duplicate.problem), { action: duplicate.problem.message });
    const unplaced = judge({ duplicate: true });
    assert.ok(!unplaced.ok);
    assert.deepEqual(fieldErrorsOf(unplaced.problem), { _form: unplaced.problem.message });
  });
});
