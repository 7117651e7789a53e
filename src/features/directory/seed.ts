import type { Kysely } from 'kysely';
import { PostgresAdapter } from 'kysely';
import type { Database, Dialect } from '../../core/db/schema.ts';
import type { SeedContext } from '../../core/seed.ts';
import { FACETS, type Facet } from './hsds.ts';
import type { ListingInput, LocationInput } from './listing-model.ts';
import { writeListing } from './listing-store.ts';
import * as repo from './repo.ts';

/*
 * Demo listings, written for Alongside. Every organisation is fictional and named "(demo)"; phone
 * numbers are in ranges reserved for drama (+44 20 7946 0xxx, 555-01xx) and sites are under example.org.
 */
export function dialectOf(db: Kysely<Database>): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

type Demo = Partial<Omit<ListingInput, 'terms' | 'locations'>> & {
  name: string;
  terms: Partial<Record<Facet, string[]>>;
  location?: Partial<LocationInput> & { city: string; country: string };
  verifiedDaysAgo?: number;
};

const loc = (l: Partial<LocationInput> & { city: string; country: string }): LocationInput => ({
  name: '',
  address1: '',
  address2: '',
  region: '',
  postalCode: '',
  latitude: null,
  longitude: null,
  isConfidential: false,
  areaName: '',
  transportation: '',
  ...l,
  hours: l.hours ?? [],
});

