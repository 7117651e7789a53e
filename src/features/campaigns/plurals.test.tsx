import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Locale } from '../../core/i18n/index.ts';
import type { PageContext } from '../../core/views/context.ts';
import { renderToString } from '../../core/views/render.ts';
import type { PublicPledge } from './pledge-repo.ts';
import type { Campaign } from './repo.ts';
import { CampaignListPage, PledgeCard } from './views.tsx';

/*
 * Counts on campaign pages read as what they are ("clicked 'me too' 14 times": clicks, not people),
 * with the plural form chosen by the reader's language through Intl.PluralRules — French treats 0
 * and 1 alike, English does not. Pure views: no database, so no dialect.
 */
const ctx = (locale: Locale): PageContext => ({
  siteName: 'Alongside',
  publicUrl: 'http://localhost',
  quickExitUrl: 'http://localhost/neutral',
  locale,
  csrfToken: 'token',
});
const campaign = {
  id: 7,
  slug: 'c',
  title: 'Campaign',
  description: 'First paragraph.\n\nSecond paragraph.',
  starts_on: '2026-11-25',
  ends_on: '2026-12-10',
  is_board_open: 1,
} as unknown as Campaign;
const pledge = (n: number) =>
  ({
    id: 1,
    action: 'Act',
    days: '1',
    kind: 'organise',
    me_too_count: n,
    is_featured: 0,
    display_name: '',
    place: '',
    link: '',
  }) as unknown as PublicPledge;
const countText = (locale: Locale, n: number) =>
  /data-me-too-count[^>]*>([^<]*)</.exec(
    renderToString(<PledgeCard ctx={ctx(locale)} pledge={pledge(n)} campaign={campaign} />),
  )?.[1];

describe('campaign counts and their plurals', () => {
  it('says how many times "me too" was clicked, never how many people', () => {
    assert.equal(countText('en', 0), 'Clicked “me too” 0 times');
    assert.equal(countText('en', 1), 'Clicked “me too” once');
    assert.equal(countText('en', 14), 'Clicked “me too” 14 times');
    assert.equal(countText('fr', 0), '« Moi aussi » cliqué 0 fois');
    assert.equal(countText('fr', 1), '« Moi aussi » cliqué 1 fois');
    assert.equal(countText('fr', 14), '« Moi aussi » cliqué 14 fois');
  });

  it('gives the script both forms and the language, so a count updated in place follows the same rules', () => {
    const html = renderToString(<PledgeCard ctx={ctx('fr')} pledge={pledge(3)} campaign={campaign} />);
    assert.match(html, /data-one="« Moi aussi » cliqué \{n\} fois"/);
    assert.match(html, /data-many="« Moi aussi » cliqué \{n\} fois"/);
    assert.match(html, /data-lang="fr"/);
  });

  it('shows each campaign as a card with its dates and pledge count, in English and French', () => {
    const counts = (n: number) =>
      renderToString(
        <CampaignListPage ctx={ctx('en')} running={[campaign]} upcoming={[]} past={[]} pledges={new Map([[7, n]])} />,
      );
    assert.match(counts(0), /<p class="campaign-card__count">0 pledges<\/p>/);
    assert.match(counts(1), /<p class="campaign-card__count">1 pledge<\/p>/);
    assert.match(counts(2), /<p class="campaign-card__count">2 pledges<\/p>/);
    assert.match(counts(2), /<h2 id="running">Running now<\/h2>/);
    assert.match(counts(2), /<p>First paragraph\.<\/p>/);
    const fr = (n: number) =>
      renderToString(
        <CampaignListPage ctx={ctx('fr')} running={[]} upcoming={[]} past={[campaign]} pledges={new Map([[7, n]])} />,
      );
    assert.match(fr(0), /<p class="campaign-card__count">0 engagement<\/p>/);
    assert.match(fr(1), /<p class="campaign-card__count">1 engagement<\/p>/);
    assert.match(fr(2), /<p class="campaign-card__count">2 engagements<\/p>/);
    assert.match(fr(2), /<h2 id="past">Campagnes passées<\/h2>/);
  });
});
