import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
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
  });
}
