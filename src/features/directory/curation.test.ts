import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { csrfFrom, loginAs, postForm, type StaffSession } from '../../../test/support/staff.ts';
import { seedDirectory } from './seed.ts';

async function publicPost(t: TestApp, pageUrl: string, action: string, fields: Record<string, string>) {
  const page = await t.inject(pageUrl);
  return postForm(t, action, { ...fields, _csrf: csrfFrom(page.body) });
}

for (const dialect of DIALECTS) {
  describe(`directory curation (${dialect})`, () => {
    let t: TestApp;
    let mod: StaffSession;
    before(async () => {
      t = await createTestApp(dialect);
      await seedDirectory({ db: t.db, clock: t.clock });
      mod = await loginAs(t, 'moderator');
    });
    after(() => t.close());
    const get = (url: string, s: StaffSession = mod) => t.inject({ url, headers: { cookie: s.cookie } });
    const serviceBySlug = (slug: string) => t.db.selectFrom('service').selectAll().where('slug', '=', slug).executeTakeFirstOrThrow();

    it('takes a suggestion without an account, keeps text on bad input, and shows it with duplicate hints', async () => {
      const bad = await publicPost(t, '/resources/suggest', '/resources/suggest', { name: 'Keep this text', url: 'javascript:alert(1)' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /value="Keep this text"/);
      assert.equal((await t.db.selectFrom('resource_suggestions').selectAll().execute()).length, 0);
      const good = await publicPost(t, '/resources/suggest', '/resources/suggest', { name: 'Red Umbrella evening clinic', url: 'https://red-umbrella.example.org/clinic', where: 'London', context: 'Evening clinic' });
      assert.equal(good.statusCode, 200);
      assert.match(good.body, /Thank you/);
      const queue = await get('/admin/resources');
      assert.equal(queue.statusCode, 200);
      assert.match(queue.body, /Red Umbrella evening clinic/);
      assert.match(queue.body, /Possible duplicate of .*Red Umbrella Drop-in \(demo\).*same website/s);
    });

    it('merges a suggestion into an existing listing and records it in the history', async () => {
      const s = await t.db.selectFrom('resource_suggestions').selectAll().where('name', '=', 'Red Umbrella evening clinic').executeTakeFirstOrThrow();
      const wrong = await postForm(t, `/admin/resources/suggestions/${s.id}/merge`, { target: 'no-such-listing' }, mod);
      assert.equal(wrong.statusCode, 400);
      const res = await postForm(t, `/admin/resources/suggestions/${s.id}/merge`, { target: 'red-umbrella-drop-in' }, mod);
      assert.equal(res.statusCode, 303);
      const after = await t.db.selectFrom('resource_suggestions').selectAll().where('id', '=', s.id).executeTakeFirstOrThrow();
      const red = await serviceBySlug('red-umbrella-drop-in');
      assert.equal(after.status, 'merged');
      assert.equal(after.service_id, red.id);
      const edit = await get(`/admin/resources/${red.id}/edit`);
      assert.match(edit.body, /merged suggestion #/);
      const again = await postForm(t, `/admin/resources/suggestions/${s.id}/merge`, { target: 'red-umbrella-drop-in' }, mod);
      assert.equal(again.statusCode, 409, 'a suggestion is dealt with once');
    });

    it('approves a suggestion into a new listing that search then finds', async () => {
      const page = await t.inject('/resources/suggest');
      await postForm(t, '/resources/suggest', { name: 'Glasgow Night Bus (demo)', where: 'Glasgow', _csrf: csrfFrom(page.body) });
      const s = await t.db.selectFrom('resource_suggestions').selectAll().where('name', '=', 'Glasgow Night Bus (demo)').executeTakeFirstOrThrow();
      const review = await get(`/admin/resources/suggestions/${s.id}`);
      assert.match(review.body, /Approve as a new listing/);
      const fields = {
        suggestionId: String(s.id), name: 'Glasgow Night Bus (demo)', description: 'A warm bus with tea and harm-reduction supplies.', status: 'active',
        category: ['health', 'safety'], approach: ['harm-reduction', 'free'], delivery: 'in-person', languages: 'en',
        phones: '+44 20 7946 0155 | voice | Bus mobile', loc0_address1: 'Example Square', loc0_city: 'Glasgow', loc0_country: 'GB', loc0_latitude: '55.8609',
        loc0_longitude: '-4.2514', hours: 'TH,FR,SA 22:00-04:00', timezone: 'Europe/London', loc0_postalCode: 'G1 0AA', loc0_region: 'Scotland',
      };
      const badHours = await postForm(t, '/admin/resources/new', { ...fields, hours: 'whenever' }, mod);
      assert.equal(badHours.statusCode, 400);
      assert.match(badHours.body, /Write hours like/);
      assert.match(badHours.body, /A warm bus with tea/);
      const res = await postForm(t, '/admin/resources/new', fields, mod);
      assert.equal(res.statusCode, 303);
      const approved = await t.db.selectFrom('resource_suggestions').selectAll().where('id', '=', s.id).executeTakeFirstOrThrow();
      assert.equal(approved.status, 'approved');
      const found = await t.inject('/resources?q=bus&place=Glasgow&placeId=2648579&radius=10');
      assert.match(found.body, /Glasgow Night Bus \(demo\)/);
      const listing = await t.inject('/resources/glasgow-night-bus');
      assert.match(listing.body, /Thu, Fri, Sat 22:00–04:00/);
    });

    it('edits a listing with a recorded history and refuses bad input without changing anything', async () => {
      const paris = await serviceBySlug('ecoute-travail-du-sexe');
      const form = await get(`/admin/resources/${paris.id}/edit`);
      assert.match(form.body, /value="Écoute Travail du Sexe \(demo\)"/);
      const bad = await postForm(t, `/admin/resources/${paris.id}/edit`, { name: 'Renamed', loc0_country: 'France!', loc0_address1: 'x', loc0_city: 'Paris' }, mod);
      assert.equal(bad.statusCode, 400);
      assert.equal((await serviceBySlug('ecoute-travail-du-sexe')).name, 'Écoute Travail du Sexe (demo)');
      // Resubmit the form as shown, with a new fee line.
      const values: Record<string, string | string[]> = {};
      for (const m of form.body.matchAll(/<input[^>]*name="([^"]+)"[^>]*>/g)) {
        const tag = m[0];
        const name = m[1]!;
        if (name === '_csrf' || name === 'suggestionId') continue;
        const value = /value="([^"]*)"/.exec(tag)?.[1] ?? '';
        if (/type="checkbox"/.test(tag)) {
          if (/checked/.test(tag)) values[name] = [...((values[name] as string[]) ?? []), value];
        } else values[name] = value.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"');
      }
      for (const m of form.body.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) values[m[1]!] = m[2]!.replace(/&amp;/g, '&');
      values.feesDescription = 'Free; donations welcome';
      const ok = await postForm(t, `/admin/resources/${paris.id}/edit`, values, mod);
      assert.equal(ok.statusCode, 303);
      const history = await t.db.selectFrom('directory_changes').selectAll().where('service_id', '=', paris.id).execute();
      assert.equal(history.length, 1, JSON.stringify(history));
      assert.deepEqual(Object.keys(JSON.parse(history[0]!.detail)), ['feesDescription'], 'only the changed field is recorded');
      const page = await t.inject('/resources/ecoute-travail-du-sexe');
      assert.match(page.body, /donations welcome/);
    });

    it('lists listings needing verification by a configurable age and clears them when verified', async () => {
      const queue = await get('/admin/resources/verification');
      assert.match(queue.body, /Safe Harbour House \(demo\)/, '300 days old');
      assert.match(queue.body, /Toronto Peer Legal Clinic \(demo\)/, 'never verified');
      assert.doesNotMatch(queue.body, /Red Umbrella Drop-in/, 'verified 20 days ago');
      const safe = await serviceBySlug('safe-harbour-house');
      assert.equal((await postForm(t, `/admin/resources/${safe.id}/verify`, { back: 'verification' }, mod)).statusCode, 303);
      const after = await get('/admin/resources/verification');
      assert.doesNotMatch(after.body, /Safe Harbour House/);
      const verified = await serviceBySlug('safe-harbour-house');
      assert.equal(verified.assured_date, '2026-11-25');
      assert.equal(verified.verified_by, 'Test moderator');
      assert.equal((await postForm(t, '/admin/resources/verification', { months: '0' }, mod)).statusCode, 400);
      assert.equal((await postForm(t, '/admin/resources/verification', { months: '24' }, mod)).statusCode, 303);
      assert.doesNotMatch((await get('/admin/resources/verification')).body, /Harbour City Trans/, '400 days is under 24 months');
    });

    it('takes outdated-information reports from readers and lets curators resolve them', async () => {
      const empty = await publicPost(t, '/resources/bangkok-sisters-drop-in', '/resources/bangkok-sisters-drop-in/report', { message: '  ' });
      assert.equal(empty.statusCode, 400);
      const res = await publicPost(t, '/resources/bangkok-sisters-drop-in', '/resources/bangkok-sisters-drop-in/report', { message: 'They moved to a new street in October.' });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /A curator will check/);
      const home = await get('/admin/resources');
      assert.match(home.body, /They moved to a new street/);
      const report = await t.db.selectFrom('directory_reports').selectAll().executeTakeFirstOrThrow();
      assert.equal((await postForm(t, `/admin/resources/reports/${report.id}/resolve`, {}, mod)).statusCode, 303);
      assert.doesNotMatch((await get('/admin/resources')).body, /They moved to a new street/);
      assert.equal((await publicPost(t, '/resources/bangkok-sisters-drop-in', '/resources/nope/report', { message: 'x' })).statusCode, 404);
    });

    it('lets only curators curate and only admins edit the vocabulary', async () => {
      const editor = await loginAs(t, 'editor');
      assert.equal((await get('/admin/resources', editor)).statusCode, 403);
      assert.equal((await t.inject('/admin/resources')).statusCode, 303, 'anonymous visitors are sent to log in');
      assert.equal((await get('/admin/resources/taxonomy')).statusCode, 403, 'moderators do not edit the vocabulary');
      const admin = await loginAs(t, 'admin');
      const staffHome = await get('/admin', admin);
      assert.match(staffHome.body, /\/admin\/resources\/taxonomy/);
      const bad = await postForm(t, '/admin/resources/taxonomy', { facet: 'approach', code: 'Bad Code', name: '' }, admin);
      assert.equal(bad.statusCode, 400);
      const add = await postForm(t, '/admin/resources/taxonomy', { facet: 'approach', code: 'childcare', name: 'Childcare available', description: 'Bring your children.' }, admin);
      assert.equal(add.statusCode, 303);
      const search = await t.inject('/resources?q=drop-in');
      assert.match(search.body, /name="approach" value="childcare"/);
    });
  });
}
