import crypto from 'node:crypto';
import { TAXONOMY_IDS, type Facet } from './hsds.ts';

/** A UUID derived from a name, so default terms have the same id in every install (and in exports). */
export function stableUuid(name: string): string {
  const h = crypto.createHash('sha256').update(`alongside:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const TAXONOMIES: Record<Facet, { name: string; description: string }> = {
  category: { name: 'Alongside categories', description: 'What kind of support a service gives.' },
  approach: { name: 'Alongside approach', description: 'What a service offers and on what terms.' },
  population: { name: 'Alongside populations served', description: 'Who a service is for.' },
  delivery: { name: 'Alongside delivery', description: 'How people reach the service.' },
};

/** The starting vocabulary; admins edit it at /admin/resources/taxonomy. */
export const DEFAULT_TERMS: Record<Facet, [code: string, name: string, description: string][]> = {
  category: [
    [
      'sex-work-support',
      'Sex worker rights and support',
      'Support for people who sell sex, on their terms, including rights and organising.',
    ],
    [
      'trafficking-support',
      'Trafficking support',
      'Support for people experiencing or leaving trafficking or exploitation.',
    ],
    ['legal', 'Legal', 'Legal advice and representation.'],
    ['health', 'Health', 'Sexual health, general health, mental health.'],
    ['housing', 'Housing', 'Shelter, housing advice, safe houses.'],
    ['safety', 'Safety', 'Safety planning, bad-client alerts, violence support.'],
    ['crisis-line', 'Crisis lines', 'Immediate support by phone or text.'],
    ['immigration', 'Immigration', 'Immigration advice whatever your status.'],
    ['financial', 'Financial', 'Money, benefits, debt and banking help.'],
    ['community', 'Community', 'Peer groups, drop-ins, social spaces.'],
  ],
  approach: [
    ['sex-worker-led', 'Sex-worker-led', 'Run by people with experience of sex work.'],
    ['peer-led', 'Peer-led', 'Run by people with lived experience.'],
    ['harm-reduction', 'Harm reduction', 'Meets people where they are.'],
    ['no-police', 'No police involvement', 'Does not involve the police without your agreement.'],
    ['confidential', 'Confidential', 'What you share stays with the service.'],
    ['anonymous', 'Anonymous', 'You do not have to give your name.'],
    ['no-id', 'No ID required', 'No identity documents needed.'],
    ['free', 'Free', 'No charge.'],
    ['drop-in', 'Drop-in', 'No appointment needed.'],
    ['no-exit-requirement', 'No requirement to leave sex work', 'Support does not depend on stopping sex work.'],
    ['trans-inclusive', 'Trans-inclusive', 'Welcomes trans and non-binary people.'],
    [
      'migrant-inclusive',
      'Migrant-inclusive regardless of status',
      'Open to migrants whatever their immigration status.',
    ],
  ],
  population: [
    ['sex-workers', 'Sex workers', 'People who sell or exchange sex.'],
    ['trafficking-survivors', 'People experiencing trafficking', 'People experiencing or who have left trafficking.'],
    ['women', 'Women', 'Women, cis and trans.'],
    ['men', 'Men', 'Men, cis and trans.'],
    ['trans-nonbinary', 'Trans and non-binary people', 'Trans and non-binary people.'],
    ['young-people', 'Young people', 'People under 25.'],
    ['migrants', 'Migrants', 'People who have moved country.'],
    ['lgbtq', 'LGBTQ+ people', 'Lesbian, gay, bisexual, trans and queer people.'],
  ],
  delivery: [
    ['in-person', 'In person', 'Visit in person.'],
    ['phone', 'Phone', 'By phone.'],
    ['text', 'Text', 'By text message or chat app.'],
    ['online', 'Online', 'Online.'],
  ],
};

export function defaultTaxonomyRows() {
  const taxonomies = Object.entries(TAXONOMIES).map(([facet, t]) => ({
    id: TAXONOMY_IDS[facet as Facet],
    name: t.name,
    description: t.description,
    uri: null,
    version: '1',
  }));
  const terms = Object.entries(DEFAULT_TERMS).flatMap(([facet, list]) =>
    list.map(([code, name, description]) => ({
      id: stableUuid(`${facet}:${code}`),
      code,
      name,
      description,
      parent_id: null,
      taxonomy: TAXONOMIES[facet as Facet].name,
      language: 'en',
      taxonomy_id: TAXONOMY_IDS[facet as Facet],
      term_uri: null,
    })),
  );
  return { taxonomies, terms };
}
