import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { anonCsrf, easyChallenges, makePost, solvedAltcha } from '../../../test/support/comments.ts';
import { csrfFrom, loginAs, type StaffSession } from '../../../test/support/staff.ts';
import { UNVERIFIED_PER_HOUR } from '../../core/antispam/ceiling.ts';
import { createStaff } from '../../core/auth/service.ts';
import type { PledgeStatus } from '../../core/db/schema.ts';
import { writeSetting } from '../../core/settings/index.ts';
import { seedCampaigns } from './seed.ts';
import * as campaigns from './service.ts';

/*
 * Floods on the pledge board: pledges without the proof of work share the site-wide hourly ceiling
 * with comments, and the staff lists (the moderation queue and the board) are paged, so a flood
 * can be moderated to its end.
 */
const SLUG = '16-days-2026';
const PAGE = `/campaigns/${SLUG}`;

let addressCounter = 0;
const nextAddress = () => `10.66.${Math.floor(++addressCounter / 250)}.${addressCounter % 250}`;

async function sendPledge(t: TestApp, action: string, altcha?: string) {
  const page = await t.inject(PAGE);
  const body = new URLSearchParams({
    _csrf: csrfFrom(page.body),
    action,
    kind: 'learn',
    ...(altcha ? { altcha } : {}),
  });
  body.append('days', '2');
  return t.inject({
    method: 'POST',
    url: `${PAGE}/pledges`,
    payload: body.toString(),
    remoteAddress: nextAddress(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

async function sendComment(t: TestApp, slug: string, body: string) {
  return t.inject({
    method: 'POST',
    url: `/posts/${slug}/comments`,
    payload: new URLSearchParams({ _csrf: await anonCsrf(t, slug), body }).toString(),
    remoteAddress: nextAddress(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

for (const dialect of DIALECTS) {
  describe(`pledge floods (${dialect})`, () => {
    let t: TestApp;
    let moderator: StaffSession;
    let campaignId: number;
    before(async () => {
      t = await createTestApp(dialect);
      await easyChallenges(t.db);
      const editor = await createStaff(t.db, t.clock, { email: 'seed@staff.test', role: 'editor' });
      assert.ok(editor.ok);
      await seedCampaigns({
        db: t.db,
        clock: t.clock,
        authors: { adminId: editor.value.id, editorId: editor.value.id },
      });
      campaignId = (await campaigns.findCampaignBySlug(t.db, SLUG))!.id;
      moderator = await loginAs(t, 'moderator');
    });
    after(() => t.close());

    it('holds pledges without the anti-spam check under the ceiling they share with comments', async () => {
      await writeSetting(t.db, UNVERIFIED_PER_HOUR, 2);
      t.app.unverifiedCeiling.settingChanged();
      const post = await makePost(t.db);
      assert.equal((await sendComment(t, post.slug, 'A comment without JavaScript')).statusCode, 201);
      assert.equal((await sendPledge(t, 'I will learn about the campaign without JavaScript')).statusCode, 201);

      const refused = await sendPledge(t, 'A third message without the check this hour');
      assert.equal(refused.statusCode, 429);
      assert.match(refused.body, /Too many messages arrived without the anti-spam check in the last hour\./);
      assert.match(refused.body, /<textarea[^>]*name="action"[^>]*>A third message without the check this hour</);
      assert.equal((await sendComment(t, post.slug, 'And a comment')).statusCode, 429, 'comments are held too');

      const checked = await sendPledge(t, 'I will learn, with JavaScript on', await solvedAltcha(t));
      assert.equal(checked.statusCode, 201, 'a pledge with the proof of work solved is not held');
      const stored = await t.db.selectFrom('campaign_pledges').select('action').execute();
      assert.ok(!stored.some((p) => p.action.startsWith('A third message')));

      t.clock.advance(61 * 60_000);
      assert.equal((await sendPledge(t, 'I will learn, an hour later, without JavaScript')).statusCode, 201);
      await writeSetting(t.db, UNVERIFIED_PER_HOUR, UNVERIFIED_PER_HOUR.defaultValue);
      t.app.unverifiedCeiling.settingChanged();
    });

    it('pages the moderation queue and the board, 50 a page each, so every pledge can be reached', async () => {
      const insert = async (status: PledgeStatus, i: number) => {
        const now = t.clock.now().toISOString();
        await t.db
          .insertInto('campaign_pledges')
          .values({
            campaign_id: campaignId,
            action: `Flood pledge ${status} ${i}`,
            days: ',2,',
            kind: 'learn',
            display_name: '',
            place: '',
            link: '',
            fingerprint: `fp-${status}-${i}`,
            status,
            is_featured: 0,
            me_too_count: 0,
            token_hash: `token-${status}-${i}`,
            created_at: now,
            updated_at: now,
            moderated_by: null,
            moderated_at: null,
          })
          .execute();
      };
      for (let i = 0; i < 230; i++) await insert('pending', i);
      for (let i = 0; i < 60; i++) await insert('approved', i);
      const idsWith = async (status: PledgeStatus) =>
        (
          await t.db
            .selectFrom('campaign_pledges')
            .select('id')
            .where('campaign_id', '=', campaignId)
            .where('status', '=', status)
            .execute()
        )
          .map((r) => r.id)
          .sort((a, b) => a - b);
      const pending = await idsWith('pending');
      const approved = await idsWith('approved');
      assert.ok(pending.length > 200, 'more than the old fixed list of 200');

      const seenQueue = new Set<number>();
      const seenBoard = new Set<number>();
      const pages = Math.max(Math.ceil(pending.length / 50), Math.ceil(approved.length / 50));
      for (let page = 1; page <= pages; page++) {
        const url = `/admin/campaigns/${campaignId}/pledges?page=${page}&board=${page}`;
        const res = await t.inject({ url, headers: { cookie: moderator.cookie } });
        assert.equal(res.statusCode, 200);
        assert.match(res.body, new RegExp(`Waiting for moderation \\(${pending.length}\\)`));
        assert.match(res.body, new RegExp(`On the board \\(${approved.length}\\)`));
        const [queueHtml, boardHtml] = res.body.split('<h2 id="board">') as [string, string];
        const ids = (html: string) => [...html.matchAll(/id="pledge-(\d+)"/g)].map((m) => Number(m[1]));
        assert.ok(ids(queueHtml).length <= 50 && ids(boardHtml).length <= 50);
        for (const id of ids(queueHtml)) seenQueue.add(id);
        for (const id of ids(boardHtml)) seenBoard.add(id);
        if (page < Math.ceil(pending.length / 50))
          assert.ok(queueHtml.includes(`pledges?page=${page + 1}&amp;board=${page}#queue" rel="next"`));
      }
      assert.deepEqual(
        [...seenQueue].sort((a, b) => a - b),
        pending,
      );
      assert.deepEqual(
        [...seenBoard].sort((a, b) => a - b),
        approved,
      );
    });
  });
}
