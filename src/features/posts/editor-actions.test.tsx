import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PageContext } from '../../core/views/context.ts';
import { renderToString } from '../../core/views/render.ts';
import { blankInput, type DisplayStatus } from './service.ts';
import { languageChoices, PostEditorPage } from './views.tsx';

/*
 * The post editor asks for no developer syntax: one primary action per state with the others apart
 * (and never first, so Enter in a field does not publish), and the language picked by name. Pure
 * views: no database, so no dialect.
 */
const ctx: PageContext = {
  siteName: 'Alongside',
  publicUrl: 'http://localhost',
  quickExitUrl: 'https://neutral.example.org/',
  locale: 'en',
  csrfToken: 'token',
};

function editor(status: DisplayStatus, language = 'en') {
  const input = { ...blankInput(), title: 'T', language, publish_at: status === 'scheduled' ? '2099-01-01T10:00' : '' };
  return renderToString(<PostEditorPage ctx={ctx} input={input} status={status} knownTags={[]} />);
}

const buttons = (html: string) =>
  [...html.matchAll(/<button type="submit" name="intent" value="(\w+)" class="(\w+)"[^>]*>([^<]+)<\/button>/g)].map(
    (m) => ({ intent: m[1]!, kind: m[2]!, label: m[3]!.trim() }),
  );

describe('the post editor’s actions', () => {
  const cases: [DisplayStatus, string, string][] = [
    ['draft', 'publish', 'Publish'],
    ['scheduled', 'schedule', 'Schedule'],
    ['published', 'save', 'Update'],
  ];
  for (const [status, intent, label] of cases) {
    it(`has one primary action for a ${status} post: “${label}”`, () => {
      const all = buttons(editor(status));
      const primary = all.filter((b) => b.kind === 'primary');
      assert.deepEqual(primary, [{ intent, kind: 'primary', label }]);
      assert.notEqual(all[0]!.kind, 'primary', 'the first button (the one Enter presses) is not the primary');
      assert.notEqual(all[0]!.intent, 'publish', 'Enter never publishes');
      assert.equal(new Set(all.map((b) => b.label)).size, all.length, 'no two buttons say the same');
    });
  }

  it('offers "Save draft" and scheduling for a draft only, "Unpublish" for a published post', () => {
    const labels = (status: DisplayStatus) => buttons(editor(status)).map((b) => b.label);
    assert.deepEqual(labels('draft'), ['Schedule', 'Save draft', 'Preview', 'Publish']);
    assert.deepEqual(labels('scheduled'), ['Preview', 'Publish now', 'Back to draft', 'Schedule']);
    assert.deepEqual(labels('published'), ['Preview', 'Unpublish', 'Update']);
    assert.doesNotMatch(editor('published'), /name="publish_at"/);
  });

  it('picks the language by name from the site’s languages, keeping an imported one', () => {
    const html = editor('draft', 'fr');
    assert.match(html, /<select id="field-language" name="language"[^>]*>/);
    assert.match(html, /<option value="fr" selected>Français<\/option>/);
    assert.doesNotMatch(html, /<input[^>]*name="language"/);
    assert.deepEqual(languageChoices('pt-BR')[0], ['pt-BR', 'Português (pt-BR)']);
    assert.equal(languageChoices('en').length, languageChoices('fr').length);
  });
});
