import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, createTestApp, createTestDatabase, dumpDatabase, type TestApp } from '../../../test/support/app.ts';
import { loginAs, postForm } from '../../../test/support/staff.ts';
import { translate } from '../../core/i18n/index.ts';
import { importPackage } from './hsds-io.ts';
import { writeListing } from './listing-store.ts';
import { seedDirectory } from './seed.ts';

/*
 * Hostile files for `alongside import-hsds`: bytes that are not UTF-8, NUL and other controls,
 * text-direction overrides and script links, in CSV cells (data and header) and in datapackage.json.
 * Each is refused with a message naming the file, row and field, and changes nothing — on both
 * dialects (PostgreSQL used to fail on a NUL without saying where), and from the command line.
 * Then the other doors a website link comes through: the curators' editor, and the listing page,
 * which never links to a non-web address even when one is in the database.
 */
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../../..');
const PUBLISHED = path.join(HERE, 'testdata', 'published');

function hostilePackage(edit: (dir: string) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alongside-hostile-hsds-'));
  for (const f of fs.readdirSync(PUBLISHED)) fs.copyFileSync(path.join(PUBLISHED, f), path.join(dir, f));
  edit(dir);
  return dir;
}

/** Replaces the first `find` in a package file with `bytes` (the file read and written as bytes). */
function replaceIn(file: string, find: string, replacement: Buffer | string) {
  return (dir: string) => {
    const full = path.join(dir, file);
    const bytes = fs.readFileSync(full);
    const at = bytes.indexOf(find);
    assert.ok(at >= 0, `${file} has ${find}`);
    const inserted = typeof replacement === 'string' ? Buffer.from(replacement, 'utf8') : replacement;
    fs.writeFileSync(full, Buffer.concat([bytes.subarray(0, at), inserted, bytes.subarray(at + find.length)]));
  };
}
const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

const CASES: [string, (dir: string) => void, RegExp][] = [
  [
    'a byte that is not UTF-8 in a description',
    replaceIn('service.csv', 'Confidential advice', bytes('Confidential ', [0xff], ' advice')),
    /service\.csv, row 2, field description: the text is not valid UTF-8 \(0xFF at character 14\)/,
  ],
  [
    'an overlong encoding of NUL',
    replaceIn('organization.csv', 'Northside Health', bytes('North', [0xc0, 0x80], 'side Health')),
    /organization\.csv, row 3, field name: the text is not valid UTF-8 \(0xC0 at character 6\)/,
  ],
  [
    'a surrogate encoded as UTF-8 (CESU)',
    replaceIn('location.csv', 'Northside clinic', bytes('Northside ', [0xed, 0xa0, 0x80], 'clinic')),
    /location\.csv, row 3, field name: the text is not valid UTF-8/,
  ],
  [
    'NUL in a name',
    replaceIn('organization.csv', 'Northside Health', 'North\u0000side Health'),
    /organization\.csv, row 3, field name: the text holds the invisible control character U\+0000 \(character 6\)/,
  ],
  [
    'a right-to-left override in a location name',
    replaceIn('location.csv', 'Harbourside office', 'Harbourside \u202Eeciffo'),
    /location\.csv, row 2, field name: the text holds the text-direction override U\+202E \(character 13\)/,
  ],
  [
    'a C1 control (NEL) in a city',
    replaceIn('address.csv', 'Liverpool', 'Liver\u0085pool'),
    /address\.csv, row 2, field city: the text holds the invisible control character U\+0085/,
  ],
  [
    'an escape sequence in a phone description',
    replaceIn('phone.csv', 'Advice line', 'Advice\u001b[2J line'),
    /phone\.csv, row 2, field description: the text holds the invisible control character U\+001B/,
  ],
  [
    'a control character in a column the directory does not use',
    replaceIn('service.csv', ',A17', ',A\u000717'),
    /service\.csv, row 2, field x_local_code: the text holds the invisible control character U\+0007/,
  ],
  [
    'NUL in a header',
    replaceIn('service.csv', 'alternate_name', 'alternate\u0000name'),
    /service\.csv, row 1 \(the header\), column 5: the text holds the invisible control character U\+0000/,
  ],
  [
    'a javascript: website',
    replaceIn('organization.csv', 'https://hcl.example.org', 'javascript:alert(document.domain)'),
    /organization\.csv, row 2, field website: "javascript:alert\(document\.domain\)" is not a web address/,
  ],
  [
    'a javascript: service address with a tab inside the scheme',
    replaceIn('service.csv', 'https://hcl.example.org/advice', 'java\tscript:alert(1)'),
    /service\.csv, row 2, field url: .* is not a web address/,
  ],
  [
    'a data: taxonomy address',
    replaceIn('taxonomy.csv', 'https://taxonomy.example.org', '"data:text/html,<script>alert(1)</script>"'),
    /taxonomy\.csv, row 2, field uri: "data:text\/html,<script>alert\(1\)<\/script>" is not a web address/,
  ],
  [
    'NUL written as a JSON escape in datapackage.json',
    replaceIn('datapackage.json', '"sample-hsds"', '"sample\\u0000hsds"'),
    /datapackage\.json, field name: the text holds the invisible control character U\+0000/,
  ],
  [
    'a text-direction isolate in a resource of datapackage.json',
    replaceIn('datapackage.json', '"organization.csv"', '"organization\u2067.csv"'),
    /datapackage\.json, field resources\[5\]\.path: the text holds the text-direction override U\+2067/,
  ],
  [
    'a byte that is not UTF-8 in datapackage.json',
    replaceIn('datapackage.json', 'tabular-data-package', bytes('tabular', [0xfe], 'data-package')),
    /datapackage\.json, field profile: the text is not valid UTF-8 \(0xFE at character 8\)/,
  ],
];

