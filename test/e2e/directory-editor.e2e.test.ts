import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createStaff } from '../../src/core/auth/service.ts';
import { systemClock } from '../../src/core/clock.ts';
import { foreignRequests, newContext, recordRequests, seriousAxeViolations } from '../support/browser.ts';
import { liveBrowserAndServer } from '../support/live.ts';
import { TEST_PASSWORD } from '../support/staff.ts';

/*
 * A curator creates a listing in Chromium, with JavaScript and without, typing no code and no
 * coordinate: hours from day boxes and time fields, two phones as rows, a language by name, the place
 * found by name in the offline gazetteer, the point nudged with an arrow, a confidential location by
 * one checkbox. Then axe on the editor at phone and desktop size. One dialect: the form parsing is
 * tested over HTTP on both (editor-form.test.ts, hostile.test.ts).
 */
describe('the listing editor in Chromium', () => {
  const live = liveBrowserAndServer('sqlite', { seed: true });

  const createListing = async (javaScriptEnabled: boolean) => {
    const email = `curator-${javaScriptEnabled ? 'js' : 'nojs'}@alongside.invalid`;
    const created = await createStaff(live.server.db, systemClock, {
      email,
      role: 'moderator',
      password: TEST_PASSWORD,
      displayName: 'Cass Curator',
    });
    assert.ok(created.ok);
    const context = await newContext(live.browser, { javaScriptEnabled });
    const page = await context.newPage();
    const requests = recordRequests(page);
    await page.goto(`${live.server.url}/admin/login?next=/admin/resources/new`);
    await page.fill('#field-email', email);
    await page.fill('#field-password', TEST_PASSWORD);
    await page.click('main button[type=submit]');
    await page.waitForURL(/\/admin\/resources\/new$/);
    const name = `Editor test ${javaScriptEnabled ? 'with' : 'without'} JavaScript`;
    await page.fill('#field-name', name);
    for (const d of ['MO', 'TU', 'WE', 'TH', 'FR']) await page.check(`input[name=hours0_days][value=${d}]`);
    await page.fill('#field-hours0_opens', '09:00');
    await page.fill('#field-hours0_closes', '17:00');
    await page.check('input[name=hours1_days][value=SA]');
    await page.check('input[name=hours1_allDay]');
    // By appointment too, closed on Christmas Day and short hours on Christmas Eve next year (always to come).
    const year = new Date().getUTCFullYear() + 1;
    await page.check('input[name=byAppointment]');
    await page.fill('#field-exception0_from', `${year}-12-25`);
    await page.fill('#field-exception0_note', 'Christmas Day');
    await page.fill('#field-exception1_from', `${year}-12-24`);
    await page.check('input[name=exception1_kind][value=hours]');
    await page.fill('#field-exception1_opens', '09:00');
    await page.fill('#field-exception1_closes', '12:00');
    if (javaScriptEnabled) {
      // A third change from the "add another change" button: a fresh row, back to "closed all day".
      await page.click('#exception-rows > button.add-row');
      assert.ok(await page.isChecked('input[name=exception2_kind][value=closed]'));
      assert.equal(await page.inputValue('#field-exception2_opens'), '');
      await page.fill('#field-exception2_from', `${year + 1}-01-01`);
    }
    await page.fill('#field-phone0_number', '0113 496 0000');
    await page.fill('#field-phone0_note', 'Front desk');
    await page.fill('#field-phone1_number', '07400 123456');
    await page.selectOption('#field-phone1_type', { label: 'Text message' });
    await page.selectOption('#field-languages-0', { label: 'English' });
    await page.selectOption('#field-languages-1', { label: 'Romanian' });
    await page.fill('#field-loc0_name', 'Drop-in room');
    await page.fill('#field-loc0_lookup', 'Leeds');
    await page.click('button[name=findPlace]');
    await page.check('input[name=loc0_pick] >> nth=0');
    assert.match((await page.textContent('#loc0-matches')) ?? '', /Leeds, England, United Kingdom/);
    await page.click('button[name=usePlace]');
    assert.equal(await page.inputValue('#field-loc0_city'), 'Leeds');
    assert.equal(await page.inputValue('#field-loc0_country'), 'GB');
    const lat = Number(await page.inputValue('#field-loc0_latitude'));
    assert.ok(lat > 53.7 && lat < 53.9, `Leeds is at ${lat}`);
    // The map beside it: the borders of the districts around Leeds, from the bundled region outlines.
    assert.ok((await page.locator('#loc-0 svg.place-map path.place-map-region').count()) > 0, 'region borders');
    await page.click('button[data-nudge=n]');
    assert.equal(Number(await page.inputValue('#field-loc0_latitude')), Math.round((lat + 0.005) * 1e4) / 1e4);
    await page.check('input[name=loc0_isConfidential]');
    await page.fill('#field-loc0_areaName', 'West Yorkshire');
    await page.click('button:has-text("Save listing")');
    await page.waitForURL(/\/admin\/resources\/[^/]+\/edit\?created=1$/);
    assert.deepEqual(foreignRequests(requests, live.server.origin), []);

    const service = await live.server.db
      .selectFrom('service')
      .select('id')
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    const db = live.server.db;
    const hours = await db
      .selectFrom('schedule')
      .select(['byday', 'opens_at', 'closes_at', 'timezone_name'])
      .where('service_id', '=', service.id)
      .where('valid_from', 'is', null) // the weekly sessions
      .where('description', 'is', null)
      .orderBy('byday')
      .execute();
    assert.deepEqual(hours, [
      { byday: 'MO,TU,WE,TH,FR', opens_at: '09:00', closes_at: '17:00', timezone_name: 'Europe/London' },
      { byday: 'SA', opens_at: '00:00', closes_at: '00:00', timezone_name: 'Europe/London' },
    ]);
    const dated = await db
      .selectFrom('schedule')
      .select(['valid_from', 'valid_to', 'description', 'notes'])
      .where('service_id', '=', service.id)
      .where('description', 'is not', null)
      .orderBy('description')
      .orderBy('valid_from')
      .execute();
    assert.deepEqual(dated, [
      { valid_from: null, valid_to: null, description: 'By appointment', notes: null },
      { valid_from: `${year}-12-25`, valid_to: `${year}-12-25`, description: 'Closed', notes: 'Christmas Day' },
      ...(javaScriptEnabled
        ? [{ valid_from: `${year + 1}-01-01`, valid_to: `${year + 1}-01-01`, description: 'Closed', notes: null }]
        : []),
      { valid_from: `${year}-12-24`, valid_to: `${year}-12-24`, description: 'Special hours', notes: null },
    ]);
    // Readers see them on the listing's page.
    const slug = await db.selectFrom('service').select('slug').where('id', '=', service.id).executeTakeFirstOrThrow();
    const reader = await live.browser.newPage();
    await reader.goto(`${live.server.url}/resources/${slug.slug}`);
    const text = (await reader.textContent('main')) ?? '';
    await reader.close();
    assert.match(text, /By appointment/);
    assert.match(text, new RegExp(`Closed on [A-Z][a-z]{2},? 25 Dec ${year} — Christmas Day`));
    assert.match(text, new RegExp(`Open 09:00–12:00 only on [A-Z][a-z]{2},? 24 Dec ${year}`));
    const phones = await db
      .selectFrom('phone')
      .select(['number', 'type'])
      .where('service_id', '=', service.id)
      .orderBy('number')
      .execute();
    assert.deepEqual(phones, [
      { number: '+44 113 496 0000', type: 'voice' },
      { number: '+44 7400 123456', type: 'text' },
    ]);
    const place = await db
      .selectFrom('location')
      .innerJoin('service_at_location', 'service_at_location.location_id', 'location.id')
      .select(['location.is_confidential', 'location.latitude', 'location.area_name'])
      .where('service_at_location.service_id', '=', service.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual([place.is_confidential, place.area_name], [1, 'West Yorkshire']);
    assert.equal(place.latitude, Math.round((lat + 0.005) * 1e4) / 1e4);
    return { context, page };
  };

  it('creates a listing without JavaScript, typing no code or coordinate', { timeout: 180_000 }, async () => {
    const { context } = await createListing(false);
    await context.close();
  });

  it(
    'creates one with JavaScript too; axe finds nothing serious at phone and desktop size',
    { timeout: 180_000 },
    async () => {
      const { context, page } = await createListing(true);
      for (const size of [
        { width: 375, height: 740 },
        { width: 1280, height: 900 },
      ]) {
        await page.setViewportSize(size);
        assert.deepEqual(await seriousAxeViolations(page), [], `the editor at ${size.width} px`);
        await page.goto(`${live.server.url}/admin/resources/new`);
        assert.deepEqual(await seriousAxeViolations(page), [], `a new listing at ${size.width} px`);
        await page.goBack();
      }
      await context.close();
    },
  );
});

export type { Page };
