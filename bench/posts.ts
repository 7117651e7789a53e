/*
 * Post page throughput: a 1,500-word post with 100 approved comments, served by `alongside serve`
 * in its own process, against a bare node:http server sending the same bytes (the Brotli-compressed
 * page a browser gets, since both are asked with a browser's Accept-Encoding; autocannon, 50
 * connections, interleaved rounds). Then checks, through the app's own forms, that the page stays
 * correct: an editor's edit and a newly approved reader's comment show on the next request.
 * Run: node --import tsx bench/posts.ts [--duration 4] [--connections 50]  (BENCH_ROUNDS=5 by default)
 */
import { brotliDecompressSync } from 'node:zlib';
import { csrfFrom, formValues } from '../test/support/staff.ts';
import { openBenchDatabase } from './database.ts';
import { addLongPost } from './long-post.ts';
import {
  benchSettings,
  httpRequest,
  logInAsStaff,
  measureRatio,
  postForm,
  sameResponseAs,
  startApp,
  startBareServer,
} from './harness.ts';

const settings = benchSettings({ duration: 4, connections: 50, rounds: 5 });

// ── data: the post and its comments, written through the publishing service ──
const database = await openBenchDatabase('sqlite', 'posts');
const { db } = database.handle;

const { id: postId, words } = await addLongPost(db, database.staff.id, {
  slug: 'bench',
  title: 'A long post for the benchmark',
  tags: 'Harm reduction, Outreach, Rights',
  contentNote: 'mentions violence',
});

// ── measurement: the app in its own process ──
// 'info' logs a line for every request that reaches Fastify, which is how misses are counted below.
const app = await startApp(database, { logLevel: 'debug' });
const PAGE = '/posts/bench';
// As a browser asks: the page travels Brotli-compressed, and the bare server sends those same bytes.
const BROWSER = { 'accept-encoding': 'gzip, deflate, br' };
const first = await httpRequest(app.url + PAGE, { headers: BROWSER });
if (first.status !== 200) throw new Error(`page answered ${first.status}`);
// The second answer is a cache hit: the bytes the runs measure, x-cache header included.
const hit = await httpRequest(app.url + PAGE, { headers: BROWSER });
if (hit.headers['x-cache'] !== 'hit' || !hit.body.equals(first.body))
  throw new Error('the second request for the page was not the same page from the cache');
if (hit.headers['content-encoding'] !== 'br') throw new Error('the page was not sent Brotli-compressed');
const plain = await httpRequest(app.url + PAGE);
const html = plain.text();
if (!brotliDecompressSync(hit.body).equals(plain.body)) throw new Error('the compressed page is not the plain page');
const shownComments = (html.match(/class="comment"/g) ?? []).length;
const textWords = html
  .replace(/<[^>]+>/g, ' ')
  .split(/\s+/)
  .filter(Boolean).length;
const bare = await startBareServer(sameResponseAs(hit));

console.log(
  `Post page: ${(plain.body.length / 1024).toFixed(1)} KB (${(hit.body.length / 1024).toFixed(1)} KB with Brotli), ~${words} words of Markdown, ${shownComments} comments shown (${textWords} words on the page), SQLite`,
);
const loggedBefore = app.requestsLogged('/posts/:slug');
await measureRatio({
  label: 'post page',
  app: { url: app.url + PAGE, headers: BROWSER },
  bare: { url: bare.url + PAGE, headers: BROWSER },
  settings,
  target: 'target ≥ 0.7×; ≥ 0.9× with compression',
});
console.log(
  `p99 target for the post page: < 25 ms (median p99 above); requests for the page that got past the raw page cache during the runs: ${app.requestsLogged('/posts/:slug') - loggedBefore} (renders are at most this); app rss ${app.rssMb().toFixed(0)} MB`,
);

// ── correctness, through the app as people use it ──
// Writes go through the app process, so its page cache sees them as it would in production.
const staff = await logInAsStaff(app.url, database.staff);
const editPage = await httpRequest(`${app.url}/admin/posts/${postId}/edit`, { headers: { cookie: staff.cookie } });
const fields = {
  ...formValues(editPage.text(), `/admin/posts/${postId}`),
  title: 'A long post, edited',
  intent: 'save',
};
const edited = await postForm(`${app.url}/admin/posts/${postId}`, fields, { cookie: staff.cookie });
if (edited.status !== 303) throw new Error(`the edit answered ${edited.status}: ${edited.text().slice(0, 300)}`);
const afterEdit = (await httpRequest(app.url + PAGE)).text();

const commentForm = await httpRequest(`${app.url}${PAGE}/comments/new`);
const NEW_COMMENT = 'A brand-new comment, approved by a moderator.';
const submitted = await postForm(`${app.url}${PAGE}/comments`, {
  _csrf: csrfFrom(commentForm.text()),
  name: 'New reader',
  body: NEW_COMMENT,
  website: '',
});
if (submitted.status !== 201) throw new Error(`the comment answered ${submitted.status}`);
const beforeApproval = (await httpRequest(app.url + PAGE)).text();
const { id: commentId } = await database.read((db) =>
  db.selectFrom('comments').select('id').where('body_md', '=', NEW_COMMENT).executeTakeFirstOrThrow(),
);
const approved = await postForm(
  `${app.url}/admin/comments/moderate`,
  { single: `${commentId}:approve`, _csrf: staff.csrf },
  { cookie: staff.cookie },
);
if (approved.status !== 303) throw new Error(`approving answered ${approved.status}`);
const afterApproval = (await httpRequest(app.url + PAGE)).text();
console.log(
  `edit shows on next request: ${afterEdit.includes('A long post, edited')}; new comment hidden while waiting for moderation: ${!beforeApproval.includes(NEW_COMMENT)}; shows once approved: ${afterApproval.includes(NEW_COMMENT)}`,
);

await app.stop();
await bare.stop();
await database.close();
