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
  });
}
