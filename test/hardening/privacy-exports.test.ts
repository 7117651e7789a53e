import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, it } from 'node:test';
import tar from 'tar-stream';
import { decrypting } from '../../src/core/backup/encryption.ts';
import { findOnPath } from '../../src/core/backup/postgres.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { DIALECTS, PROBE_IP, PROBE_UA, createTestApp, type TestApp } from '../support/app.ts';
import { PASSPHRASE, run, tempDir } from '../support/backup.ts';
import { easyChallenges, makePost, solvedAltcha } from '../support/comments.ts';
import { csrfFrom, formValues, loginAs, postForm } from '../support/staff.ts';

/*
 * Privacy beyond the live database and logs (test/support/app.ts checks those on every close):
 * what leaves the site — an encrypted `alongside backup` (decrypted here; the PostgreSQL dump read
 * back as SQL by pg_restore), the `export-hsds` data package, the HSDS API in JSON and NDJSON, the
 * feeds, the calendar and the learner's code file — must hold no client address, no forwarded
 * address and no user-agent either. Every request of the test comes from the probe client, through
 * a trusted proxy that names a forwarded address of its own (so that address is the one the app
 * sees as the client's), after readers commented, pledged, suggested a resource (approved, so it is
 * in the exports), reported one, started a course, and someone failed to log in.
 */
const FORWARDED_IP = '198.51.100.77';
const NEEDLES = [PROBE_IP, PROBE_UA, 'AlongsidePrivacyProbe', FORWARDED_IP];
const COURSE = 'supporting-not-rescuing';
const CAMPAIGN = '16-days-2026';
const SUGGESTED = 'Privacy probe drop-in';

/** The test app, every request sent through a proxy that forwards the probe's own address. */
function behindProxy(t: TestApp): TestApp {
  return {
    ...t,
    inject: (o) => {
      const options = typeof o === 'string' ? { url: o } : o;
      return t.inject({
        ...options,
        headers: { 'x-forwarded-for': FORWARDED_IP, forwarded: `for=${FORWARDED_IP}`, ...(options.headers ?? {}) },
      });
    },
  };
}

/** Where client data turned up: every output is searched before the test says which. */
function tracesIn(what: string, content: string | Buffer): string[] {
  return NEEDLES.filter((needle) => content.includes(needle)).map((needle) => `${what}: ${needle}`);
}

/** A reader's traffic: the writes a visitor can make, each carrying the probe's address and user-agent. */
async function readersWrite(t: TestApp) {
  await easyChallenges(t.db);
  const post = await makePost(t.db, { title: 'Privacy probe post' });
  const csrf = csrfFrom((await t.inject(`/posts/${post.slug}/comments/new`)).body);
  // The app sees the forwarded address as the client's: the proxy is trusted.
  const comment = await postForm(t, `/posts/${post.slug}/comments`, {
    _csrf: csrf,
    name: 'Probe reader',
    body: 'A comment from the privacy probe.',
    altcha: await solvedAltcha(t),
  });
  assert.equal(comment.statusCode, 201, 'the comment is taken');
  const pledge = await postForm(t, `/campaigns/${CAMPAIGN}/pledges`, {
    _csrf: csrf,
    action: 'Listen before acting',
    days: '1',
    kind: 'learn',
    altcha: await solvedAltcha(t),
  });
  assert.ok([201, 303].includes(pledge.statusCode), `the pledge is taken: ${pledge.statusCode}`);
  const suggestion = await postForm(t, '/resources/suggest', {
    _csrf: csrf,
    name: SUGGESTED,
    url: 'https://probe.example.org/',
    context: 'Open on Tuesdays.',
  });
  assert.equal(suggestion.statusCode, 200, 'the suggestion is taken');
  const listing = await t.db
    .selectFrom('service')
    .select('slug')
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  const report = await postForm(t, `/resources/${listing.slug}/report`, {
    _csrf: csrf,
    message: 'The phone number has changed.',
  });
  assert.ok([200, 303].includes(report.statusCode), `the report is taken: ${report.statusCode}`);
  const course = await postForm(t, `/training/${COURSE}/start`, { _csrf: csrf });
  assert.equal(course.statusCode, 303, 'the course starts');
  const badLogin = await postForm(t, '/admin/login', { _csrf: csrf, email: 'nobody@staff.test', password: 'wrong' });
  assert.ok(badLogin.statusCode >= 400, 'a wrong login is refused');
  return { courseCookie: String(course.headers['set-cookie']).split(';')[0]! };
}

/** Staff approve the suggestion, so a reader's text is in every directory export. */
async function approveSuggestion(t: TestApp) {
  const admin = await loginAs(t, 'admin');
  const { id } = await t.db.selectFrom('resource_suggestions').select('id').executeTakeFirstOrThrow();
  const action = `/admin/resources/suggestions/${id}/approve`;
  const review = await t.inject({ url: `/admin/resources/suggestions/${id}`, headers: { cookie: admin.cookie } });
  const res = await postForm(t, action, formValues(review.body, action), admin);
  assert.equal(res.statusCode, 303, 'the suggestion is approved');
}

