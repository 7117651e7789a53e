import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { csrfFrom, loginAs, type StaffSession } from '../../../test/support/staff.ts';
import { createStaff } from '../../core/auth/service.ts';
import { seedCampaigns } from './seed.ts';
import * as campaigns from './service.ts';

/*
 * Hostile values on every route of the feature (routes.tsx and admin-routes.tsx): wrong types,
 * numbers beyond 2^31 or negative, arrays where one value is expected, over-long strings, bytes
 * that are not UTF-8, NUL and bidi controls. Each gets the 400 page — never a 500, never a stack
 * trace — and the database is left exactly as it was.
 */
const SLUG = '16-days-2026';
const PAGE = `/campaigns/${SLUG}`;
const BIG = '99999999999';
const BAD_NUMBERS = ['abc', '-1', '0', BIG, '1.5'];
/** Longer than a path segment may be (the router's limit is 100 characters). */
const LONG_SLUG = 'a'.repeat(101);
const BIDI = '\u202E';

type Fields = Record<string, string | string[]>;

interface Case {
  method: 'GET' | 'POST';
  url: string;
  /** Form fields (urlencoded, CSRF added) or raw bytes after the CSRF field. */
  body?: Fields | Buffer;
  staff?: boolean;
  /**
   * Refused by Fastify's router before any hook or route runs (a path segment over 100 characters:
   * 414; bytes in the path that are not UTF-8: 400), answered with the site's 400 page (frameworkErrors).
   */
  router?: 400 | 414;
}

/** `name=` followed by bytes that are not UTF-8. */
const badBytes = (name: string) => Buffer.concat([Buffer.from(`${name}=`), Buffer.from([0x62, 0xff])]);

let ip = 0;
const nextIp = () => `10.99.${Math.floor(++ip / 250)}.${ip % 250}`;

