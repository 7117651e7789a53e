import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { translate } from '../../core/i18n/index.ts';
import { displayStatus, parsePublishAt, parseTags, readingMinutes } from './service.ts';
import { Highlighted } from './views.tsx';
import { renderToString } from 'preact-render-to-string';
import { h } from 'preact';

/* Publishing rules that need no database. */
describe('publishing rules', () => {
  it('reads a publication time as UTC and refuses impossible dates', () => {
    assert.equal(parsePublishAt('2026-12-01T09:30')?.toISOString(), '2026-12-01T09:30:00.000Z');
    assert.equal(parsePublishAt('2026-12-01T09:30:00+01:00')?.toISOString(), '2026-12-01T08:30:00.000Z');
    for (const bad of ['2026-02-31T10:00', 'tomorrow', '2026-13-01T00:00', '', '2026-12-01'])
      assert.equal(parsePublishAt(bad), undefined, bad);
  });

  it('turns a comma list into unique tags with slugs', () => {
    assert.deepEqual(parseTags(' Harm reduction, harm  reduction ,Été ,, ').names, [
      { slug: 'harm-reduction', name: 'harm reduction' },
      { slug: 'ete', name: 'Été' },
    ]);
    const tooMany = parseTags(Array.from({ length: 21 }, (_, i) => `t${i}`).join(',')).error;
    assert.ok(tooMany);
    assert.match(translate('en', tooMany), /at most 20/);
    assert.match(translate('fr', tooMany), /au plus 20/);
  });

  it('says a scheduled post is published once its time has come', () => {
    const now = new Date('2026-11-25T12:00:00Z');
    assert.equal(displayStatus({ status: 'scheduled', published_at: '2026-11-25T13:00:00.000Z' }, now), 'scheduled');
    assert.equal(displayStatus({ status: 'scheduled', published_at: '2026-11-25T11:00:00.000Z' }, now), 'published');
    assert.equal(displayStatus({ status: 'draft', published_at: null }, now), 'draft');
  });

  it('counts reading time at about 200 words a minute, at least one', () => {
    assert.equal(readingMinutes('short'), 1);
    assert.equal(readingMinutes(Array.from({ length: 1500 }, () => 'word').join(' ')), 8);
  });

  it('marks search matches and escapes everything else', () => {
    const html = renderToString(h(Highlighted, { text: '<b>x</b> \u0001work\u0002ers' }));
    assert.equal(html, '&lt;b>x&lt;/b> <mark>work</mark>ers');
  });
});
