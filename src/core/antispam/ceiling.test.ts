import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../../../test/support/app.ts';
import { ManualClock } from '../clock.ts';
import { databaseGuardStore } from '../guards/store.ts';
import { LOCALES, translate } from '../i18n/index.ts';
import { writeSetting } from '../settings/index.ts';
import { UNVERIFIED_PER_HOUR, applyUnverifiedCeiling, createUnverifiedCeiling } from './ceiling.ts';
import { judgeSubmission, type SubmissionSignals } from './verdict.ts';

/* The site-wide ceiling on submissions without a proof of work: its window, its setting, and how it meets the verdict. */

const signals: SubmissionSignals = {
  withinRateLimit: true,
  form: {},
  challenge: 'missing',
  texts: ['A message sent without JavaScript'],
  duplicate: false,
};
const unverified = judgeSubmission(signals, { blockedWords: [] });
const verified = judgeSubmission({ ...signals, challenge: 'verified' }, { blockedWords: [] });

for (const dialect of DIALECTS) {
  describe(`unverified ceiling (${dialect})`, () => {
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase(dialect);
    });
    after(() => database.destroy());

    // The ceiling counts in the shared guard store: each test starts from an empty one.
    const fresh = async () => {
      await database.db.deleteFrom('guards').execute();
      const clock = new ManualClock(new Date('2026-11-25T12:00:30Z'));
      const guards = databaseGuardStore(database.db, dialect, clock);
      return { clock, ceiling: createUnverifiedCeiling({ db: database.db, clock, guards }) };
    };
    const admitMany = async (ceiling: Awaited<ReturnType<typeof fresh>>['ceiling'], n: number) => {
      let admitted = 0;
      for (let i = 0; i < n; i++) if (await ceiling.admit()) admitted++;
      return admitted;
    };

    it('admits 60 an hour by default, counted over the last hour, not per clock hour', async () => {
      const { clock, ceiling } = await fresh();
      assert.equal(await admitMany(ceiling, 30), 30);
      clock.advance(30 * 60_000);
      assert.equal(await admitMany(ceiling, 40), 30, 'the hour holds 60 in all');
      clock.advance(29 * 60_000);
      assert.equal(await ceiling.admit(), false, '59 minutes after the first, all places are still taken');
      clock.advance(60_000);
      assert.equal(await admitMany(ceiling, 40), 30, 'an hour after the first 30, their places are free');
      clock.advance(30 * 60_000);
      assert.equal(await admitMany(ceiling, 100), 30);
      clock.advance(2 * 60 * 60_000);
      assert.equal(await admitMany(ceiling, 100), 60, 'after a quiet spell the whole hour is free');
    });

    it('never lets concurrent submissions past the ceiling', async () => {
      const { ceiling } = await fresh();
      const answers = await Promise.all(Array.from({ length: 200 }, () => ceiling.admit()));
      assert.equal(answers.filter(Boolean).length, 60);
    });

    it('follows the setting: 0 admits none; a change is seen once the ceiling is told, or after 10 seconds', async () => {
      const { clock, ceiling } = await fresh();
      assert.equal(await admitMany(ceiling, 5), 5);
      await writeSetting(database.db, UNVERIFIED_PER_HOUR, 0);
      ceiling.settingChanged();
      assert.equal(await ceiling.admit(), false);
      await writeSetting(database.db, UNVERIFIED_PER_HOUR, 7);
      assert.equal(await ceiling.admit(), false, 'the kept value holds for a few seconds');
      clock.advance(11_000);
      assert.equal(await admitMany(ceiling, 10), 2, '7 an hour, 5 taken already');
      await writeSetting(database.db, UNVERIFIED_PER_HOUR, UNVERIFIED_PER_HOUR.defaultValue);
    });

    it('refuses an unverified submission over the ceiling with 429 and a friendly sentence in English and French', async () => {
      const { ceiling } = await fresh();
      for (let i = 0; i < 60; i++) assert.deepEqual(await applyUnverifiedCeiling(unverified, ceiling), unverified);
      const refused = await applyUnverifiedCeiling(unverified, ceiling);
      assert.ok(!refused.ok);
      assert.equal(refused.status, 429);
      assert.equal(refused.reason, 'unverifiedCeiling');
      const [en, fr] = LOCALES.map((locale) => translate(locale, refused.problem.message));
      assert.equal(
        en,
        'Too many messages arrived without the anti-spam check in the last hour. Try again later, or enable JavaScript.',
      );
      assert.match(fr!, /activez JavaScript/);
      assert.doesNotMatch(`${en} ${fr}`, /comment|pledge|engagement/i, 'one wording for every form');
    });

    it('never counts or refuses a verified submission, nor one the verdict already refused', async () => {
      const { ceiling } = await fresh();
      assert.equal(await admitMany(ceiling, 60), 60);
      assert.deepEqual(await applyUnverifiedCeiling(verified, ceiling), verified, 'verified passes a full ceiling');
      const honeypot = judgeSubmission({ ...signals, form: { website: 'x' } }, { blockedWords: [] });
      assert.deepEqual(await applyUnverifiedCeiling(honeypot, ceiling), honeypot, 'the first refusal is kept');

      const other = await fresh();
      for (let i = 0; i < 100; i++) await applyUnverifiedCeiling(verified, other.ceiling);
      assert.equal(await admitMany(other.ceiling, 100), 60, 'verified submissions took no place');
    });
  });
}
