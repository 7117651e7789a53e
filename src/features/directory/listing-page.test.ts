import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { csrfFrom, loginAs, postForm } from '../../../test/support/staff.ts';
import type { ListingInput, LocationInput } from './listing-model.ts';
import { writeListing } from './listing-store.ts';
import { insertRows } from './repo.ts';
import { seedDirectory } from './seed.ts';

/*
 * The public listing page of a service with two places — an office anyone may visit and a confidential
 * flat shown by its area only — each with its own hours, plus the service's own (phone line) hours.
 * Then the same pages in French.
 */
const place = (l: Partial<LocationInput> & { city: string; country: string }): LocationInput => ({
  name: '',
  address1: '',
  address2: '',
  region: '',
  postalCode: '',
  latitude: null,
  longitude: null,
  isConfidential: false,
  areaName: '',
  transportation: '',
  hours: [],
  ...l,
});
const TWO_PLACES: ListingInput = {
  name: 'Two Doors Advice (demo)',
  organizationName: 'Two Doors Collective (demo)',
  description: 'Peer advice on rights, money and safety, at an open office and a quiet flat.',
  url: 'https://two-doors.example.org',
  email: 'hello@two-doors.example.org',
  status: 'active',
  feesDescription: '',
  eligibility: '',
  applicationProcess: 'Call first or just come to the office.',
  interpretation: '',
  terms: {
    category: ['legal'],
    approach: ['free', 'anonymous'],
    population: ['sex-workers'],
    delivery: ['in-person', 'phone'],
  },
  languages: ['en', 'fr'],
  phones: [{ number: '+44 20 7946 0131', type: 'voice', description: 'Advice line' }],
  locations: [
    place({
      name: 'Canal office',
      address1: '3 Example Wharf',
      city: 'London',
      postalCode: 'E2 0AB',
      country: 'GB',
      latitude: 51.5312,
      longitude: -0.0611,
      transportation: 'Overground to Example Road, then two minutes on foot',
      hours: [{ byday: 'MO,TU,WE,TH,FR', opens_at: '09:00', closes_at: '12:00' }],
    }),
    place({
      name: 'Quiet flat',
      address1: '77 Secret Row',
      city: 'Leeds',
      postalCode: 'LS9 9ZZ',
      country: 'GB',
      latitude: 53.8123,
      longitude: -1.5123,
      isConfidential: true,
      areaName: 'West Yorkshire',
      transportation: 'Ring the blue door twice',
      hours: [{ byday: 'SA', opens_at: '10:00', closes_at: '14:00' }],
    }),
  ],
  hours: [{ byday: 'MO,TU,WE,TH,FR,SA,SU', opens_at: '08:00', closes_at: '22:00' }],
  timezone: 'Europe/London',
  areas: ['GB'],
};
const SLUG = '/resources/two-doors-advice';

/** The place blocks of a listing page, by their heading. */
function placeBlocks(html: string): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const part of html.split('<div class="place">').slice(1)) {
    const body = part.slice(0, part.indexOf('</section>') === -1 ? undefined : part.indexOf('</section>'));
    blocks.set(/<h3>([^<]*)<\/h3>/.exec(body)?.[1] ?? '', body);
  }
  return blocks;
}

