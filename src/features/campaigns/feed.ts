import { buildFeed } from '../../core/feeds.ts';
import { kindKey } from './kinds.ts';
import { t } from './messages.ts';
import type { PublicPledge } from './pledge-repo.ts';
import type { Campaign } from './repo.ts';

/*
 * A campaign's approved pledges as Atom, through the site's one feed builder: readers' words
 * (action, name, place) are plain text there, escaped wherever a feed reader takes HTML, and every
 * entry has an author (the name shown on the board, else "Anonymous").
 */
export function pledgesAtom(publicUrl: string, campaign: Campaign, pledges: readonly PublicPledge[]): string {
  const path = `/campaigns/${campaign.slug}`;
  const feed = buildFeed(
    {
      publicUrl,
      title: t('en', 'feedTitle', { title: campaign.title }),
      link: path,
      id: `${path}/pledges.atom`,
      self: { atom: `${path}/pledges.atom` },
      updated: new Date(campaign.updated_at),
      siteName: 'Alongside',
      fallbackAuthor: t('en', 'anonymous'),
    },
    pledges.map((p) => ({
      id: `${path}#pledge-${p.id}`,
      link: `${path}#pledge-${p.id}`,
      title: `${p.display_name || t('en', 'anonymous')}: ${t('en', kindKey(p.kind))}`,
      summary: p.place ? `${p.action} (${p.place})` : p.action,
      authors: p.display_name ? [{ name: p.display_name }] : [],
      published: new Date(p.moderated_at ?? p.created_at),
    })),
  );
  return feed.atom();
}
