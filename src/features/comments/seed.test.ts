import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { seedDemo } from '../../demo/seed.ts';

for (const dialect of DIALECTS) {
  describe(`demo comments (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    it('seeds an approved thread with a staff reply under a demo post, and one comment in the queue', async () => {
      await seedDemo(t.db, t.clock);
      const page = await t.inject('/posts/support-not-rescue');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Harbour Collective[\s\S]*class="comment-replies"[\s\S]*\(staff\)/);
      assert.doesNotMatch(page.body, /lanterns-network/, 'the pending one is not shown');
      const pending = await t.db.selectFrom('comments').select('id').where('status', '=', 'pending').execute();
      assert.equal(pending.length, 1);
    });
  });
}
