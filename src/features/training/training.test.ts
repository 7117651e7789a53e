import { assetUrl } from '../../core/http/assets.ts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createStaff } from '../../core/auth/service.ts';
import { cacheTags } from '../../core/cache/tags.ts';
import { DIALECTS, createTestApp, dumpDatabase, type TestApp } from '../../../test/support/app.ts';
import { cookieFrom, csrfFrom, loginAs, postForm } from '../../../test/support/staff.ts';
import {
  CODE_WORDS,
  generateCertificateCode,
  generateProgressCode,
  normalizeCertificateCode,
  normalizeProgressCode,
} from './code.ts';
import { allLessons, isGraded, type CourseContent, type Lesson } from './content.ts';
import { certificateText } from './pdf.ts';
import { gradeQuiz, parseAnswers, validateCertificateName, type Certificate } from './service.ts';
import { seedTraining } from './seed.ts';
import { WORDS } from './words.ts';

const COURSE = 'supporting-not-rescuing';
const NAME = 'Łucja Ōtsuka-Nguyễn';

/** A string of the PDF's document information (`/Title`, `/Subject`) or catalog (`/Lang`), UTF-16 decoded. */
function pdfString(pdf: Buffer, name: string): string {
  const raw = pdf.toString('latin1');
  const ref = new RegExp(`/${name} (\\d+) 0 R`).exec(raw);
  const literal = ref
    ? new RegExp(`\\n${ref[1]} 0 obj\\n\\(([^\\n]*)\\)\\n`).exec(raw)?.[1]
    : new RegExp(`/${name} \\(([^)]*)\\)`).exec(raw)?.[1];
  assert.ok(literal !== undefined, `no /${name} in the PDF`);
  const bytes = Buffer.from(literal, 'latin1');
  if (bytes[0] !== 0xfe || bytes[1] !== 0xff) return literal;
  return bytes.subarray(2).swap16().toString('utf16le');
}

describe('certificate text (no database)', () => {
  const cert: Certificate = {
    code: '7KQ2-M9XD-4TPA',
    courseTitle: 'Soutenir sans sauver',
    holderName: NAME,
    issuedOn: '2026-11-25',
    revokedAt: null,
    revokedReason: null,
  };
  const url = 'https://example.org/certificates/7KQ2-M9XD-4TPA';

  it('prints every sentence in the reader’s language, the date through Intl, names as written', () => {
    const en = certificateText(cert, 'Alongside', url, 'en');
    const fr = certificateText(cert, 'Alongside', url, 'fr');
    assert.equal(en.issued, 'on 25 November 2026, with Alongside.');
    assert.equal(fr.issued, 'le 25 novembre 2026, avec Alongside.');
    assert.equal(fr.heading, 'Certificat de réussite');
    assert.equal(fr.code, 'Code de vérification : 7KQ2-M9XD-4TPA');
    assert.equal(fr.check, `Vérifiez l’authenticité de ce certificat sur ${url}`);
    assert.equal(fr.documentTitle, 'Certificat : Soutenir sans sauver');
    for (const key of Object.keys(en) as (keyof typeof en)[]) assert.notEqual(fr[key], en[key], key);
  });
});

describe('progress codes and rules (no database)', () => {
  it('draws from 2048 distinct lower-case words, 5 of them (55 bits)', () => {
    assert.equal(WORDS.length, 2048);
    assert.equal(new Set(WORDS).size, 2048);
    assert.ok(WORDS.every((w) => /^[a-z]{3,8}$/.test(w)));
    assert.ok(CODE_WORDS * Math.log2(WORDS.length) >= 55);
  });

  it('accepts a code typed in any case with any separators, and refuses anything else', () => {
    const code = generateProgressCode();
    assert.equal(normalizeProgressCode(code.toUpperCase().replace(/-/g, '  ')), code);
    assert.equal(normalizeProgressCode(code.split('-').slice(0, 4).join('-')), undefined);
    assert.equal(normalizeProgressCode('zzzzz-qqqqq-xxxxx-yyyyy-wwwww'), undefined);
  });

  it('reads certificate codes forgivingly (O for 0, lower case)', () => {
    const code = generateCertificateCode();
    assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    assert.equal(normalizeCertificateCode(code.toLowerCase().replace(/-/g, '')), code);
    assert.equal(normalizeCertificateCode('nope'), undefined);
  });

  it('checks certificate names: empty, too long, control and direction characters are refused', () => {
    assert.equal(validateCertificateName(`  ${NAME}  `).ok && validateCertificateName(NAME).ok, true);
    assert.equal(validateCertificateName('   ').ok, false);
    assert.equal(validateCertificateName('x'.repeat(121)).ok, false);
    assert.equal(validateCertificateName('Ana\u0000Lopez').ok, false);
    assert.equal(validateCertificateName('Ana\u202ELopez').ok, false);
    assert.equal(validateCertificateName('12345').ok, false);
  });

  it('grades a quiz: a question is right only with exactly the right options; unknown questions are refused', () => {
    const lesson: Lesson = {
      key: 'l1',
      slug: 'x',
      title: 'x',
      bodyMd: '',
      isRequired: true,
      passMark: 50,
      questions: [
        {
          key: 'q1',
          kind: 'single',
          prompt: 'a',
          options: [
            { text: 'y', isCorrect: true, explanation: 'e' },
            { text: 'n', isCorrect: false, explanation: 'e' },
          ],
        },
        {
          key: 'q2',
          kind: 'multiple',
          prompt: 'b',
          options: [
            { text: 'y', isCorrect: true, explanation: 'e' },
            { text: 'y2', isCorrect: true, explanation: 'e' },
            { text: 'n', isCorrect: false, explanation: 'e' },
          ],
        },
        { key: 'q3', kind: 'reflection', prompt: 'c', options: [] },
      ],
    };
    const answers = parseAnswers(lesson, { q_q1: '0', q_q2: ['0'] });
    assert.ok(answers.ok);
    const graded = gradeQuiz(lesson, answers.value);
    assert.equal(graded.score, 50);
    assert.equal(graded.isPassed, true);
    assert.equal(parseAnswers(lesson, { q_q9: '0' }).ok, false, 'a question not in the lesson');
    assert.equal(parseAnswers(lesson, { q_q3: '0' }).ok, false, 'reflections are never sent');
    assert.equal(parseAnswers(lesson, { q_q1: '7' }).ok, false, 'an option that does not exist');
    assert.equal(parseAnswers(lesson, { q_q1: ['0', '1'] }).ok, false, 'two answers to a single-choice question');
  });
});