for (const dialect of DIALECTS) {
  describe(`campaigns: hostile params, queries and bodies (${dialect})`, () => {
    let t: TestApp;
    let admin: StaffSession;
    let anonCsrf: string;
    let campaignId: number;
    let eventId: number;
    let pledgeId: number;
    let token: string;

    before(async () => {
      t = await createTestApp(dialect);
      const editor = await createStaff(t.db, t.clock, {
        email: 'hostile-seed@staff.test',
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
      eventId = (await campaigns.listEvents(t.db, campaignId))[0]!.id;
      const sent = await campaigns.submitPledge(
        t.db,
        t.clock,
        SLUG,
        { action: 'A pledge for the hostile checks', days: ['1'], kind: 'learn' },
        { withinRateLimit: true, form: {}, challenge: 'verified' },
        t.app.unverifiedCeiling,
      );
      assert.ok(sent.ok);
      pledgeId = sent.value.pledgeId;
      token = sent.value.token;
      admin = await loginAs(t, 'admin');
      anonCsrf = csrfFrom((await t.inject(PAGE)).body);
    });
    after(() => t.close());

    /** Everything the feature writes, plus the audit log. */
    async function snapshot() {
      const rows = await Promise.all([
        t.db.selectFrom('campaigns').selectAll().orderBy('id').execute(),
        t.db.selectFrom('campaign_days').selectAll().orderBy('campaign_id').orderBy('day_number').execute(),
        t.db.selectFrom('campaign_events').selectAll().orderBy('id').execute(),
        t.db.selectFrom('campaign_pledges').selectAll().orderBy('id').execute(),
        t.db.selectFrom('audit_log').selectAll().orderBy('id').execute(),
      ]);
      return JSON.stringify(rows);
    }

    async function send(c: Case) {
      const headers: Record<string, string> = {};
      if (c.staff) headers.cookie = admin.cookie;
      if (c.method === 'GET') return t.inject({ method: 'GET', url: c.url, headers, remoteAddress: nextIp() });
      headers['content-type'] = 'application/x-www-form-urlencoded';
      const csrf = `_csrf=${encodeURIComponent(c.staff ? admin.csrf : anonCsrf)}`;
      let payload: string | Buffer;
      if (Buffer.isBuffer(c.body)) payload = Buffer.concat([Buffer.from(`${csrf}&`), c.body]);
      else {
        const body = new URLSearchParams(csrf);
        for (const [k, v] of Object.entries(c.body ?? {}))
          for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
        payload = body.toString();
      }
      return t.inject({ method: 'POST', url: c.url, headers, payload, remoteAddress: nextIp() });
    }

    async function assertRefused(cases: Case[]) {
      const before = await snapshot();
      for (const c of cases) {
        const res = await send(c);
        const what = `${c.method} ${c.url.slice(0, 120)} ${Buffer.isBuffer(c.body) ? '(bytes)' : JSON.stringify(c.body ?? {}).slice(0, 120)}`;
        assert.equal(res.statusCode, c.router ?? 400, `${what} → ${res.statusCode}`);
        assert.match(String(res.headers['content-type']), /^text\/html/, what);
        assert.match(res.body, /Something in that request was not right/, what);
        assert.doesNotMatch(res.body, /\.tsx?:\d+|\bat \w+ \(|Error:/, `${what}: no stack trace`);
      }
      assert.equal(await snapshot(), before, 'nothing changed in the database');
    }

    /** A valid pledge form, to which one hostile field is added or swapped. */
    const pledge = {
      action: 'Writing to my representative this week',
      days: ['1', '2'],
      kind: 'contact-representative',
    };
    const pledgeBodies: Case['body'][] = [
      { ...pledge, action: ['one', 'two'] },
      { ...pledge, action: 'x'.repeat(5001) },
      { ...pledge, kind: ['learn', 'give'] },
      { ...pledge, days: Array.from({ length: 401 }, () => '1') },
      { ...pledge, days: ['1'.repeat(11)] },
      { ...pledge, display_name: ['a', 'b'] },
      { ...pledge, place: 'p'.repeat(1001) },
      { ...pledge, link: ['https://example.org/a', 'https://example.org/b'] },
      { ...pledge, altcha: ['a', 'b'] },
      { ...pledge, website: 'w'.repeat(1001) },
      { ...pledge, action: 'NUL \u0000 inside' },
      { ...pledge, display_name: `bidi ${BIDI} name` },
      badBytes('action'),
    ];

    it('GET /campaigns and GET /campaigns/:slug refuse bad filters, pages and slugs', async () => {
      await assertRefused([
        ...['%FF', '%00', '%E2%80%AE'].map((v): Case => ({ method: 'GET', url: `/campaigns?x=${v}` })),
        ...[...BAD_NUMBERS.filter((n) => n !== '0'), '400'].map((n): Case => ({
          method: 'GET',
          url: `${PAGE}?day=${n}`,
        })),
        { method: 'GET', url: `${PAGE}?day=1&day=2` },
        { method: 'GET', url: `${PAGE}?kind=hack` },
        { method: 'GET', url: `${PAGE}?kind=learn&kind=give` },
        ...BAD_NUMBERS.map((n): Case => ({ method: 'GET', url: `${PAGE}?page=${n}` })),
        { method: 'GET', url: `${PAGE}?page=1&page=2` },
        { method: 'GET', url: `${PAGE}?kind=%FF` },
        { method: 'GET', url: `${PAGE}?kind=%00` },
        { method: 'GET', url: `${PAGE}?kind=%E2%80%AE` },
        { method: 'GET', url: `/campaigns/${LONG_SLUG}`, router: 414 },
        { method: 'GET', url: '/campaigns/a%00b' },
        { method: 'GET', url: '/campaigns/a%E2%80%AEb' },
        { method: 'GET', url: '/campaigns/a%FFb', router: 400 },
      ]);
    });

    it('POST /campaigns/:slug/pledges refuses wrong types, arrays, over-long text, bad bytes and controls', async () => {
      await assertRefused([
        ...pledgeBodies.map((body): Case => ({ method: 'POST', url: `${PAGE}/pledges`, body })),
        { method: 'POST', url: `/campaigns/${LONG_SLUG}/pledges`, body: pledge, router: 414 },
        { method: 'POST', url: '/campaigns/a%00b/pledges', body: pledge },
        { method: 'POST', url: '/campaigns/a%FFb/pledges', body: pledge, router: 400 },
      ]);
    });

    it('POST /campaigns/:slug/pledges/:id/me-too refuses bad ids and slugs', async () => {
      await assertRefused([
        ...BAD_NUMBERS.map((n): Case => ({ method: 'POST', url: `${PAGE}/pledges/${n}/me-too` })),
        { method: 'POST', url: `/campaigns/${LONG_SLUG}/pledges/${pledgeId}/me-too`, router: 414 },
        { method: 'POST', url: `/campaigns/a%E2%80%AEb/pledges/${pledgeId}/me-too` },
        { method: 'POST', url: `${PAGE}/pledges/${pledgeId}/me-too`, body: badBytes('x') },
      ]);
    });

    it('the private link (GET, edit, delete) refuses over-long or control tokens and hostile bodies', async () => {
      const own = `/campaigns/pledges/${token}`;
      const badTokens: [string, Case['router']][] = [
        ['t'.repeat(101), 414],
        ['a%00b', undefined],
        ['a%E2%80%AEb', undefined],
        ['a%FFb', 400],
      ];
      await assertRefused([
        ...badTokens.map(([tk, router]): Case => ({ method: 'GET', url: `/campaigns/pledges/${tk}`, router })),
        { method: 'GET', url: `${own}?x=%FF` },
        ...badTokens.map(([tk, router]): Case => ({
          method: 'POST',
          url: `/campaigns/pledges/${tk}`,
          body: pledge,
          router,
        })),
        ...pledgeBodies.map((body): Case => ({ method: 'POST', url: own, body })),
        ...badTokens.map(([tk, router]): Case => ({ method: 'POST', url: `/campaigns/pledges/${tk}/delete`, router })),
        { method: 'POST', url: `${own}/delete`, body: badBytes('x') },
        { method: 'POST', url: `${own}/delete`, body: { x: `bidi ${BIDI}` } },
      ]);
    });

    it('events.ics and pledges.atom refuse over-long and control slugs', async () => {
      await assertRefused(
        ['events.ics', 'pledges.atom'].flatMap((file): Case[] => [
          { method: 'GET', url: `/campaigns/${LONG_SLUG}/${file}`, router: 414 },
          { method: 'GET', url: `/campaigns/a%00b/${file}` },
          { method: 'GET', url: `/campaigns/a%E2%80%AEb/${file}` },
          { method: 'GET', url: `${PAGE}/${file}?x=%FF` },
          { method: 'GET', url: `/campaigns/a%FFb/${file}`, router: 400 },
        ]),
      );
    });

    it('staff: the campaign list, new campaigns and the board toggle refuse hostile values', async () => {
      const blank = { template: 'blank', title: 'Hostile campaign', starts_on: '2031-03-03', ends_on: '2031-03-03' };
      await assertRefused([
        { method: 'GET', url: '/admin/campaigns?x=%FF', staff: true },
        { method: 'GET', url: '/admin/campaigns?x=%E2%80%AE', staff: true },
        ...(<Fields[]>[
          { ...blank, template: 'other' },
          { ...blank, template: ['blank', 'sixteen-days'] },
          { template: 'sixteen-days', year: ['2031', '2032'], time_zone: 'UTC' },
          { template: 'sixteen-days', year: '2'.repeat(21), time_zone: 'UTC' },
          { ...blank, title: 't'.repeat(1001) },
          { ...blank, time_zone: ['UTC', 'Europe/Paris'] },
          { ...blank, title: 'NUL \u0000 title' },
        ]).map((body): Case => ({ method: 'POST', url: '/admin/campaigns', body, staff: true })),
        { method: 'POST', url: '/admin/campaigns', body: badBytes('title'), staff: true },
        ...BAD_NUMBERS.map((n): Case => ({
          method: 'POST',
          url: `/admin/campaigns/${n}/board`,
          body: { open: '0' },
          staff: true,
        })),
        ...[{ open: '2' }, { open: ['0', '1'] }, { open: 'yes' }].map((body): Case => ({
          method: 'POST',
          url: `/admin/campaigns/${campaignId}/board`,
          body,
          staff: true,
        })),
      ]);
    });

    it('staff: the campaign edit page and form refuse hostile values', async () => {
      const c = (await campaigns.findCampaignById(t.db, campaignId))!;
      const valid = {
        title: c.title,
        slug: c.slug,
        description: c.description,
        tag_slug: c.tag_slug,
        time_zone: c.time_zone,
        starts_on: c.starts_on,
        ends_on: c.ends_on,
        is_board_open: ['1', '0'],
      };
      await assertRefused([
        ...BAD_NUMBERS.map((n): Case => ({ method: 'GET', url: `/admin/campaigns/${n}`, staff: true })),
        { method: 'GET', url: `/admin/campaigns/${campaignId}?saved=${'1'.repeat(11)}`, staff: true },
        { method: 'GET', url: `/admin/campaigns/${campaignId}?saved=1&saved=1`, staff: true },
        ...BAD_NUMBERS.map((n): Case => ({ method: 'POST', url: `/admin/campaigns/${n}`, body: valid, staff: true })),
        ...[
          { ...valid, title: ['a', 'b'] },
          { ...valid, description: 'd'.repeat(20_001) },
          { ...valid, themes: Array.from({ length: 401 }, () => 'theme') },
          { ...valid, themes: ['t'.repeat(2001)] },
          { ...valid, is_board_open: ['1', '0', '1', '0', '1'] },
          { ...valid, starts_on: 's'.repeat(51) },
          { ...valid, title: `bidi ${BIDI} title` },
        ].map((body): Case => ({ method: 'POST', url: `/admin/campaigns/${campaignId}`, body, staff: true })),
        { method: 'POST', url: `/admin/campaigns/${campaignId}`, body: badBytes('title'), staff: true },
      ]);
    });

    it('staff: events (add, edit page, edit, remove) refuse hostile values', async () => {
      const event = { title: 'Hostile event', starts_at: '2026-11-26T18:00', ends_at: '', place: '', link: '' };
      const eventBodies: Case['body'][] = [
        { ...event, title: ['a', 'b'] },
        { ...event, starts_at: 's'.repeat(51) },
        { ...event, description: 'd'.repeat(10_001) },
        { ...event, link: ['https://example.org/a', 'https://example.org/b'] },
        { ...event, place: `NUL \u0000 place` },
        badBytes('title'),
      ];
      const base = `/admin/campaigns/${campaignId}/events`;
      await assertRefused([
        ...BAD_NUMBERS.map((n): Case => ({
          method: 'POST',
          url: `/admin/campaigns/${n}/events`,
          body: event,
          staff: true,
        })),
        ...eventBodies.map((body): Case => ({ method: 'POST', url: base, body, staff: true })),
        ...BAD_NUMBERS.map((n): Case => ({ method: 'GET', url: `${base}/${n}`, staff: true })),
        { method: 'GET', url: `/admin/campaigns/${BIG}/events/${eventId}`, staff: true },
        ...BAD_NUMBERS.map((n): Case => ({ method: 'POST', url: `${base}/${n}`, body: event, staff: true })),
        ...eventBodies.map((body): Case => ({ method: 'POST', url: `${base}/${eventId}`, body, staff: true })),
        ...BAD_NUMBERS.map((n): Case => ({ method: 'POST', url: `${base}/${n}/delete`, staff: true })),
        { method: 'POST', url: `/admin/campaigns/-1/events/${eventId}/delete`, staff: true },
        { method: 'POST', url: `${base}/${eventId}/delete`, body: badBytes('x'), staff: true },
      ]);
    });

    it('staff: pledge moderation refuses unknown actions, arrays and bad ids', async () => {
      const url = `/admin/campaigns/${campaignId}/pledges`;
      await assertRefused([
        ...BAD_NUMBERS.map((n): Case => ({ method: 'GET', url: `/admin/campaigns/${n}/pledges`, staff: true })),
        { method: 'GET', url: `${url}?done=1&done=1`, staff: true },
        { method: 'GET', url: `${url}?done=%00`, staff: true },
        ...(<Fields[]>[{ action: 'publish' }, { action: ['approve', 'spam'] }, {}, { action: 'APPROVE' }]).map(
          (body): Case => ({
            method: 'POST',
            url: `${url}/${pledgeId}`,
            body,
            staff: true,
          }),
        ),
        ...BAD_NUMBERS.map((n): Case => ({
          method: 'POST',
          url: `${url}/${n}`,
          body: { action: 'approve' },
          staff: true,
        })),
        {
          method: 'POST',
          url: `/admin/campaigns/${BIG}/pledges/${pledgeId}`,
          body: { action: 'approve' },
          staff: true,
        },
        { method: 'POST', url: `${url}/${pledgeId}`, body: badBytes('action'), staff: true },
      ]);
    });
  });
}