/** The entries of a backup archive (decrypted when it is), a PostgreSQL dump turned back into SQL. */
async function backupContents(file: string): Promise<{ name: string; data: Buffer }[]> {
  const plain = await decrypting(fs.createReadStream(file), PASSPHRASE);
  const parts: Buffer[] = [];
  for await (const chunk of plain) parts.push(chunk as Buffer);
  const extract = tar.extract();
  const entries: { name: string; data: Buffer }[] = [];
  const reading = (async () => {
    for await (const entry of extract) {
      const data: Buffer[] = [];
      for await (const chunk of entry) data.push(chunk as Buffer);
      entries.push({ name: entry.header.name, data: Buffer.concat(data) });
    }
  })();
  extract.end(zlib.gunzipSync(Buffer.concat(parts)));
  await reading;
  for (const entry of entries.filter((e) => e.name.endsWith('.pgdump'))) {
    // The custom format compresses table data: read it back as the SQL it restores.
    const pgRestore = findOnPath('pg_restore');
    assert.ok(pgRestore, 'pg_restore is on the PATH');
    const dumpFile = path.join(path.dirname(file), 'database.pgdump');
    fs.writeFileSync(dumpFile, entry.data);
    const sql = spawnSync(pgRestore, ['--file=-', dumpFile], { maxBuffer: 256 * 1024 * 1024 });
    assert.equal(sql.status, 0, sql.stderr.toString());
    entries.push({ name: `${entry.name} as SQL`, data: sql.stdout });
  }
  return entries;
}

const filesUnder = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));

for (const dialect of DIALECTS) {
  describe(`privacy of backups and exports (${dialect})`, () => {
    it('no client address, forwarded address or user-agent in a decrypted backup or any export', async () => {
      const app = await createTestApp(dialect, { env: { TRUST_PROXY: PROBE_IP } });
      const t = behindProxy(app);
      const work = tempDir('alongside-privacy-');
      try {
        await seedDemo(t.db, t.clock);
        const { courseCookie } = await readersWrite(t);
        await approveSuggestion(t);
        const env = { DATA_DIR: t.database.dataDir, DATABASE_URL: t.database.url };

        const archive = path.join(work, 'site.tar.gz.age');
        const made = await run(['backup', '--out', archive, '--encrypt'], {
          ...env,
          ALONGSIDE_BACKUP_PASSPHRASE: PASSPHRASE,
        });
        assert.equal(made.code, 0, made.err);
        const entries = await backupContents(archive);
        assert.ok(
          entries.some((e) => e.data.includes('A comment from the privacy probe.')),
          'the backup holds the readers’ writing (the search below is not of an empty file)',
        );
        const traces = entries.flatMap((entry) => tracesIn(`the backup's ${entry.name}`, entry.data));

        const exportDir = path.join(work, 'hsds');
        const exported = await run(['export-hsds', exportDir], env);
        assert.equal(exported.code, 0, exported.err);
        const files = filesUnder(exportDir);
        assert.ok(
          files.some((f) => fs.readFileSync(f, 'utf8').includes(SUGGESTED)),
          'the export holds the approved suggestion',
        );
        for (const file of files) traces.push(...tracesIn(`export-hsds ${path.basename(file)}`, fs.readFileSync(file)));

        const serviceIds: string[] = [];
        for (let page = 1, last = false; !last; page++) {
          const listed = JSON.parse((await t.inject(`/api/hsds/services?per_page=100&page=${page}`)).body) as {
            contents: { id: string }[];
            last_page: boolean;
          };
          serviceIds.push(...listed.contents.map((s) => s.id));
          last = listed.last_page;
        }
        const urls = [
          '/api/hsds',
          '/api/hsds/services?per_page=100',
          '/api/hsds/services?format=ndjson',
          ...serviceIds.map((id) => `/api/hsds/services/${id}`),
          '/api/hsds/service_at_locations?per_page=100',
          '/api/hsds/organizations?full_service=true',
          '/api/hsds/taxonomies',
          '/api/hsds/taxonomy_terms',
          '/feed.xml',
          '/atom.xml',
          '/feed.json',
          '/comments.atom',
          `/campaigns/${CAMPAIGN}/pledges.atom`,
          `/campaigns/${CAMPAIGN}/events.ics`,
          '/sitemap.xml',
        ];
        const bodies: string[] = [];
        for (const url of urls) {
          const res = await t.inject(url);
          assert.equal(res.statusCode, 200, url);
          traces.push(...tracesIn(url, res.body));
          bodies.push(res.body);
        }
        const code = await t.inject({ url: '/training/my-code.txt', headers: { cookie: courseCookie } });
        assert.equal(code.statusCode, 200, 'the learner downloads their code');
        traces.push(...tracesIn('/training/my-code.txt', code.body));
        assert.ok(bodies.join('').includes(SUGGESTED), 'the API holds the approved suggestion');
        assert.deepEqual(traces, [], 'client data in what leaves the site');
      } finally {
        fs.rmSync(work, { recursive: true, force: true });
        // The probe's own check of every table and log line.
        await app.close();
      }
    });
  });
}
