import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, createTestApp, type TestApp } from '../../../test/support/app.ts';

/*
 * /safety says what quick exit does to the back button with and without JavaScript, in English and
 * French (the behaviour itself is checked in Chromium: test/e2e/quick-exit-history.e2e.test.ts).
 */
for (const dialect of DIALECTS) {
  describe(`the safety page (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    it('says what holds with and without JavaScript, in English and in French', async () => {
      const en = await t.inject('/safety');
      assert.equal(en.statusCode, 200);
      assert.match(en.body, /<html lang="en"/);
      assert.match(en.body, /With JavaScript on .*your whole visit takes one place in it/);
      assert.match(en.body, /pressing Back goes to the page you were on before this site, not to any page of it/);
      assert.match(en.body, /With JavaScript off: each page of this site you open is its own place/);
      assert.match(en.body, /use a private window/);
      assert.doesNotMatch(en.body, /Where your browser allows it, the back button will not bring this site back/);
      const fr = await t.inject('/safety?lang=fr');
      assert.equal(fr.statusCode, 200);
      assert.match(fr.body, /<html lang="fr"/);
      assert.match(fr.body, /Avec JavaScript activé .*toute votre visite n’y occupe qu’une place/);
      assert.match(
        fr.body,
        /Avec JavaScript désactivé : chaque page de ce site que vous ouvrez occupe sa propre place/,
      );
      assert.match(fr.body, /fenêtre de navigation privée/);
      assert.match(fr.body, /Quitter cette page/);
      assert.equal((await t.inject('/safety?lang=de')).statusCode, 400);
    });

    it('says what each page stores, where addresses are kept and how to clear them, in English and in French', async () => {
      const en = await t.inject('/safety');
      assert.equal(en.headers['set-cookie'], undefined);
      assert.match(en.body, /<h2 id="stored">What each page stores in your browser<\/h2>/);
      assert.match(en.body, /data-flow="course".*data-name="alongside_training" data-lifetime="session"/s);
      assert.match(en.body, /data-flow="course-remembered".*data-lifetime="days:30"/s);
      assert.match(en.body, /data-store="localStorage" data-prefix="alongside-reflection:"/);
      assert.match(en.body, /your browser’s history does/);
      assert.match(en.body, /Ctrl\+H/);
      assert.match(en.body, /Forget About This Site/);
      assert.match(en.body, /In a private window, the training cookie and your reflection notes are deleted/);
      assert.doesNotMatch(en.body, /sets no cookies|No cookies/);
      assert.match(en.body, /nothing kept in your browser unless you start a training course/);
      const fr = await t.inject('/safety?lang=fr');
      assert.match(fr.body, /<h2 id="stored">Ce que chaque page garde dans votre navigateur<\/h2>/);
      assert.match(fr.body, /l’historique de votre navigateur, si/);
      assert.match(fr.body, /Dans une fenêtre privée, le cookie de formation et vos notes de réflexion sont effacés/);
      assert.match(fr.body, /rien gardé dans votre navigateur sauf si vous commencez une formation/);
      assert.match(fr.body, /href="\/safety\?lang=fr#stored"/);
      assert.doesNotMatch(fr.body, /Aucun cookie/);
    });
  });
}
