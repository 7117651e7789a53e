import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { loginAs } from '../../../test/support/staff.ts';
import { submitSuggestion } from './service.ts';

for (const dialect of DIALECTS) {
  describe(`resource suggestions (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    it('queues a suggestion made from a comment link, with its domain', async () => {
      const r = await submitSuggestion(t.db, t.clock, {
        url: 'https://www.drop-in.example.org/hours',
        context: 'They helped me',
        source: 'comment',
        sourceCommentId: 7,
      });
      assert.ok(r.ok);
      const row = await t.db
        .selectFrom('resource_suggestions')
        .selectAll()
        .where('id', '=', r.value.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.domain, 'drop-in.example.org');
      assert.equal(row.status, 'pending');
      assert.equal(row.source_comment_id, 7);
      assert.equal(row.name, 'drop-in.example.org');
    });

    it('refuses a suggestion with neither name nor link, or a non-web link', async () => {
      const empty = await submitSuggestion(t.db, t.clock, { source: 'form' });
      assert.equal(empty.ok, false);
      const js = await submitSuggestion(t.db, t.clock, { name: 'X', url: 'javascript:alert(1)', source: 'form' });
      assert.equal(js.ok, false);
      assert.ok(!js.ok && js.kind === 'invalid' && 'fields' in js && js.fields?.url);
    });

    it("pages the suggestions waiting on the curators' home, 50 a page, so every one can be reached", async () => {
      const moderator = await loginAs(t, 'moderator');
      const waiting = await t.db
        .selectFrom('resource_suggestions')
        .select('id')
        .where('status', '=', 'pending')
        .execute();
      const expected = new Set(waiting.map((r) => r.id));
      for (let i = 0; i < 130; i++) {
        const r = await submitSuggestion(t.db, t.clock, { name: `Flooded drop-in ${i}`, source: 'form' });
        assert.ok(r.ok);
        expected.add(r.value.id);
      }
      const seen = new Set<number>();
      const pages = Math.ceil(expected.size / 50);
      for (let page = 1; page <= pages; page++) {
        const res = await t.inject({ url: `/admin/resources?page=${page}`, headers: { cookie: moderator.cookie } });
        assert.equal(res.statusCode, 200);
        assert.match(res.body, new RegExp(`Suggestions waiting \\(${expected.size}\\)`));
        const ids = [...res.body.matchAll(/href="\/admin\/resources\/suggestions\/(\d+)"/g)].map((m) => Number(m[1]));
        assert.equal(ids.length, page < pages ? 50 : expected.size - 50 * (pages - 1));
        for (const id of ids) seen.add(id);
        if (page < pages)
          assert.match(res.body, new RegExp(`href="/admin/resources\\?page=${page + 1}#sugg" rel="next"`));
      }
      assert.deepEqual(
        [...seen].sort((a, b) => a - b),
        [...expected].sort((a, b) => a - b),
      );
      const past = await t.inject({ url: `/admin/resources?page=${pages + 1}`, headers: { cookie: moderator.cookie } });
      assert.match(past.body, /No suggestions on this page\./);
      const hostile = await t.inject({ url: '/admin/resources?page=0', headers: { cookie: moderator.cookie } });
      assert.equal(hostile.statusCode, 400);
    });
  });
}