for (const dialect of DIALECTS) {
  describe(`import-hsds refuses hostile text, naming the file, row and field (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    for (const [name, edit, expected] of CASES) {
      it(name, async () => {
        const fresh = await createTestDatabase(dialect);
        try {
          const before = await dumpDatabase(fresh.db, dialect);
          const result = await importPackage(fresh.db, dialect, t.clock, hostilePackage(edit));
          assert.equal(result.ok, false, 'refused');
          const text = result.ok ? '' : translate('en', result.message);
          assert.match(text, /^The package was not imported; nothing was changed\./);
          assert.match(text, expected);
          // A refused descriptor is not followed, so the files it lists are not named as unknown on top.
          assert.doesNotMatch(text, /is not an HSDS 3\.0 table/);
          // The message names the character by its code and never carries it to the terminal.
          assert.doesNotMatch(text, /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/);
          assert.match(result.ok ? '' : translate('fr', result.message), /n’a pas été importé/);
          assert.equal(await dumpDatabase(fresh.db, dialect), before, 'nothing changed');
        } finally {
          await fresh.destroy();
        }
      });
    }

    it('with --skip-invalid leaves out the row with refused text (and what points at it) and names it', async () => {
      const fresh = await createTestDatabase(dialect);
      try {
        const dir = hostilePackage(replaceIn('organization.csv', 'Northside Health', 'North\u0000side Health'));
        const result = await importPackage(fresh.db, dialect, t.clock, dir, { skipInvalid: true });
        assert.ok(result.ok, result.ok ? '' : translate('en', result.message));
        const skipped = result.value.skipped.map((m) => translate('en', m)).join('\n');
        assert.match(
          skipped,
          /organization\.csv, row 3, field name: the text holds the invisible control character U\+0000/,
        );
        // Its service is left out with it; the other organisation's rows are in.
        assert.match(skipped, /service\.csv, row 3, field organization_id/);
        const names = (await fresh.db.selectFrom('organization').select('name').execute()).map((o) => o.name);
        assert.deepEqual(names, ['Harbourside Community Legal (sample)']);
        const services = await fresh.db.selectFrom('service').select('id').execute();
        assert.deepEqual(
          services.map((s) => s.id),
          ['1c000000-0000-4000-8000-000000000001'],
        );
      } finally {
        await fresh.destroy();
      }
    });

    it('still imports a package saved with a byte-order mark, with tabs and line breaks in its text', async () => {
      const fresh = await createTestDatabase(dialect);
      try {
        const dir = hostilePackage((d) => {
          replaceIn('service.csv', 'Confidential advice', 'Confidential\tadvice\r\non two lines')(d);
          const org = path.join(d, 'organization.csv');
          fs.writeFileSync(org, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fs.readFileSync(org)]));
        });
        const result = await importPackage(fresh.db, dialect, t.clock, dir);
        assert.ok(result.ok, result.ok ? '' : translate('en', result.message));
        const s = await fresh.db
          .selectFrom('service')
          .select('description')
          .where('id', '=', '1c000000-0000-4000-8000-000000000001')
          .executeTakeFirstOrThrow();
        assert.match(s.description ?? '', /^Confidential\tadvice\r\non two lines/);
      } finally {
        await fresh.destroy();
      }
    });
  });

  describe(`alongside import-hsds on the command line (${dialect})`, () => {
    it('exits 1 with one message per problem, each naming the file, row and field, and changes nothing', async () => {
      const db = await createTestDatabase(dialect);
      try {
        const dir = hostilePackage((d) => {
          replaceIn('organization.csv', 'Northside Health', 'North\u0000side Health')(d);
          replaceIn('service.csv', 'Confidential advice', bytes('Confidential ', [0xff], ' advice'))(d);
          replaceIn('location.csv', 'Harbourside office', 'Harbourside \u202Eeciffo')(d);
          replaceIn('organization.csv', 'https://hcl.example.org', 'javascript:alert(1)')(d);
        });
        const before = await dumpDatabase(db.db, dialect);
        const run = spawnSync(process.execPath, [path.join(ROOT, 'bin/alongside.js'), 'import-hsds', dir], {
          cwd: ROOT,
          env: { ...process.env, DATABASE_URL: db.url, DATA_DIR: db.dataDir, LOG_LEVEL: 'silent' },
          encoding: 'utf8',
        });
        assert.equal(run.status, 1, run.stdout + run.stderr);
        assert.match(run.stderr, /^The package was not imported; nothing was changed\./);
        assert.match(run.stderr, /organization\.csv, row 3, field name: .*U\+0000/);
        assert.match(
          run.stderr,
          /organization\.csv, row 2, field website: "javascript:alert\(1\)" is not a web address/,
        );
        assert.match(run.stderr, /service\.csv, row 2, field description: the text is not valid UTF-8 \(0xFF/);
        assert.match(run.stderr, /location\.csv, row 2, field name: .*U\+202E/);
        assert.doesNotMatch(run.stderr, /\n\s+at |Error:/, 'no stack trace');
        assert.equal(run.stdout, '');
        assert.equal(await dumpDatabase(db.db, dialect), before, 'nothing changed');
      } finally {
        await db.destroy();
      }
    });
  });

  describe(`website links through the editor and on the listing page (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
      await seedDirectory({ db: t.db, clock: t.clock });
    });
    after(() => t.close());

    it('the curators’ editor refuses a website that is not an http(s) address, with a field error', async () => {
      const mod = await loginAs(t, 'moderator');
      const count = async () => (await t.db.selectFrom('service').select('id').execute()).length;
      const before = await count();
      const form = { name: 'Link test listing', status: 'active', loc0_city: 'Leeds', loc0_country: 'GB' };
      for (const url of [
        'javascript:alert(1)',
        'JavaScript:alert(1)//https://example.org',
        'data:text/html,<script>alert(1)</script>',
        'java\tscript:alert(1)',
        'https://trusted.example.org@evil.example/',
        'https://exa mple.org',
      ]) {
        const res = await postForm(t, '/admin/resources/new', { ...form, url }, mod);
        assert.equal(res.statusCode, 400, url);
        assert.match(res.body, /Enter the website as a full address starting with https:\/\//, url);
      }
      assert.equal(await count(), before, 'nothing saved');
      const good = await postForm(t, '/admin/resources/new', { ...form, url: 'https://link-test.example.org' }, mod);
      assert.equal(good.statusCode, 303);
    });

    it('the listing page shows only http(s) websites as links, whatever the database holds', async () => {
      const listing = (name: string, url: string) => ({
        name,
        organizationName: name,
        description: '',
        url,
        email: '',
        status: 'active' as const,
        feesDescription: '',
        eligibility: '',
        applicationProcess: '',
        interpretation: '',
        terms: { category: [], approach: [], population: [], delivery: [] },
        languages: [],
        phones: [],
        locations: [],
        hours: [],
        timezone: 'Europe/London',
        areas: ['GB'],
      });
      // Written past every check, as data from before the checks (or a bug) would be.
      await writeListing(t.db, dialect, t.clock, listing('Script link (demo)', 'javascript:alert(1)'));
      await writeListing(t.db, dialect, t.clock, listing('Web link (demo)', 'https://web-link.example.org/'));
      const bad = await t.inject('/resources/script-link');
      assert.equal(bad.statusCode, 200);
      assert.doesNotMatch(bad.body, /href="javascript:/i);
      assert.doesNotMatch(bad.body, /Website/);
      const good = await t.inject('/resources/web-link');
      assert.match(good.body, /<a href="https:\/\/web-link\.example\.org\/" rel="noreferrer noopener nofollow">/);
    });
  });
}
