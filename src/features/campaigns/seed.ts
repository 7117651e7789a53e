import type { SeedContext } from '../../core/seed.ts';
import { createPrivateToken } from '../../core/antispam/private-link.ts';
import { fingerprintHash } from '../../core/antispam/duplicates.ts';
import { localToUtc, sixteenDaysTemplate } from './calendar.ts';
import * as pledgeRepo from './pledge-repo.ts';
import * as repo from './repo.ts';

/*
 * Demo: the 16 Days of Activism 2026 (25 November – 10 December), with events and approved
 * pledges written for Alongside. Groups and places are fictional or generic and marked (demo);
 * links point at example.org, which reaches no one.
 */
const ZONE = 'Europe/London';

const EVENTS = [
  {
    title: 'Opening vigil (demo)',
    day: '2026-11-25T18:00',
    end: '2026-11-25T19:30',
    place: 'Online',
    description: 'Readings from peers and a minute of quiet for everyone lost to violence this year.',
  },
  {
    title: 'Know your rights when reporting violence — workshop (demo)',
    day: '2026-11-28T14:00',
    end: '2026-11-28T16:00',
    place: 'Manchester',
    description:
      'A peer-led session on reporting violence without risking arrest or immigration checks. Venue shared with people who sign up.',
  },
  {
    title: 'Letter-writing evening: decriminalisation (demo)',
    day: '2026-12-03T18:30',
    end: '2026-12-03T20:30',
    place: 'Glasgow',
    description: 'Bring a laptop or use our paper: we write to representatives together.',
  },
  {
    title: 'Human Rights Day closing panel (demo)',
    day: '2026-12-10T17:00',
    end: '2026-12-10T18:30',
    place: 'Online',
    description: 'Sex-worker-led groups on what changed this year and what comes next.',
  },
];

const PLEDGES: {
  action: string;
  days: number[];
  kind: string;
  name: string;
  place: string;
  link?: string;
  meToo: number;
  featured?: boolean;
}[] = [
  {
    action: 'Writing to my MP every week of the campaign to ask for full decriminalisation of sex work.',
    days: [1, 8, 14],
    kind: 'contact-representative',
    name: 'Jo (demo)',
    place: 'Leeds',
    meToo: 14,
    featured: true,
  },
  {
    action: 'Setting up a monthly donation to a sex-worker-led mutual aid fund instead of a one-off gift.',
    days: [12],
    kind: 'support-sex-worker-led-group',
    name: '',
    place: 'Bristol',
    meToo: 9,
  },
  {
    action: 'Reading the research on decriminalisation and New Zealand with my book group.',
    days: [3],
    kind: 'learn',
    name: 'Ama (demo)',
    place: '',
    meToo: 5,
  },
  {
    action: 'Asking my union branch to pass a motion supporting sex workers’ labour rights.',
    days: [5],
    kind: 'organise',
    name: 'R. (demo)',
    place: 'Cardiff',
    meToo: 7,
  },
  {
    action: 'Talking with my colleagues at the clinic about non-judgemental language.',
    days: [7, 13],
    kind: 'talk',
    name: '',
    place: 'Manchester',
    meToo: 3,
  },
  {
    action: 'Volunteering on the night-time outreach rota run by a peer-led project (demo).',
    days: [2, 9, 16],
    kind: 'give',
    name: 'Sam (demo)',
    place: 'Glasgow',
    link: 'https://peer-outreach.example.org/volunteer',
    meToo: 4,
  },
  {
    action: 'Checking that my newsroom’s style guide does not call people “prostitutes”.',
    days: [13],
    kind: 'other',
    name: 'Editor K (demo)',
    place: '',
    meToo: 2,
  },
];

export async function seedCampaigns({ db, clock, authors }: SeedContext): Promise<void> {
  const tpl = sixteenDaysTemplate(2026);
  const now = clock.now().toISOString();
  const id = await repo.insertCampaign(db, {
    slug: tpl.slug,
    title: tpl.title,
    description: `${tpl.description}\n\nThis is a demo campaign: the events and pledges on this page were written to show how the board works.`,
    tag_slug: tpl.tagSlug,
    time_zone: ZONE,
    starts_on: tpl.startsOn,
    ends_on: tpl.endsOn,
    is_board_open: 1,
    created_at: now,
    updated_at: now,
  });
  await repo.replaceDays(db, id, tpl.themes);
  for (const e of EVENTS) {
    await repo.insertEvent(db, {
      campaign_id: id,
      title: e.title,
      description: e.description,
      starts_at: localToUtc(e.day, ZONE)!,
      ends_at: localToUtc(e.end, ZONE)!,
      place: e.place,
      link: '',
      created_at: now,
    });
  }
  for (const p of PLEDGES) {
    await pledgeRepo.insertPledge(db, {
      campaign_id: id,
      action: p.action,
      days: `,${p.days.join(',')},`,
      kind: p.kind,
      display_name: p.name,
      place: p.place,
      link: p.link ?? '',
      status: 'approved',
      is_featured: p.featured ? 1 : 0,
      me_too_count: p.meToo,
      // Nobody holds the private link of a demo pledge: the token is made and dropped.
      token_hash: createPrivateToken().hash,
      fingerprint: fingerprintHash(p.action),
      created_at: now,
      updated_at: now,
      moderated_by: authors.editorId,
      moderated_at: now,
    });
  }
}
