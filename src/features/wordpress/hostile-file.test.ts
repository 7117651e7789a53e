import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { translate } from '../../core/i18n/index.ts';
import { DIALECTS, createTestApp, createTestDatabase, dumpDatabase, type TestApp } from '../../../test/support/app.ts';
import { importWordPress } from './import.ts';

/*
 * A WordPress export with hostile text — bytes that are not UTF-8, NUL and other controls, text-
 * direction overrides, written raw, as character references or percent-escaped in a slug — is
 * refused before anything is stored, with one sentence naming the item (or author) and the field.
 */
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../../..');
const WXR = fs.readFileSync(path.join(HERE, 'fixtures/wordpress-export.xml'));

/** The export with the first `find` replaced (bytes in, bytes out). */
function edited(find: string, replacement: string | number[]): Buffer {
  const at = WXR.indexOf(find);
  assert.ok(at >= 0, `the export has ${find}`);
  const inserted = typeof replacement === 'string' ? Buffer.from(replacement, 'utf8') : Buffer.from(replacement);
  return Buffer.concat([WXR.subarray(0, at), inserted, WXR.subarray(at + find.length)]);
}
const withBytes = (find: string, before: string, bytes: number[], after: string) =>
  edited(find, [...Buffer.from(before), ...bytes, ...Buffer.from(after)]);

const CASES: [string, Buffer, RegExp][] = [
  [
    'a byte that is not UTF-8 in a title',
    withBytes('Welcome to our new site', 'Welcome ', [0xff], 'to our new site'),
    /^Item 1 \(wp:post_id 101\), title: the text is not valid UTF-8 \(0xFF at character 9\)\. .* Nothing was imported\.$/,
  ],
  [
    'NUL in a post body',
    edited('Still writing.', 'Still\u0000writing.'),
    /^Item 4 \(wp:post_id 104\), content:encoded: the text holds the invisible control character U\+0000 \(character 6\)/,
  ],
  [
    'a right-to-left override as a character reference in a title',
    edited('An unfinished draft', 'An unfinished &#x202E;tfard'),
    /^Item 4 \(wp:post_id 104\), title: the text holds the text-direction override U\+202E/,
  ],
  [
    'NUL percent-escaped in a slug',
    edited('<wp:post_name><![CDATA[]]></wp:post_name>', '<wp:post_name><![CDATA[a%00b]]></wp:post_name>'),
    /^Item 4 \(wp:post_id 104\), wp:post_name: the text holds the invisible control character U\+0000/,
  ],
  [
    'an escape sequence in a comment’s author',
    edited('<![CDATA[Sam Ortega]]></wp:comment_author>', '<![CDATA[Sam\u001b[2J Ortega]]></wp:comment_author>'),
    /^Item 1 \(wp:post_id 101\), comment 2, wp:comment_author: the text holds the invisible control character U\+001B/,
  ],
  [
    'a C1 control in a tag name',
    edited('<![CDATA[Harm reduction]]>', '<![CDATA[Harm\u0085reduction]]>'),
    /^Item 1 \(wp:post_id 101\), category: the text holds the invisible control character U\+0085/,
  ],
  [
    'an isolate in an author’s display name',
    edited('<![CDATA[Noor Haddad]]>', '<![CDATA[Noor \u2066Haddad]]>'),
    /^Author 2, wp:author_display_name: the text holds the text-direction override U\+2066/,
  ],
];

for (const dialect of DIALECTS) {
  describe(`WordPress import refuses hostile text, naming the item and field (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    for (const [name, file, expected] of CASES) {
      it(name, async () => {
        const before = await dumpDatabase(t.db, dialect);
        const result = await importWordPress(t.db, t.clock, file, { pages: 'import' });
        assert.equal(result.ok, false, 'refused');
        const text = result.ok ? '' : translate('en', result.message);
        assert.match(text, expected);
        assert.equal(text.split('\n').length, 1, 'one sentence');
        assert.doesNotMatch(text, /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/, 'no raw character');
        assert.match(result.ok ? '' : translate('fr', result.message), /Rien n’a été importé\.$/);
        assert.equal(await dumpDatabase(t.db, dialect), before, 'nothing changed');
      });
    }

    it('imports the same export when its text is clean (bytes or text)', async () => {
      const result = await importWordPress(t.db, t.clock, WXR);
      assert.ok(result.ok, result.ok ? '' : translate('en', result.message));
      assert.equal(result.value.posts, 4);
    });
  });
}

describe('alongside import-wordpress with hostile bytes (command line)', () => {
  for (const dialect of DIALECTS) {
    it(`exits 1 naming the item and field, and imports nothing (${dialect})`, async () => {
      const db = await createTestDatabase(dialect);
      try {
        const file = path.join(db.dataDir, 'hostile.xml');
        fs.writeFileSync(file, withBytes('Welcome to our new site', 'Welcome ', [0xc3, 0x28], 'to our new site'));
        const before = await dumpDatabase(db.db, dialect);
        const run = spawnSync(process.execPath, [path.join(ROOT, 'bin/alongside.js'), 'import-wordpress', file], {
          cwd: ROOT,
          env: { ...process.env, DATABASE_URL: db.url, DATA_DIR: db.dataDir, LOG_LEVEL: 'silent' },
          encoding: 'utf8',
        });
        assert.equal(run.status, 1, run.stdout + run.stderr);
        assert.match(
          run.stderr,
          /^Item 1 \(wp:post_id 101\), title: the text is not valid UTF-8 \(0xC3 at character 9\)\..*Nothing was imported\.\n$/,
        );
        assert.equal(run.stdout, '');
        assert.equal(await dumpDatabase(db.db, dialect), before, 'nothing changed');
      } finally {
        await db.destroy();
      }
    });
  }
});
