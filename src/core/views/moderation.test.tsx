import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModerationActions } from './moderation.tsx';
import { renderToString } from './render.ts';

/* The one set of verdict buttons: pure markup, so no database and no dialect. */
describe('moderation actions (core/views/moderation.tsx)', () => {
  const buttons = {
    approve: { name: 'single', value: '7:approve' },
    reject: { name: 'single', value: '7:reject' },
    spam: { name: 'single', value: '7:spam' },
  };

  it('draws approve as the primary, reject as a secondary and spam as a danger button, each labelled', () => {
    const html = renderToString(<ModerationActions label="Comment by Ana" buttons={buttons} />);
    const classes = [...html.matchAll(/<button type="submit" class="([^"]*)"/g)].map((m) => m[1]);
    assert.deepEqual(classes, [
      'moderation-actions__approve',
      'secondary moderation-actions__reject',
      'danger moderation-actions__spam',
    ]);
    assert.equal(new Set(classes).size, 3, 'three different looks');
    assert.match(html, /<div class="moderation-actions" role="group" aria-label="Comment by Ana">/);
    assert.match(html, /value="7:approve" data-verdict="approve"><span aria-hidden="true">✓ <\/span>Approve<\/button>/);
    assert.match(html, />Mark as spam<\/button>/);
  });

  it('shows only the verdicts a queue offers, with its own words, in a form of its own when asked', () => {
    const html = renderToString(
      <ModerationActions
        label="Report on <b>X</b>"
        form={{ action: '/admin/resources/reports/3/resolve', csrfToken: 'tok' }}
        buttons={{ approve: { label: 'Mark as dealt with' } }}
      />,
    );
    assert.match(
      html,
      /^<form method="post" action="\/admin\/resources\/reports\/3\/resolve" class="moderation-actions__form">/,
    );
    assert.match(html, /<input type="hidden" name="_csrf" value="tok"\/>/);
    assert.equal((html.match(/<button/g) ?? []).length, 1);
    assert.match(html, />Mark as dealt with<\/button>/);
    assert.match(html, /aria-label="Report on &lt;b>X&lt;\/b>"/, 'the label is escaped');
  });
});