export const DEMO_LISTINGS: Demo[] = [
  {
    name: 'Red Umbrella Drop-in (demo)',
    organizationName: 'Red Umbrella Collective (demo)',
    description:
      'A sex-worker-led drop-in with hot food, sexual health checks, condoms and a quiet room. Come as you are; you do not have to give your name.',
    url: 'https://red-umbrella.example.org',
    phones: [
      { number: '+44 20 7946 0101', type: 'voice', description: 'Drop-in desk' },
      { number: '+44 20 7946 0102', type: 'text', description: '' },
    ],
    location: {
      address1: '1 Example Yard',
      city: 'London',
      region: 'England',
      postalCode: 'E1 0AA',
      country: 'GB',
      latitude: 51.5155,
      longitude: -0.0707,
    },
    hours: [{ byday: 'MO,WE,FR', opens_at: '12:00', closes_at: '18:00' }],
    timezone: 'Europe/London',
    languages: ['en', 'pt', 'ro'],
    terms: {
      category: ['sex-work-support', 'health', 'community'],
      approach: [
        'sex-worker-led',
        'drop-in',
        'anonymous',
        'free',
        'no-police',
        'no-exit-requirement',
        'trans-inclusive',
      ],
      population: ['sex-workers', 'women', 'trans-nonbinary'],
      delivery: ['in-person', 'text'],
    },
    verifiedDaysAgo: 20,
  },
  {
    name: 'Safe Harbour House (demo)',
    organizationName: 'Safe Harbour Trust (demo)',
    description:
      'A small safe house for women leaving trafficking or exploitation. The address is shared only when you call. Support with health, benefits and immigration advice.',
    url: 'https://safe-harbour.example.org',
    phones: [{ number: '+44 20 7946 0110', type: 'voice', description: 'Answered day and night' }],
    location: {
      address1: '99 Hidden Street',
      city: 'Manchester',
      region: 'England',
      postalCode: 'M1 0ZZ',
      country: 'GB',
      latitude: 53.4794,
      longitude: -2.2453,
      isConfidential: true,
      areaName: 'Greater Manchester',
    },
    hours: [{ byday: 'MO,TU,WE,TH,FR,SA,SU', opens_at: '00:00', closes_at: '00:00' }],
    timezone: 'Europe/London',
    languages: ['en', 'sq', 'vi'],
    terms: {
      category: ['trafficking-support', 'housing', 'safety'],
      approach: ['confidential', 'free', 'no-id', 'migrant-inclusive'],
      population: ['trafficking-survivors', 'women'],
      delivery: ['in-person', 'phone'],
    },
    verifiedDaysAgo: 300,
  },
  {
    name: 'Nightline for Sex Workers (demo)',
    organizationName: 'Nightline Network (demo)',
    description:
      'A peer phone and text line open through the night: talk about a bad client, a safety worry or anything else. Covers the whole of the UK.',
    phones: [
      { number: '+44 20 7946 0120', type: 'voice', description: '' },
      { number: '+44 20 7946 0121', type: 'text', description: '' },
    ],
    hours: [{ byday: 'MO,TU,WE,TH,FR,SA,SU', opens_at: '20:00', closes_at: '06:00' }],
    timezone: 'Europe/London',
    languages: ['en'],
    areas: ['GB'],
    terms: {
      category: ['crisis-line', 'safety', 'sex-work-support'],
      approach: ['peer-led', 'anonymous', 'confidential', 'free', 'no-police'],
      population: ['sex-workers'],
      delivery: ['phone', 'text'],
    },
    verifiedDaysAgo: 45,
  },
  {
    name: 'Écoute Travail du Sexe (demo)',
    organizationName: 'Collectif Écoute (demo)',
    description:
      'Accueil et permanence juridique par et pour les travailleuses et travailleurs du sexe. Legal advice sessions in French, English and Spanish.',
    url: 'https://ecoute-tds.example.org',
    phones: [{ number: '+33 1 99 00 01 23', type: 'voice', description: '' }],
    location: {
      address1: '10 rue de l’Exemple',
      city: 'Paris',
      region: 'Île-de-France',
      postalCode: '75010',
      country: 'FR',
      latitude: 48.8722,
      longitude: 2.3601,
    },
    hours: [{ byday: 'TU,TH', opens_at: '14:00', closes_at: '19:00' }],
    timezone: 'Europe/Paris',
    languages: ['fr', 'en', 'es'],
    terms: {
      category: ['sex-work-support', 'legal'],
      approach: ['sex-worker-led', 'free', 'no-police', 'migrant-inclusive'],
      population: ['sex-workers', 'migrants'],
      delivery: ['in-person', 'phone'],
    },
    verifiedDaysAgo: 10,
  },
  {
    name: 'Toronto Peer Legal Clinic (demo)',
    organizationName: 'Peer Legal Toronto (demo)',
    description:
      'Free legal clinic for sex workers and people facing exploitation. We never contact police or immigration on your behalf without your say-so.',
    url: 'https://peer-legal-to.example.org',
    phones: [{ number: '+1 416 555 0123', type: 'voice', description: '' }],
    location: {
      address1: '200 Example Avenue',
      city: 'Toronto',
      region: 'Ontario',
      postalCode: 'M5V 0A0',
      country: 'CA',
      latitude: 43.6453,
      longitude: -79.3806,
    },
    hours: [{ byday: 'MO,TU,WE,TH', opens_at: '10:00', closes_at: '16:00' }],
    timezone: 'America/Toronto',
    languages: ['en', 'fr', 'zh'],
    terms: {
      category: ['legal', 'immigration', 'sex-work-support'],
      approach: ['no-police', 'confidential', 'free', 'migrant-inclusive'],
      population: ['sex-workers', 'migrants'],
      delivery: ['in-person', 'phone'],
    },
  },
  {
    name: 'Forest City Outreach (demo)',
    organizationName: 'Forest City Outreach Collective (demo)',
    description: 'Street outreach with harm-reduction supplies, naloxone and a warm drink, in London, Ontario.',
    phones: [{ number: '+1 519 555 0145', type: 'voice', description: '' }],
    location: {
      address1: '5 Example Street',
      city: 'London',
      region: 'Ontario',
      postalCode: 'N6A 0A0',
      country: 'CA',
      latitude: 42.9849,
      longitude: -81.2453,
    },
    hours: [{ byday: 'FR,SA', opens_at: '21:00', closes_at: '03:00' }],
    timezone: 'America/Toronto',
    languages: ['en'],
    terms: {
      category: ['health', 'safety'],
      approach: ['harm-reduction', 'peer-led', 'anonymous', 'free'],
      population: ['sex-workers'],
      delivery: ['in-person'],
    },
    verifiedDaysAgo: 60,
  },
  {
    name: 'Berlin Migrant Workers Advice (demo)',
    organizationName: 'Beratung Ohne Grenzen (demo)',
    description:
      'Advice on residence, work, banking and debts for migrant workers in the sex industry, whatever your papers.',
    url: 'https://beratung.example.org',
    phones: [{ number: '+49 30 5550 1234', type: 'voice', description: '' }],
    location: {
      address1: 'Beispielstraße 7',
      city: 'Berlin',
      region: 'Berlin',
      postalCode: '10115',
      country: 'DE',
      latitude: 52.5321,
      longitude: 13.3849,
    },
    hours: [{ byday: 'MO,WE', opens_at: '09:00', closes_at: '15:00' }],
    timezone: 'Europe/Berlin',
    languages: ['de', 'en', 'ro', 'bg'],
    terms: {
      category: ['immigration', 'financial', 'sex-work-support'],
      approach: ['migrant-inclusive', 'confidential', 'free', 'no-exit-requirement'],
      population: ['migrants', 'sex-workers'],
      delivery: ['in-person', 'phone'],
    },
    verifiedDaysAgo: 100,
  },
  {
    name: 'Bangkok Sisters Drop-in (demo)',
    organizationName: 'Sisters Together (demo)',
    description: 'A drop-in centre with English and Thai classes, health checks and a legal advice day every month.',
    location: {
      address1: '12 Example Soi',
      city: 'Bangkok',
      region: '',
      postalCode: '10110',
      country: 'TH',
      latitude: 13.7367,
      longitude: 100.5608,
    },
    phones: [{ number: '+66 2 555 0199', type: 'voice', description: '' }],
    hours: [{ byday: 'TU,WE,TH,FR,SA', opens_at: '11:00', closes_at: '20:00' }],
    timezone: 'Asia/Bangkok',
    languages: ['th', 'en'],
    terms: {
      category: ['sex-work-support', 'community', 'health'],
      approach: ['sex-worker-led', 'drop-in', 'free'],
      population: ['sex-workers', 'women'],
      delivery: ['in-person'],
    },
    verifiedDaysAgo: 15,
  },
  {
    name: 'Nairobi Health Collective (demo)',
    organizationName: 'Afya Pamoja (demo)',
    description: 'Peer-led clinic hours for sex workers: HIV prevention, PrEP, testing and counselling.',
    location: {
      address1: 'Example Road 3',
      city: 'Nairobi',
      region: '',
      postalCode: '00100',
      country: 'KE',
      latitude: -1.2864,
      longitude: 36.8172,
    },
    phones: [{ number: '+254 20 555 0177', type: 'voice', description: '' }],
    hours: [{ byday: 'MO,TU,WE,TH,FR', opens_at: '08:00', closes_at: '17:00' }],
    timezone: 'Africa/Nairobi',
    languages: ['sw', 'en'],
    terms: {
      category: ['health'],
      approach: ['peer-led', 'confidential', 'free', 'no-exit-requirement'],
      population: ['sex-workers', 'lgbtq'],
      delivery: ['in-person'],
    },
    verifiedDaysAgo: 30,
  },
  {
    name: 'Rede Direitos São Paulo (demo)',
    organizationName: 'Rede Direitos (demo)',
    description: 'Rights workshops, legal support and a community kitchen organised by sex workers.',
    location: {
      address1: 'Rua Exemplo 45',
      city: 'São Paulo',
      region: 'SP',
      postalCode: '01000-000',
      country: 'BR',
      latitude: -23.5431,
      longitude: -46.6291,
    },
    phones: [{ number: '+55 11 5555 0133', type: 'voice', description: '' }],
    hours: [{ byday: 'SA', opens_at: '10:00', closes_at: '16:00' }],
    timezone: 'America/Sao_Paulo',
    languages: ['pt', 'es'],
    terms: {
      category: ['sex-work-support', 'legal', 'community'],
      approach: ['sex-worker-led', 'free', 'trans-inclusive'],
      population: ['sex-workers', 'trans-nonbinary'],
      delivery: ['in-person'],
    },
  },
  {
    name: 'Worldwide Peer Chat (demo)',
    organizationName: 'Peer Chat Online (demo)',
    description:
      'Online chat with trained peers who have sold sex themselves. Anonymous, in several languages, wherever you are.',
    url: 'https://peer-chat.example.org',
    hours: [{ byday: 'MO,TU,WE,TH,FR,SA,SU', opens_at: '00:00', closes_at: '00:00' }],
    timezone: 'UTC',
    languages: ['en', 'es', 'fr', 'ru'],
    areas: ['world'],
    terms: {
      category: ['sex-work-support', 'community', 'crisis-line'],
      approach: ['peer-led', 'anonymous', 'free', 'no-exit-requirement'],
      population: ['sex-workers'],
      delivery: ['online', 'text'],
    },
    verifiedDaysAgo: 5,
  },
  {
    name: 'Trafficking Support Line USA (demo)',
    organizationName: 'Freedom Line (demo)',
    description:
      'Confidential phone support for anyone experiencing trafficking or labour exploitation in the United States, with interpreters.',
    phones: [
      { number: '+1 202 555 0147', type: 'voice', description: '' },
      { number: '+1 202 555 0148', type: 'text', description: '' },
    ],
    hours: [{ byday: 'MO,TU,WE,TH,FR,SA,SU', opens_at: '00:00', closes_at: '00:00' }],
    timezone: 'America/New_York',
    languages: ['en', 'es'],
    areas: ['US'],
    interpretation: 'Interpreters for over 100 languages on request.',
    terms: {
      category: ['trafficking-support', 'crisis-line'],
      approach: ['confidential', 'free', 'migrant-inclusive'],
      population: ['trafficking-survivors'],
      delivery: ['phone', 'text'],
    },
    verifiedDaysAgo: 200,
  },
  {
    name: 'Harbour City Trans Sex Worker Project (demo)',
    organizationName: 'Harbour City Project (demo)',
    description:
      'Trans-led support for trans and gender-diverse sex workers: peer support, health navigation and a fortnightly dinner.',
    location: {
      address1: '8 Example Lane',
      city: 'Sydney',
      region: 'New South Wales',
      postalCode: '2010',
      country: 'AU',
      latitude: -33.8831,
      longitude: 151.2167,
    },
    phones: [{ number: '+61 2 5550 1188', type: 'voice', description: '' }],
    hours: [{ byday: 'TU,TH', opens_at: '16:00', closes_at: '21:00' }],
    timezone: 'Australia/Sydney',
    languages: ['en'],
    terms: {
      category: ['sex-work-support', 'community', 'health'],
      approach: ['sex-worker-led', 'trans-inclusive', 'peer-led', 'free'],
      population: ['sex-workers', 'trans-nonbinary'],
      delivery: ['in-person'],
    },
    verifiedDaysAgo: 400,
  },
  {
    name: 'Pacific Islands Outreach (demo)',
    organizationName: 'Moana Outreach (demo)',
    description: 'Outreach, health information and safety planning for sex workers around Suva.',
    location: {
      address1: '3 Example Road',
      city: 'Suva',
      region: '',
      postalCode: '',
      country: 'FJ',
      latitude: -18.1416,
      longitude: 178.4419,
    },
    phones: [{ number: '+679 555 0166', type: 'voice', description: '' }],
    hours: [{ byday: 'WE,SA', opens_at: '18:00', closes_at: '23:00' }],
    timezone: 'Pacific/Fiji',
    languages: ['en', 'fj'],
    terms: {
      category: ['health', 'safety'],
      approach: ['peer-led', 'harm-reduction', 'free'],
      population: ['sex-workers'],
      delivery: ['in-person'],
    },
  },
];

export function demoInput(d: Demo): ListingInput {
  const { location, verifiedDaysAgo: _, ...rest } = d;
  return {
    organizationName: d.name,
    description: '',
    url: '',
    email: '',
    status: 'active',
    feesDescription: '',
    eligibility: '',
    applicationProcess: '',
    interpretation: '',
    languages: [],
    phones: [],
    hours: [],
    timezone: 'UTC',
    areas: [],
    ...rest,
    terms: Object.fromEntries(FACETS.map((f) => [f, d.terms[f] ?? []])) as Record<Facet, string[]>,
    locations: location ? [loc(location)] : [],
  };
}

export async function seedDirectory({ db, clock }: Pick<SeedContext, 'db' | 'clock'>): Promise<void> {
  const dialect = dialectOf(db);
  await db.transaction().execute(async (tx) => {
    for (const d of DEMO_LISTINGS) {
      const { id } = await writeListing(tx, dialect, clock, demoInput(d));
      if (d.verifiedDaysAgo !== undefined) {
        const date = new Date(clock.now().getTime() - d.verifiedDaysAgo * 86_400_000).toISOString().slice(0, 10);
        await repo.updateService(tx, id, { assured_date: date, verified_by: 'Demo curator' });
      }
    }
  });
}