/** The published content, read straight from the database, to know the right answers. */
async function publishedContent(t: TestApp, slug = COURSE): Promise<CourseContent> {
  const row = await t.db
    .selectFrom('training_courses as c')
    .innerJoin('training_course_versions as v', 'v.id', 'c.published_version_id')
    .select('v.content_json')
    .where('c.slug', '=', slug)
    .executeTakeFirstOrThrow();
  return JSON.parse(row.content_json) as CourseContent;
}

function rightAnswers(lesson: Lesson): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const q of lesson.questions.filter(isGraded))
    out[`q_${q.key}`] = q.options.flatMap((o, i) => (o.isCorrect ? [String(i)] : []));
  return out;
}

function wrongAnswers(lesson: Lesson): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const q of lesson.questions.filter(isGraded))
    out[`q_${q.key}`] = String(q.options.findIndex((o) => !o.isCorrect));
  return out;
}

/** An explanation as the page escapes it (the first 40 characters are enough to tell them apart). */
const shown = (body: string, text: string) =>
  body.includes(
    text
      .slice(0, 40)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/'/g, '&#39;')
      .replace(/"/g, '&quot;'),
  );

/** A failed try: each chosen option's explanation, no right answer marked, no unchosen option explained. */
function assertFailedFeedback(body: string, lesson: Lesson, answers: Record<string, string | string[]>) {
  assert.doesNotMatch(body, /\(right answer\)/);
  for (const q of lesson.questions.filter(isGraded)) {
    const chosen = [answers[`q_${q.key}`] ?? []].flat().map(Number);
    for (const [i, o] of q.options.entries()) {
      if (chosen.includes(i)) assert.ok(shown(body, o.explanation), `chosen: ${o.explanation}`);
      else assert.ok(!shown(body, o.explanation), `not chosen, not shown: ${o.explanation}`);
    }
  }
}

/** Every option explained, the right ones marked. */
function assertAnswersShown(body: string, lesson: Lesson) {
  for (const q of lesson.questions.filter(isGraded)) {
    for (const o of q.options) assert.ok(shown(body, o.explanation), o.explanation);
    const right = q.options.filter((o) => o.isCorrect).length;
    assert.ok(right > 0);
  }
  assert.match(body, /\(right answer\)/);
}

interface Learner {
  cookie: string;
  code: string;
}

async function startAs(t: TestApp, slug = COURSE, cookie?: string): Promise<Learner> {
  const page = await t.inject({ url: `/training/${slug}`, headers: cookie ? { cookie } : {} });
  const res = await t.inject({
    method: 'POST',
    url: `/training/${slug}/start`,
    payload: new URLSearchParams({ _csrf: csrfFrom(page.body) }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
  });
  assert.equal(res.statusCode, 303);
  if (cookie) return { cookie, code: decodeURIComponent(cookie.split('=')[1]!) };
  const code = decodeURIComponent(cookieFrom(res.headers['set-cookie'], 'alongside_training') ?? '');
  assert.ok(normalizeProgressCode(code), 'a five-word code');
  return { cookie: `alongside_training=${encodeURIComponent(code)}`, code };
}

async function post(t: TestApp, url: string, fields: Record<string, string | string[]>, cookie?: string) {
  const form = await t.inject({ url: '/training/resume' });
  const body = new URLSearchParams();
  body.append('_csrf', csrfFrom(form.body));
  for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
  return t.inject({
    method: 'POST',
    url,
    payload: body.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
  });
}

async function finishCourse(t: TestApp, learner: Learner) {
  const content = await publishedContent(t);
  for (const lesson of allLessons(content)) {
    if (!lesson.isRequired) continue;
    const res = lesson.questions.some(isGraded)
      ? await post(t, `/training/${COURSE}/${lesson.slug}/quiz`, rightAnswers(lesson), learner.cookie)
      : await post(t, `/training/${COURSE}/${lesson.slug}/complete`, {}, learner.cookie);
    assert.ok([200, 303].includes(res.statusCode), `lesson ${lesson.slug}: ${res.statusCode}`);
  }
}

async function seed(t: TestApp) {
  const admin = await createStaff(t.db, t.clock, {
    email: 'seed-admin@staff.test',
    role: 'admin',
    displayName: 'Seed admin',
  });
  assert.ok(admin.ok);
  await seedTraining({ db: t.db, clock: t.clock, authors: { adminId: admin.value.id, editorId: admin.value.id } });
}

for (const dialect of DIALECTS) {
  describe(`training for learners (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
      await seed(t);
    });
    after(() => t.close());

    it('lists the demo course in the catalogue, sets no cookie, and serves it from the page cache', async () => {
      const first = await t.inject('/training');
      assert.equal(first.statusCode, 200);
      assert.match(first.body, /Supporting, not rescuing/);
      assert.match(first.body, /Frontline workers, volunteers and allies/);
      assert.match(first.body, /About 60 minutes/);
      assert.equal(first.headers['set-cookie'], undefined);
      const second = await t.inject('/training');
      assert.equal(second.headers['x-cache'], 'hit');
      const home = await t.inject('/');
      assert.match(home.body, /href="\/training\/supporting-not-rescuing"/);
    });

    it('shows the course with its modules and lessons, and lessons in Markdown with previous/next', async () => {
      const course = await t.inject(`/training/${COURSE}`);
      assert.equal(course.statusCode, 200);
      assert.match(course.body, /Where we start from/);
      assert.match(course.body, /Start this course/);
      const lesson = await t.inject(`/training/${COURSE}/sex-work-and-trafficking`);
      assert.equal(lesson.statusCode, 200);
      assert.match(lesson.body, /<strong>coercion and exploitation<\/strong>/);
      assert.match(lesson.body, /rel="prev"/);
      assert.match(lesson.body, /rel="next"/);
      assert.equal(lesson.headers['set-cookie'], undefined);
      assert.equal((await t.inject(`/training/${COURSE}/sex-work-and-trafficking`)).headers['x-cache'], 'hit');
    });

    it('answers unknown course and lesson addresses with 404', async () => {
      assert.equal((await t.inject('/training/no-such-course')).statusCode, 404);
      assert.equal((await t.inject(`/training/${COURSE}/no-such-lesson`)).statusCode, 404);
      assert.equal((await t.inject('/certificates/AAAA-BBBB-CCCC')).statusCode, 404);
    });

    it('keeps reflection prompts out of every form: no name, nothing to submit', async () => {
      const lesson = await t.inject(`/training/${COURSE}/why-not-rescue`);
      const textareas = lesson.body.match(/<textarea[^>]*>/g) ?? [];
      assert.ok(textareas.length >= 1);
      for (const ta of textareas) {
        assert.doesNotMatch(ta, /\sname=/);
        assert.match(ta, /data-reflection=/);
      }
      const forms = lesson.body.match(/<form[\s\S]*?<\/form>/g) ?? [];
      assert.ok(forms.every((f) => !f.includes('<textarea')));
      assert.ok(lesson.body.includes(`src="${assetUrl('training.js')}"`), 'the lesson loads training.js');
    });

    it('grades quizzes for anonymous visitors without keeping anything but aggregate counts', async () => {
      const content = await publishedContent(t);
      const lesson = allLessons(content)[0]!;
      const res = await post(t, `/training/${COURSE}/${lesson.slug}/quiz`, wrongAnswers(lesson));
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Not passed yet/);
      assert.match(res.body, /Your answers were not kept/);
      // Which answers were wrong and why the chosen options were; never the right answers on a failed try.
      assertFailedFeedback(res.body, lesson, wrongAnswers(lesson));
      assert.match(res.body, /The right answers are shown once you pass\./);
      assert.equal((await t.db.selectFrom('training_learners').selectAll().execute()).length, 0);
      assert.equal(res.headers['set-cookie'], undefined);
    });

    it('lands a quiz submit on its answer: the score, or the refusal (#answer)', async () => {
      const lesson = allLessons(await publishedContent(t))[0]!;
      const url = `/training/${COURSE}/${lesson.slug}`;
      const page = await t.inject(url);
      assert.match(page.body, new RegExp(`<form method="post" action="${url}/quiz#answer"`));
      assert.doesNotMatch(page.body, /id="answer"/, 'nothing to land on before an answer');
      const scored = await post(t, `${url}/quiz`, wrongAnswers(lesson));
      // The score is the first thing inside the element the fragment names.
      assert.match(
        scored.body,
        /<div class="quiz-result answer" id="answer"><div[^>]*class="notice[^"]*"[^>]*><p><strong>You scored \d+%/,
      );
      assert.equal(scored.body.match(/id="answer"/g)?.length, 1);
      const key = lesson.questions.find(isGraded)!.key;
      const refused = await post(t, `${url}/quiz`, { [`q_${key}`]: '99' });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /<div id="answer" class="answer"><div id="error-summary"/);
      assert.equal(refused.body.match(/id="answer"/g)?.length, 1);
    });

    it('gives every training page a meta description', async () => {
      const learner = await startAs(t);
      const content = await publishedContent(t);
      const pages = ['/training', `/training/${COURSE}`, '/training/resume', '/training/code'];
      for (const lesson of allLessons(content)) pages.push(`/training/${COURSE}/${lesson.slug}`);
      for (const url of pages) {
        const res = await t.inject({ url, headers: { cookie: learner.cookie } });
        assert.equal(res.statusCode, 200, url);
        const description = /<meta name="description" content="([^"]{20,})"/.exec(res.body)?.[1];
        assert.ok(description, `${url} has a meta description`);
        assert.ok(description.length <= 300, url);
        assert.doesNotMatch(description, /[#*`]|\]\(/, `${url}: plain text`);
      }
    });

    it('shows a learner the right answers only after a pass or after three tries', async () => {
      const learner = await startAs(t);
      const content = await publishedContent(t);
      const [first, second] = allLessons(content);
      const quiz = (lesson: Lesson, answers: Record<string, string | string[]>) =>
        post(t, `/training/${COURSE}/${lesson.slug}/quiz`, answers, learner.cookie);
      const one = await quiz(first!, wrongAnswers(first!));
      assertFailedFeedback(one.body, first!, wrongAnswers(first!));
      assert.match(one.body, /or after 2 more tries\./);
      const two = await quiz(first!, {});
      assert.match(two.body, /You did not choose an answer\./);
      assert.match(two.body, /or after 1 more try\./);
      assert.doesNotMatch(two.body, /\(right answer\)/);
      const three = await quiz(first!, wrongAnswers(first!));
      assert.match(three.body, /Not passed yet/);
      assert.match(three.body, /here are the right answers/);
      assertAnswersShown(three.body, first!);
      // A pass shows them at once, on a lesson never failed.
      const passed = await quiz(second!, rightAnswers(second!));
      assert.match(passed.body, /Passed\./);
      assertAnswersShown(passed.body, second!);
      // …and after a pass, a later failed try may see them too.
      const again = await quiz(second!, wrongAnswers(second!));
      assertAnswersShown(again.body, second!);
    });

    it('refuses answers to questions that are not in the lesson, and changes nothing', async () => {
      const learner = await startAs(t);
      const content = await publishedContent(t);
      const [first, second] = allLessons(content);
      const before = await dumpDatabase(t.db, t.dialect);
      const res = await post(
        t,
        `/training/${COURSE}/${first!.slug}/quiz`,
        { ...rightAnswers(first!), ...rightAnswers(second!) },
        learner.cookie,
      );
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /not in this lesson/);
      assert.equal(await dumpDatabase(t.db, t.dialect), before);
    });

    it('keeps the code in a session cookie unless the learner asks to be remembered for 30 days', async () => {
      const lifetimeOf = (res: { headers: Record<string, unknown> }) => {
        const header = String(res.headers['set-cookie']);
        assert.match(header, /^alongside_training=[a-z-]+;/);
        assert.doesNotMatch(header, /Expires=/i, 'never an absolute expiry');
        return /Max-Age=(\d+)/.exec(header)?.[1] ?? 'session';
      };
      const page = await t.inject(`/training/${COURSE}`);
      assert.match(page.body, /<input type="checkbox" id="field-remember" name="remember" value="1"(?! checked)/);
      assert.match(page.body, /Remember me on this device for 30 days/);
      const start = (fields: Record<string, string>) => post(t, `/training/${COURSE}/start`, fields);
      const plain = await start({});
      assert.equal(plain.statusCode, 303);
      assert.equal(lifetimeOf(plain), 'session');
      const remembered = await start({ remember: '1' });
      assert.equal(lifetimeOf(remembered), String(30 * 24 * 3600));
      const code = decodeURIComponent(cookieFrom(plain.headers['set-cookie'], 'alongside_training')!);
      assert.equal(lifetimeOf(await post(t, '/training/resume', { code })), 'session');
      assert.equal(lifetimeOf(await post(t, '/training/resume', { code, remember: '1' })), String(30 * 24 * 3600));
      // A refused code keeps the choice the learner made on the form.
      const wrong = await post(t, '/training/resume', { code: 'not a code', remember: '1' });
      assert.equal(wrong.statusCode, 400);
      assert.match(wrong.body, /id="field-remember" name="remember" value="1" checked/);
      assert.equal(wrong.headers['set-cookie'], undefined);
    });

    it('start → code shown once with download → answer → resume elsewhere → complete → certificate → verify', async () => {
      // Start: a cookie carrying the code, HttpOnly and SameSite=Lax, limited to /training.
      const page = await t.inject(`/training/${COURSE}`);
      const start = await t.inject({
        method: 'POST',
        url: `/training/${COURSE}/start`,
        payload: `_csrf=${encodeURIComponent(csrfFrom(page.body))}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(start.statusCode, 303);
      assert.equal(start.headers.location, `/training/code?course=${COURSE}`);
      const setCookie = String(start.headers['set-cookie']);
      assert.match(setCookie, /HttpOnly/);
      assert.match(setCookie, /SameSite=Lax/);
      assert.match(setCookie, /Path=\/training/);
      const code = decodeURIComponent(cookieFrom(start.headers['set-cookie'], 'alongside_training')!);
      const cookie = `alongside_training=${encodeURIComponent(code)}`;

      const shown = await t.inject({ url: '/training/code?course=' + COURSE, headers: { cookie } });
      assert.equal(shown.statusCode, 200);
      assert.ok(shown.body.includes(code));
      assert.equal(shown.headers['cache-control'], 'no-store');
      const txt = await t.inject({ url: '/training/my-code.txt', headers: { cookie } });
      assert.match(String(txt.headers['content-disposition']), /attachment/);
      assert.ok(txt.body.includes(code));

      // Personal pages are never cached and say so.
      const lessonPage = await t.inject({ url: `/training/${COURSE}/why-not-rescue`, headers: { cookie } });
      assert.equal(lessonPage.headers['cache-control'], 'no-store');
      assert.notEqual(lessonPage.headers['x-cache'], 'hit');

      // A certificate before completion is refused.
      const early = await post(t, `/training/${COURSE}/certificate`, { name: NAME }, cookie);
      assert.equal(early.statusCode, 409);
      assert.match(early.body, /Finish every required lesson/);

      // Answer one lesson on this device…
      const content = await publishedContent(t);
      const first = allLessons(content)[0]!;
      const ok1 = await post(t, `/training/${COURSE}/${first.slug}/quiz`, rightAnswers(first), cookie);
      assert.equal(ok1.statusCode, 200);
      assert.match(ok1.body, /Passed/);

      // …forget this device…
      const forget = await post(t, '/training/forget', {}, cookie);
      assert.equal(forget.statusCode, 303);
      assert.match(String(forget.headers['set-cookie']), /alongside_training=;/);

      // …and resume on a "new device" by typing the code in capitals with spaces.
      const resumed = await post(t, '/training/resume', {
        code: code.toUpperCase().replace(/-/g, ' '),
        passphrase: '',
      });
      assert.equal(resumed.statusCode, 303);
      const newCookie = `alongside_training=${encodeURIComponent(cookieFrom(resumed.headers['set-cookie'], 'alongside_training')!)}`;
      const mine = await t.inject({ url: '/training', headers: { cookie: newCookie } });
      assert.match(mine.body, /Your courses on this device/);
      assert.match(mine.body, /1 of 6 lessons done/);
      assert.equal(mine.headers['cache-control'], 'no-store');

      await finishCourse(t, { cookie: newCookie, code });
      const done = await t.inject({ url: '/training', headers: { cookie: newCookie } });
      assert.match(done.body, /Completed/);

      // Bad names change nothing.
      const countBefore = (await t.db.selectFrom('training_certificates').selectAll().execute()).length;
      for (const bad of ['', 'x'.repeat(200), 'Ana\u0007Lopez']) {
        const res = await post(t, `/training/${COURSE}/certificate`, { name: bad }, newCookie);
        assert.equal(res.statusCode, 400, JSON.stringify(bad));
      }
      assert.equal((await t.db.selectFrom('training_certificates').selectAll().execute()).length, countBefore);

      const issued = await post(t, `/training/${COURSE}/certificate`, { name: NAME }, newCookie);
      assert.equal(issued.statusCode, 303);
      // A new certificate lands on a congratulation page that links to the PDF and the verification page.
      const issuedUrl = String(issued.headers.location);
      assert.match(issuedUrl, /^\/certificates\/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\/issued$/);
      const certUrl = issuedUrl.replace(/\/issued$/, '');
      const congrats = await t.inject(issuedUrl);
      assert.equal(congrats.statusCode, 200);
      assert.equal(congrats.headers['cache-control'], 'no-store');
      assert.match(congrats.body, /<h1>Congratulations, /);
      assert.ok(congrats.body.includes(NAME));
      const [pdfAt, verifyAt] = [
        congrats.body.indexOf(`href="${certUrl}/pdf"`),
        congrats.body.indexOf(`href="${certUrl}"`),
      ];
      const congratsAt = congrats.body.indexOf('Congratulations');
      assert.ok(
        congratsAt > 0 && pdfAt > congratsAt && verifyAt > pdfAt,
        'congratulations, then download, then verify',
      );
      assert.match(congrats.body, /<meta name="description" content="Your training certificate is ready/);
      assert.equal((await t.inject('/certificates/AAAA-BBBB-CCCC/issued')).statusCode, 404);
      const verify = await t.inject(certUrl);
      assert.equal(verify.statusCode, 200);
      assert.ok(verify.body.includes(NAME));
      assert.match(verify.body, /This certificate is genuine/);
      const pdf = await t.inject(`${certUrl}/pdf`);
      assert.equal(pdf.statusCode, 200);
      assert.equal(pdf.headers['content-type'], 'application/pdf');
      assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
      assert.match(pdf.rawPayload.toString('latin1'), /DejaVuSans/, 'the font is embedded');
      // In the reader's language: English by default, French by ?lang=fr or by Accept-Language.
      assert.equal(pdfString(pdf.rawPayload, 'Lang'), 'en');
      assert.equal(pdfString(pdf.rawPayload, 'Subject'), 'Certificate of completion');
      for (const asked of [
        { url: `${certUrl}/pdf?lang=fr` },
        { url: `${certUrl}/pdf`, headers: { 'accept-language': 'fr-CA,fr;q=0.9,en;q=0.5' } },
      ]) {
        const fr = await t.inject(asked);
        assert.equal(fr.statusCode, 200, asked.url);
        assert.equal(pdfString(fr.rawPayload, 'Lang'), 'fr', asked.url);
        assert.equal(pdfString(fr.rawPayload, 'Subject'), 'Certificat de réussite', asked.url);
        assert.match(pdfString(fr.rawPayload, 'Title'), /^Certificat : /, asked.url);
      }

      // Nothing about the learner but a hash of the code and their progress is stored.
      const dump = await dumpDatabase(t.db, t.dialect, { guards: true });
      assert.ok(!dump.includes(code), 'the progress code itself is not stored');
      // Nor its words in any other spelling (spaces, capitals, a JSON list). A single word alone proves
      // nothing: short common words are also column names and values ("body", "open").
      const spelled = new RegExp(code.split('-').join('[^a-z]{0,3}'), 'i');
      assert.ok(!spelled.test(dump), 'the progress code is not stored in another spelling');
      const learnerCols = Object.keys(await t.db.selectFrom('training_learners').selectAll().executeTakeFirstOrThrow());
      assert.deepEqual(learnerCols.sort(), ['code_hash', 'expires_on', 'id', 'passphrase_hash']);
      const enrolCols = Object.keys(await t.db.selectFrom('training_enrolments').selectAll().executeTakeFirstOrThrow());
      assert.deepEqual(enrolCols.sort(), ['course_id', 'id', 'is_complete', 'learner_id', 'version_id']);
      const certRow = await t.db.selectFrom('training_certificates').selectAll().executeTakeFirstOrThrow();
      assert.deepEqual(
        Object.keys(certRow).sort(),
        [
          'code',
          'course_id',
          'course_title',
          'holder_name',
          'id',
          'issued_on',
          'revoked_at',
          'revoked_reason',
          'version_id',
        ],
        'a certificate is not linked to a progress code',
      );
    });

    it('protects a code with a passphrase', async () => {
      const learner = await startAs(t);
      const short = await post(t, '/training/passphrase', { passphrase: 'short' }, learner.cookie);
      assert.equal(short.statusCode, 400);
      const set = await post(t, '/training/passphrase', { passphrase: 'a long enough passphrase' }, learner.cookie);
      assert.equal(set.statusCode, 200);
      const stored = await t.db
        .selectFrom('training_learners')
        .select('passphrase_hash')
        .where('passphrase_hash', 'is not', null)
        .execute();
      assert.ok(stored.every((r) => r.passphrase_hash!.startsWith('$argon2id$')));
      const without = await post(t, '/training/resume', { code: learner.code });
      assert.equal(without.statusCode, 400);
      assert.match(without.body, /passphrase does not match/);
      const withIt = await post(t, '/training/resume', { code: learner.code, passphrase: 'a long enough passphrase' });
      assert.equal(withIt.statusCode, 303);
    });

    it('says when a code has expired', async () => {
      const learner = await startAs(t);
      t.clock.advance(400 * 86_400_000);
      try {
        const res = await post(t, '/training/resume', { code: learner.code });
        assert.equal(res.statusCode, 400);
        assert.match(res.body, /expired/);
        // The cookie of an expired code is dropped and the page is the anonymous one.
        const page = await t.inject({ url: `/training/${COURSE}`, headers: { cookie: learner.cookie } });
        assert.match(String(page.headers['set-cookie']), /alongside_training=;/);
        assert.match(page.body, /Start this course/);
        // Retention: the expired code and its progress are deleted.
        const { purgeExpiredLearners } = await import('./service.ts');
        const before = (await t.db.selectFrom('training_learners').selectAll().execute()).length;
        assert.ok((await purgeExpiredLearners({ db: t.db, clock: t.clock })) >= 1);
        assert.ok((await t.db.selectFrom('training_learners').selectAll().execute()).length < before);
        assert.equal(
          (await t.db.selectFrom('training_learners').selectAll().execute()).length,
          0,
          'every learner in this app is now past expiry',
        );
        assert.equal(
          (await t.db.selectFrom('training_enrolments').selectAll().execute()).length,
          0,
          'their progress goes with them',
        );
      } finally {
        t.clock.advance(-400 * 86_400_000);
      }
    });

    it('speaks the course language: a French course gets French interface text', async () => {
      const { createCourse, addModule, addLesson, publishCourse } = await import('./authoring.ts');
      const { VersionCache } = await import('./service.ts');
      const deps = { db: t.db, clock: t.clock, secret: 'x', versions: new VersionCache() };
      const actor = {
        id: (await t.db.selectFrom('users').select('id').executeTakeFirstOrThrow()).id,
        role: 'admin' as const,
      };
      const id = await createCourse(deps, actor, {
        slug: 'soutenir',
        title: 'Soutenir sans sauver',
        summary: 'Résumé.',
        audience: 'Bénévoles',
        language: 'fr',
        minutes: '10',
      });
      assert.ok(id.ok);
      const m = await addModule(deps, actor, id.value, 1, 'Module');
      assert.ok(m.ok);
      assert.ok(
        (
          await addLesson(deps, actor, id.value, 2, m.value, {
            slug: 'un',
            title: 'Un',
            body: 'Texte.',
            isRequired: true,
            passMark: '70',
          })
        ).ok,
      );
      assert.ok((await publishCourse(deps, actor, id.value, 3)).ok);
      await t.app.deps.pageCache.invalidate(cacheTags.training);
      const page = await t.inject('/training/soutenir');
      assert.match(page.body, /<html lang="fr"/);
      assert.match(page.body, /Commencer cette formation/);
      assert.match(page.body, /Se souvenir de moi sur cet appareil pendant 30 jours/);
      // What the service answers is translated there too: its messages carry a key, not a sentence.
      const refused = await post(t, '/training/soutenir/un/quiz', {});
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /<html lang="fr"/);
      assert.match(refused.body, /Cette leçon n’a pas de quiz\./);
    });

    it('limits wrong codes per connection without storing the address', async () => {
      const limited = await createTestApp(dialect);
      try {
        const codes: number[] = [];
        for (let i = 0; i < 7; i++)
          codes.push((await post(limited, '/training/resume', { code: generateProgressCode() })).statusCode);
        assert.deepEqual(codes.slice(0, 5), [400, 400, 400, 400, 400]);
        assert.equal(codes[5], 429);
        const blocked = await post(limited, '/training/resume', { code: generateProgressCode() });
        assert.match(blocked.body, /Too many wrong codes/);
      } finally {
        await limited.close();
      }
    });
  });

  describe(`training for trainers (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
      await seed(t);
    });
    after(() => t.close());

    async function coursePage(session: { cookie: string }, id: number) {
      const res = await t.inject({ url: `/admin/training/${id}`, headers: { cookie: session.cookie } });
      assert.equal(res.statusCode, 200);
      return { body: res.body, revision: /name="revision" value="(\d+)"/.exec(res.body)![1]! };
    }

    it('lets only trainers and admins in', async () => {
      const editor = await loginAs(t, 'editor');
      assert.equal((await t.inject({ url: '/admin/training', headers: { cookie: editor.cookie } })).statusCode, 403);
      const trainer = await loginAs(t, 'trainer');
      const list = await t.inject({ url: '/admin/training', headers: { cookie: trainer.cookie } });
      assert.equal(list.statusCode, 200);
      assert.equal(list.headers['cache-control'], 'no-store');
      const staffHome = await t.inject({ url: '/admin', headers: { cookie: trainer.cookie } });
      assert.match(staffHome.body, /href="\/admin\/training"/);
    });

    it('authors, previews and publishes a course; a new version leaves learners part way on theirs', async () => {
      const trainer = await loginAs(t, 'trainer');
      const bad = await postForm(
        t,
        '/admin/training',
        { title: '', slug: 'Not A Slug', summary: 'kept text', audience: '', language: 'en', minutes: '20' },
        trainer,
      );
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /kept text/);
      const created = await postForm(
        t,
        '/admin/training',
        {
          title: 'Consent basics',
          slug: 'consent-basics',
          summary: 'Short.',
          audience: 'Volunteers',
          language: 'en',
          minutes: '20',
        },
        trainer,
      );
      assert.equal(created.statusCode, 303);
      const id = Number(/\/admin\/training\/(\d+)$/.exec(String(created.headers.location))![1]);

      let page = await coursePage(trainer, id);
      assert.equal(
        (await postForm(t, `/admin/training/${id}/modules`, { title: 'Module one', revision: page.revision }, trainer))
          .statusCode,
        303,
      );
      page = await coursePage(trainer, id);
      const moduleId = /\/modules\/(\d+)\/lessons/.exec(page.body)![1];
      const lessonRes = await postForm(
        t,
        `/admin/training/${id}/modules/${moduleId}/lessons`,
        { title: 'First lesson', slug: 'first', revision: page.revision },
        trainer,
      );
      assert.equal(lessonRes.statusCode, 303);
      const lessonUrl = String(lessonRes.headers.location);
      let lessonPage = await t.inject({ url: lessonUrl, headers: { cookie: trainer.cookie } });
      let revision = /name="revision" value="(\d+)"/.exec(lessonPage.body)![1]!;
      const lessonId = /lessons\/(\d+)$/.exec(lessonUrl)![1];
      const q = await postForm(
        t,
        `/admin/training/${id}/lessons/${lessonId}/questions`,
        {
          kind: 'single',
          prompt: 'Who decides?',
          options: '* The person | It is their life.\n- The worker | Support is not control.',
          revision,
        },
        trainer,
      );
      assert.equal(q.statusCode, 303);
      lessonPage = await t.inject({ url: lessonUrl, headers: { cookie: trainer.cookie } });
      revision = /name="revision" value="(\d+)"/.exec(lessonPage.body)![1]!;
      const badQ = await postForm(
        t,
        `/admin/training/${id}/lessons/${lessonId}/questions`,
        { kind: 'single', prompt: 'No right answer', options: '- a | x\n- b | y', revision },
        trainer,
      );
      assert.equal(badQ.statusCode, 400);
      assert.match(badQ.body, /No right answer/);
      // When the right answers show is set per quiz: 1 to 20 failed tries.
      const lessonForm = { title: 'First lesson', slug: 'first', body: 'Version **one** text.', passMark: '100' };
      for (const bad of ['0', '21', 'two']) {
        const refused = await postForm(
          t,
          `/admin/training/${id}/lessons/${lessonId}`,
          { ...lessonForm, revealAfter: bad, required: '1', revision },
          trainer,
        );
        assert.equal(refused.statusCode, 400, bad);
        assert.match(refused.body, /Enter a number of tries from 1 to 20\./);
      }
      assert.equal(
        (
          await postForm(
            t,
            `/admin/training/${id}/lessons/${lessonId}`,
            { ...lessonForm, revealAfter: '1', required: '1', revision },
            trainer,
          )
        ).statusCode,
        303,
      );

      // Preview before publishing; learners cannot see it yet.
      const preview = await t.inject({
        url: `/admin/training/${id}/preview/first`,
        headers: { cookie: trainer.cookie },
      });
      assert.match(preview.body, /Version <strong>one<\/strong> text/);
      assert.equal((await t.inject('/training/consent-basics')).statusCode, 404);

      page = await coursePage(trainer, id);
      const pub = await postForm(t, `/admin/training/${id}/publish`, { revision: page.revision }, trainer);
      assert.equal(pub.statusCode, 303);
      assert.match((await t.inject('/training')).body, /Consent basics/);

      const learner = await startAs(t, 'consent-basics');
      // The setting travels with the published version the learner studies.
      assert.equal(allLessons(await publishedContent(t, 'consent-basics'))[0]!.revealAfter, 1);

      // A second trainer's stale form is refused and changes nothing.
      page = await coursePage(trainer, id);
      const stale = String(Number(page.revision) - 1);
      const conflict = await postForm(
        t,
        `/admin/training/${id}/lessons/${lessonId}`,
        { title: 'Overwritten', slug: 'first', body: 'x', passMark: '70', required: '1', revision: stale },
        trainer,
      );
      assert.equal(conflict.statusCode, 409);
      assert.match(conflict.body, /Another trainer changed this course/);
      assert.equal(
        (
          await t.db
            .selectFrom('training_lessons')
            .select('title')
            .where('id', '=', Number(lessonId))
            .executeTakeFirstOrThrow()
        ).title,
        'First lesson',
      );

      assert.equal(
        (
          await postForm(
            t,
            `/admin/training/${id}/lessons/${lessonId}`,
            {
              title: 'First lesson, revised',
              slug: 'first',
              body: 'Version **two** text.',
              passMark: '100',
              required: '1',
              revision: page.revision,
            },
            trainer,
          )
        ).statusCode,
        303,
      );
      page = await coursePage(trainer, id);
      assert.equal(
        (await postForm(t, `/admin/training/${id}/publish`, { revision: page.revision }, trainer)).statusCode,
        303,
      );
      page = await coursePage(trainer, id);
      assert.match(page.body, /Version 2, published/);

      const forLearner = await t.inject({ url: '/training/consent-basics/first', headers: { cookie: learner.cookie } });
      assert.match(forLearner.body, /Version <strong>one<\/strong> text/, 'the learner keeps version 1');
      const forNew = await t.inject('/training/consent-basics/first');
      assert.match(forNew.body, /Version <strong>two<\/strong> text/, 'newcomers get version 2');

      // Editing a published course can publish at once: "Save and publish a new version".
      page = await coursePage(trainer, id);
      const savePublish = await postForm(
        t,
        `/admin/training/${id}/lessons/${lessonId}`,
        {
          title: 'First lesson, revised',
          slug: 'first',
          body: 'Version **three** text.',
          passMark: '100',
          required: '1',
          revision: page.revision,
          publish: '1',
        },
        trainer,
      );
      assert.equal(savePublish.statusCode, 303);
      assert.match(String(savePublish.headers.location), /published=3$/);
      assert.match((await t.inject('/training/consent-basics/first')).body, /Version <strong>three<\/strong> text/);
      assert.match(
        (await t.inject({ url: '/training/consent-basics/first', headers: { cookie: learner.cookie } })).body,
        /Version <strong>one<\/strong> text/,
      );

      // The learner completes version 1 and gets a certificate for it.
      const content1 = JSON.parse(
        (
          await t.db
            .selectFrom('training_course_versions')
            .select('content_json')
            .where('course_id', '=', id)
            .where('version', '=', 1)
            .executeTakeFirstOrThrow()
        ).content_json,
      ) as CourseContent;
      const done = await post(
        t,
        '/training/consent-basics/first/quiz',
        rightAnswers(allLessons(content1)[0]!),
        learner.cookie,
      );
      assert.match(done.body, /Passed/);
      const cert = await post(t, '/training/consent-basics/certificate', { name: 'Sam Okafor' }, learner.cookie);
      assert.equal(cert.statusCode, 303);
      const certUrl = String(cert.headers.location).replace(/\/issued$/, '');
      assert.match((await t.inject(certUrl)).body, /genuine/);
      assert.doesNotMatch((await t.inject(certUrl)).body, /revoke/i, 'visitors see no revoke form');
      assert.match(
        (await t.inject({ url: certUrl, headers: { cookie: trainer.cookie } })).body,
        /Revoke this certificate/,
      );

      // Aggregates only.
      const stats = await t.inject({ url: `/admin/training/${id}/stats`, headers: { cookie: trainer.cookie } });
      assert.match(stats.body, /<dt>Starts<\/dt><dd>1<\/dd>/);
      assert.match(stats.body, /<dt>Completions<\/dt><dd>1 \(100%\)<\/dd>/);
      assert.match(stats.body, /Who decides\?<\/td><td>1<\/td><td>100%<\/td>/);
      assert.doesNotMatch(stats.body, /Sam Okafor/);

      // Revoking: the (cached) verification page says so at once.
      const code = certUrl.split('/').pop()!;
      const revoke = await postForm(
        t,
        `/admin/training/certificates/${code}/revoke`,
        { reason: 'Issued in error', course: String(id) },
        trainer,
      );
      assert.equal(revoke.statusCode, 303);
      const revoked = await t.inject(certUrl);
      assert.match(revoked.body, /This certificate has been revoked/);
      assert.match(revoked.body, /Issued in error/);
      assert.equal((await t.inject(`${certUrl}/pdf`)).statusCode, 409);
      const audit = await t.db
        .selectFrom('audit_log')
        .select(['action', 'user_id'])
        .where('subject', '=', `certificate:${code}`)
        .execute();
      assert.deepEqual(audit, [{ action: 'certificate.revoke', user_id: trainer.userId }]);

      // Withdrawn: gone from the catalogue for newcomers, still there for the learner part way.
      page = await coursePage(trainer, id);
      assert.equal(
        (await postForm(t, `/admin/training/${id}/unpublish`, { revision: page.revision }, trainer)).statusCode,
        303,
      );
      assert.doesNotMatch((await t.inject('/training')).body, /Consent basics/);
      assert.equal((await t.inject('/training/consent-basics')).statusCode, 404);
      assert.equal(
        (await t.inject({ url: '/training/consent-basics/first', headers: { cookie: learner.cookie } })).statusCode,
        200,
      );
    });

    it('answers nonsense ids and revisions with a clear refusal, not a server error', async () => {
      const trainer = await loginAs(t, 'trainer');
      const course = await t.db
        .selectFrom('training_courses')
        .selectAll()
        .where('slug', '=', COURSE)
        .executeTakeFirstOrThrow();
      // Ids and revisions are typed at the edge: what no page of the site sends is a 400 (the house rule).
      assert.equal(
        (await t.inject({ url: '/admin/training/abc', headers: { cookie: trainer.cookie } })).statusCode,
        400,
      );
      assert.equal(
        (await t.inject({ url: '/admin/training/999999', headers: { cookie: trainer.cookie } })).statusCode,
        404,
      );
      assert.equal(
        (await postForm(t, '/admin/training/abc/modules', { title: 'x', revision: '1' }, trainer)).statusCode,
        400,
      );
      assert.equal(
        (await postForm(t, '/admin/training/999999/modules', { title: 'x', revision: '1' }, trainer)).statusCode,
        404,
      );
      const stale = await postForm(
        t,
        `/admin/training/${course.id}/modules`,
        { title: 'x', revision: 'not-a-number' },
        trainer,
      );
      assert.equal(stale.statusCode, 400);
      assert.match(stale.body, /Some of what was sent is missing or in the wrong form/);
      assert.equal(
        (
          await postForm(
            t,
            `/admin/training/${course.id}/questions/999999`,
            { kind: 'single', prompt: 'x', options: '* a | b\n- c | d', revision: String(course.revision) },
            trainer,
          )
        ).statusCode,
        404,
      );
      assert.equal(
        (
          await t.db
            .selectFrom('training_courses')
            .select('revision')
            .where('id', '=', course.id)
            .executeTakeFirstOrThrow()
        ).revision,
        course.revision,
        'a refused change leaves the revision alone',
      );
    });

    it('reorders lessons within a module', async () => {
      const trainer = await loginAs(t, 'admin');
      const course = await t.db
        .selectFrom('training_courses')
        .selectAll()
        .where('slug', '=', COURSE)
        .executeTakeFirstOrThrow();
      const lessons = await t.db.selectFrom('training_lessons').selectAll().orderBy('position').execute();
      const first = lessons[0]!;
      const page = await coursePage(trainer, course.id);
      const res = await postForm(
        t,
        `/admin/training/${course.id}/move`,
        { kind: 'lesson', id: String(first.id), direction: '1', revision: page.revision },
        trainer,
      );
      assert.equal(res.statusCode, 303);
      const after = await t.db
        .selectFrom('training_lessons')
        .selectAll()
        .where('module_id', '=', first.module_id)
        .orderBy('position')
        .execute();
      assert.equal(after[1]!.id, first.id);
      const edge = await postForm(
        t,
        `/admin/training/${course.id}/move`,
        {
          kind: 'lesson',
          id: String(after[after.length - 1]!.id),
          direction: '1',
          revision: String(Number(page.revision) + 1),
        },
        trainer,
      );
      assert.equal(edge.statusCode, 400);
    });
  });
}
