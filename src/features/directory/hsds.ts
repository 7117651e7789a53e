/*
 * The HSDS 3.x tabular fields this directory stores, table by table, in the specification's order
 * (https://docs.openreferral.org/en/latest/hsds/schema_reference.html, schema/simple/schema.csv).
 * One list drives the migration, the export, the import and the JSON-schema tests, so they cannot drift.
 * Types: 's' string, 'n' number (decimal), 'i' integer number. `required` is the tabular requirement.
 */
export type FieldType = 's' | 'n' | 'i';
export interface FieldSpec {
  name: string;
  type: FieldType;
  required?: boolean;
  /** Identifier of another HSDS table (checked on import). */
  ref?: HsdsTable;
  enum?: readonly string[];
  format?: 'uuid' | 'uri' | 'email' | 'date-time';
}

export const HSDS_TABLES = [
  'organization',
  'service',
  'location',
  'service_at_location',
  'address',
  'phone',
  'schedule',
  'language',
  'service_area',
  'contact',
  'taxonomy',
  'taxonomy_term',
  'attribute',
] as const;
export type HsdsTable = (typeof HSDS_TABLES)[number];

const id: FieldSpec = { name: 'id', type: 's', required: true, format: 'uuid' };
const s = (name: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({ name, type: 's', ...extra });
const ref = (name: string, table: HsdsTable, required = false): FieldSpec => ({
  name,
  type: 's',
  ref: table,
  format: 'uuid',
  required,
});

export const SERVICE_STATUSES = ['active', 'inactive', 'defunct', 'temporarily closed'] as const;
export const LOCATION_TYPES = ['physical', 'postal', 'virtual'] as const;

export const HSDS_FIELDS: Record<HsdsTable, FieldSpec[]> = {
  organization: [
    id,
    s('name', { required: true }),
    s('alternate_name'),
    s('description', { required: true }),
    s('email', { format: 'email' }),
    s('website', { format: 'uri' }),
    s('tax_status'),
    s('tax_id'),
    { name: 'year_incorporated', type: 'i' },
    s('legal_status'),
    s('logo'),
    s('uri', { format: 'uri' }),
    ref('parent_organization_id', 'organization'),
  ],
  service: [
    id,
    ref('organization_id', 'organization', true),
    s('program_id'),
    s('name', { required: true }),
    s('alternate_name'),
    s('description'),
    s('url', { format: 'uri' }),
    s('email', { format: 'email' }),
    s('status', { required: true, enum: SERVICE_STATUSES }),
    s('interpretation_services'),
    s('application_process'),
    s('fees_description'),
    s('wait_time'),
    s('fees'),
    s('accreditations'),
    s('eligibility_description'),
    { name: 'minimum_age', type: 'n' },
    { name: 'maximum_age', type: 'n' },
    s('assured_date'),
    s('assurer_email', { format: 'email' }),
    s('licenses'),
    s('alert'),
    s('last_modified', { format: 'date-time' }),
  ],
  location: [
    id,
    s('location_type', { required: true, enum: LOCATION_TYPES }),
    s('url', { format: 'uri' }),
    ref('organization_id', 'organization'),
    s('name'),
    s('alternate_name'),
    s('description'),
    s('transportation'),
    { name: 'latitude', type: 'n' },
    { name: 'longitude', type: 'n' },
    s('external_identifier'),
    s('external_identifier_type'),
  ],
  service_at_location: [id, ref('service_id', 'service', true), ref('location_id', 'location', true), s('description')],
  address: [
    id,
    ref('location_id', 'location'),
    s('attention'),
    s('address_1', { required: true }),
    s('address_2'),
    s('city', { required: true }),
    s('region'),
    s('state_province', { required: true }),
    s('postal_code', { required: true }),
    s('country', { required: true }),
    s('address_type', { required: true, enum: LOCATION_TYPES }),
  ],
  phone: [
    id,
    ref('location_id', 'location'),
    ref('service_id', 'service'),
    ref('organization_id', 'organization'),
    ref('contact_id', 'contact'),
    ref('service_at_location_id', 'service_at_location'),
    s('number', { required: true }),
    { name: 'extension', type: 'n' },
    s('type'),
    s('description'),
  ],
  schedule: [
    id,
    ref('service_id', 'service'),
    ref('location_id', 'location'),
    ref('service_at_location_id', 'service_at_location'),
    s('valid_from'),
    s('valid_to'),
    s('dtstart'),
    { name: 'timezone', type: 'n' },
    s('until'),
    { name: 'count', type: 'i' },
    s('wkst', { enum: ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] }),
    s('freq', { enum: ['WEEKLY', 'MONTHLY'] }),
    { name: 'interval', type: 'i' },
    s('byday'),
    s('byweekno'),
    s('bymonthday'),
    s('byyearday'),
    s('description'),
    s('opens_at'),
    s('closes_at'),
    s('schedule_link', { format: 'uri' }),
    s('attending_type'),
    s('notes'),
  ],
  language: [
    id,
    ref('service_id', 'service'),
    ref('location_id', 'location'),
    ref('phone_id', 'phone'),
    s('name'),
    s('code'),
    s('note'),
  ],
  service_area: [
    id,
    ref('service_id', 'service'),
    s('name'),
    s('description'),
    s('extent'),
    s('extent_type'),
    s('uri'),
  ],
  contact: [
    id,
    ref('organization_id', 'organization'),
    ref('service_id', 'service'),
    ref('service_at_location_id', 'service_at_location'),
    ref('location_id', 'location'),
    s('name'),
    s('title'),
    s('department'),
    s('email', { format: 'email' }),
  ],
  taxonomy: [
    id,
    s('name', { required: true }),
    s('description', { required: true }),
    s('uri', { format: 'uri' }),
    s('version'),
  ],
  taxonomy_term: [
    id,
    s('code'),
    s('name', { required: true }),
    s('description', { required: true }),
    ref('parent_id', 'taxonomy_term'),
    s('taxonomy'),
    s('language'),
    ref('taxonomy_id', 'taxonomy'),
    s('term_uri', { format: 'uri' }),
  ],
  attribute: [
    id,
    s('link_id', { required: true }),
    ref('taxonomy_term_id', 'taxonomy_term', true),
    s('link_type'),
    s('link_entity', { required: true }),
    s('value'),
  ],
};

/** Tables in an order where every reference points to a table already loaded (import, delete in reverse). */
export const LOAD_ORDER: HsdsTable[] = [
  'organization',
  'taxonomy',
  'taxonomy_term',
  'service',
  'location',
  'service_at_location',
  'contact',
  'phone',
  'address',
  'schedule',
  'language',
  'service_area',
  'attribute',
];

/** Taxonomies this directory defines; the term codes are what the search filters use in URLs. */
export const FACETS = ['category', 'approach', 'population', 'delivery'] as const;
export type Facet = (typeof FACETS)[number];
export const TAXONOMY_IDS: Record<Facet, string> = {
  category: '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405161',
  approach: '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405162',
  population: '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405163',
  delivery: '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405164',
};