for (const dialect of DIALECTS) {
  describe(`public listing page with several places (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
      await seedDirectory({ db: t.db, clock: t.clock });
      const { id } = await writeListing(t.db, dialect, t.clock, TWO_PLACES);
      // As an HSDS import may leave it: a postal address beside the office's street address, and a
      // session linked to the service's link with the office rather than to the office itself.
      const office = await t.db
        .selectFrom('location')
        .select('id')
        .where('name', '=', 'Canal office')
        .executeTakeFirstOrThrow();
      await t.db
        .insertInto('address')
        .values({
          id: crypto.randomUUID(),
          location_id: office.id,
          attention: null,
          address_1: 'PO Box 4411',
          address_2: null,
          city: 'London',
          region: null,
          state_province: 'England',
          postal_code: 'E2 9XX',
          country: 'GB',
          address_type: 'postal',
        })
        .execute();
      const link = await t.db
        .selectFrom('service_at_location')
        .select('id')
        .where('service_id', '=', id)
        .where('location_id', '=', office.id)
        .executeTakeFirstOrThrow();
      await insertRows(
        t.db,
        'schedule',
        [
          {
            id: crypto.randomUUID(),
            service_at_location_id: link.id,
            freq: 'WEEKLY',
            byday: 'SU',
            opens_at: '11:00',
            closes_at: '13:00',
            timezone_name: 'Europe/London',
            description: 'Sunday brunch drop-in',
          },
        ],
        ['timezone_name'],
      );
      await t.db
        .updateTable('service')
        .set({ assured_date: '2026-11-01', verified_by: 'Demo curator' })
        .where('id', '=', id)
        .execute();
      t.clock.set('2026-11-25T10:00:00Z'); // a Wednesday, 10:00 in London: the office is open, the flat (Saturdays) is not
    });
    after(() => t.close());

    it('shows each place in its own block with its address, its own hours, open now and how to get there', async () => {
      const res = await t.inject(SLUG);
      assert.equal(res.statusCode, 200);
      const blocks = placeBlocks(res.body);
      assert.deepEqual(
        [...blocks.keys()],
        ['Canal office', 'West Yorkshire, United Kingdom'],
        'one block per place, the postal address does not make a third',
      );
      const office = blocks.get('Canal office')!;
      assert.match(office, /<address>3 Example Wharf<br\/>London E2 0AB<br\/>United Kingdom<br\/><\/address>/);
      assert.doesNotMatch(office, /PO Box/, 'the physical address is the one shown');
      assert.match(office, /Getting there:<\/strong> Overground to Example Road/);
      assert.match(office, /<strong class="open-now">Open now<\/strong>/);
      assert.match(office, /Mon, Tue, Wed, Thu, Fri 09:00–12:00/);
      assert.match(
        office,
        /Sun 11:00–13:00<span class="meta"> — Sunday brunch drop-in<\/span>/,
        'a session linked to the service at this place is this place’s',
      );
      assert.match(office, /Times are local to this place \(Europe\/London\)/);
      const flat = blocks.get('West Yorkshire, United Kingdom')!;
      assert.match(flat, /Closed now/);
      assert.doesNotMatch(flat, /Open now/);
      assert.match(flat, /Sat 10:00–14:00/);
      assert.match(flat, /The exact address is kept private/);
      assert.doesNotMatch(flat, /Getting there/);
      assert.doesNotMatch(flat, /Every day/, 'the service’s hours are not repeated as the place’s');
    });

    it('shows the service-wide hours apart from the places, with their own open now', async () => {
      const html = (await t.inject(SLUG)).body;
      const contact = html.slice(html.indexOf('<h2 id="contact-title">'), html.indexOf('<h2 id="places-title">'));
      assert.match(contact, /<h3>Hours for the whole service<\/h3>/);
      assert.match(contact, /Every day 08:00–22:00/);
      assert.match(contact, /Open now/);
      assert.match(contact, /Times are local to the service \(Europe\/London\)/);
      assert.doesNotMatch(contact, /09:00–12:00|10:00–14:00/, 'no place’s hours among the service’s');
      t.clock.set('2026-11-25T23:00:00Z');
      const late = (await t.inject(`${SLUG}?late`)).body;
      const lateContact = late.slice(late.indexOf('<h2 id="contact-title">'), late.indexOf('<h2 id="places-title">'));
      assert.match(lateContact, /Closed now/);
      t.clock.set('2026-11-25T10:00:00Z');
    });

    it('never shows a confidential place’s name, street, postcode, directions or exact point', async () => {
      const html = (await t.inject(SLUG)).body;
      assert.match(html, /West Yorkshire/);
      assert.doesNotMatch(html, /Secret Row|LS9 9ZZ|53\.81|-1\.51|Quiet flat|blue door/);
      // Nor through the open data API the page links to.
      const service = await t.db
        .selectFrom('service')
        .select('id')
        .where('slug', '=', 'two-doors-advice')
        .executeTakeFirstOrThrow();
      assert.doesNotMatch(
        (await t.inject(`/api/hsds/services/${service.id}`)).body,
        /Secret Row|LS9 9ZZ|53\.8123|-1\.5123|Quiet flat|blue door/,
      );
    });

    it('keeps what the page showed before: contact, what to expect, the verified line and the report form', async () => {
      const html = (await t.inject(SLUG)).body;
      assert.match(html, /Call <a href="tel:\+442079460131">\+44 20 7946 0131<\/a> — Advice line/);
      assert.match(html, /mailto:hello@two-doors\.example\.org/);
      assert.match(html, /Covers: United Kingdom/);
      assert.match(html, /<h2 id="expect-title">What to expect<\/h2>/);
      assert.match(html, /<dt>Languages<\/dt><dd>English, French<\/dd>/);
      assert.match(html, /<dt>How to start<\/dt><dd>Call first or just come to the office\.<\/dd>/);
      assert.match(html, /Last verified 1 November 2026 \(Demo curator\)/);
      assert.match(html, /<form method="post" action="\/resources\/two-doors-advice\/report"/);
      assert.equal((await t.inject(SLUG)).headers['set-cookie'], undefined);
    });
  });

  describe(`public directory pages in French (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
      await seedDirectory({ db: t.db, clock: t.clock });
      const { id } = await writeListing(t.db, dialect, t.clock, TWO_PLACES);
      await t.db
        .updateTable('service')
        .set({ assured_date: '2026-11-01', verified_by: 'Demo curator' })
        .where('id', '=', id)
        .execute();
      t.clock.set('2026-11-25T10:00:00Z');
    });
    after(() => t.close());

    it('shows a listing in French when the address asks for it, and in English by default', async () => {
      const fr = await t.inject(`${SLUG}?lang=fr`);
      assert.equal(fr.statusCode, 200);
      assert.match(fr.body, /<html lang="fr">/);
      for (const text of [
        'Prendre contact',
        'Où les trouver',
        'Horaires d’ouverture',
        'Horaires du service',
        'Ouvert maintenant',
        'Fermé maintenant',
        'lun., mar., mer., jeu., ven. 09:00–12:00',
        'Tous les jours 08:00–22:00',
        'Heures locales de ce lieu',
        'Comment s’y rendre :',
        'L’adresse exacte reste confidentielle',
        'West Yorkshire, Royaume-Uni',
        'Zone couverte : Royaume-Uni',
        'À quoi vous attendre',
        '<dd>anglais, français</dd>',
        'Appeler le <a href="tel:',
        'Signaler une information qui n’est plus à jour',
        'Qu’est-ce qui a changé ?',
        'Envoyer le signalement',
        'Vérifié le 1 novembre 2026',
        'Quitter cette page',
      ]) {
        assert.ok(fr.body.includes(text), `French page shows “${text}”`);
      }
      assert.doesNotMatch(
        fr.body,
        /Get in touch|Where to find them|Opening hours|Open now|What to expect|Report outdated|Send report|Every day|Mon, Tue/,
      );
      assert.match(
        fr.body,
        /<form method="post" action="\/resources\/two-doors-advice\/report\?lang=fr"/,
        'the report is answered in French too',
      );
      assert.match(fr.body, /<a href="\/resources\?lang=fr">← Trouver du soutien<\/a>/);
      assert.match(fr.body, /<a href="\/resources\/two-doors-advice" hreflang="en" lang="en">English<\/a>/);
      assert.match(fr.body, /<link rel="alternate" hreflang="en" href="http:\/\/[^"]+\/resources\/two-doors-advice"/);
      assert.doesNotMatch(fr.body, /Secret Row|LS9 9ZZ|Quiet flat|blue door/);

      const en = await t.inject(SLUG);
      assert.match(en.body, /<html lang="en">/);
      assert.match(en.body, /Get in touch/);
      assert.doesNotMatch(en.body, /Prendre contact|Où les trouver/);
      assert.match(en.body, /<a href="\/resources\/two-doors-advice\?lang=fr" hreflang="fr" lang="fr">Français<\/a>/);
      assert.match(
        (await t.inject(`${SLUG}?lang=de`)).body,
        /<html lang="en">[\s\S]*Get in touch/,
        'an unknown language falls back to English',
      );
    });

    it('caches each language apart', async () => {
      await t.inject(SLUG);
      await t.inject(`${SLUG}?lang=fr`);
      const en = await t.inject(SLUG);
      assert.equal(en.headers['x-cache'], 'hit');
      assert.match(en.body, /Get in touch/);
      const fr = await t.inject(`${SLUG}?lang=fr`);
      assert.equal(fr.headers['x-cache'], 'hit');
      assert.match(fr.body, /Prendre contact/);
    });

    it('answers a report in the reader’s language', async () => {
      const page = await t.inject(`${SLUG}?lang=fr`);
      const empty = await postForm(t, `${SLUG}/report?lang=fr`, { message: ' ', _csrf: csrfFrom(page.body) });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /Il y a un problème/);
      assert.match(empty.body, /Dites-nous ce qui a changé/);
      const sent = await postForm(t, `${SLUG}/report?lang=fr`, {
        message: 'Le numéro a changé.',
        _csrf: csrfFrom(page.body),
      });
      assert.equal(sent.statusCode, 200);
      assert.match(sent.body, /Merci\. Une personne de notre équipe va vérifier cette fiche\./);
      const english = await postForm(t, `${SLUG}/report`, { message: '', _csrf: csrfFrom(page.body) });
      assert.match(english.body, /Say what has changed/);
    });

    it('shows the suggest page in French when asked, keeps the text and explains mistakes in French', async () => {
      const en = await t.inject('/resources/suggest');
      assert.match(en.body, /<html lang="en">/);
      assert.match(en.body, /Name of the service/);
      assert.match(en.body, /<form method="post" action="\/resources\/suggest" class="stack">/);
      const fr = await t.inject('/resources/suggest?lang=fr');
      assert.match(fr.body, /<html lang="fr">/);
      for (const text of [
        '<h1>Suggérer une ressource</h1>',
        'Pas besoin de compte',
        'Nom du service',
        'Site web (facultatif)',
        'Pas les vôtres.',
        'Envoyer la suggestion',
      ]) {
        assert.ok(fr.body.includes(text), `French suggest page shows “${text}”`);
      }
      assert.doesNotMatch(fr.body, /Name of the service|Send suggestion/);
      assert.match(fr.body, /<form method="post" action="\/resources\/suggest\?lang=fr" class="stack">/);
      const bad = await postForm(t, '/resources/suggest?lang=fr', {
        name: 'Garder ce texte',
        url: 'javascript:alert(1)',
        _csrf: csrfFrom(fr.body),
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Saisissez une adresse web comme https:\/\/example\.org/);
      assert.match(bad.body, /value="Garder ce texte"/);
      const good = await postForm(t, '/resources/suggest?lang=fr', {
        name: 'Permanence du soir (demo)',
        _csrf: csrfFrom(fr.body),
      });
      assert.equal(good.statusCode, 200);
      assert.match(good.body, /Merci\. Une personne de notre équipe lira votre suggestion/);
      assert.match(good.body, /<a href="\/resources\?lang=fr">Retour à l’annuaire<\/a>/);
    });

    it('keeps the language through a search from the search page, and staff pages in English', async () => {
      const search = await t.inject('/resources?lang=fr');
      assert.match(search.body, /<h1>Trouver du soutien<\/h1>/);
      assert.match(search.body, /<input type="hidden" name="lang" value="fr"\/>/);
      const mod = await loginAs(t, 'moderator');
      const staff = await t.inject({ url: '/admin/resources?lang=fr', headers: { cookie: mod.cookie } });
      assert.equal(staff.statusCode, 200);
      assert.match(staff.body, /<html lang="en">/);
    });

    it('shows a listing page that is not cached: HEAD, a staff member, any session cookie', async () => {
      // These requests skip the page cache (no cache tags to add to): the page answered 500 to them.
      const head = await t.inject({ method: 'HEAD', url: SLUG });
      assert.equal(head.statusCode, 200);
      const mod = await loginAs(t, 'moderator');
      const staff = await t.inject({ url: SLUG, headers: { cookie: mod.cookie } });
      assert.equal(staff.statusCode, 200);
      assert.match(staff.body, /Two Doors Advice/);
      const stale = await t.inject({ url: SLUG, headers: { cookie: 'alongside_staff=ended' } });
      assert.equal(stale.statusCode, 200);
    });
  });
}
