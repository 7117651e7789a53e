/*
 * The HSDS 3.0 tabular fields, table by table, in the specification's order (datapackage.json of
 * openreferral/specification, branch 3.0; a test checks this list against it field by field). One list drives
 * the export, the import and the API, so they cannot drift. Types: 's' string, 'n' number (decimal), 'i' integer
 * number (a `number` in the package, checked as whole on import). `tabular` is the Frictionless type of a string
 * field that holds a date, a date-time or a time. `required` is the tabular requirement.
 */
export type FieldType = 's' | 'n' | 'i';
export interface FieldSpec {
  name: string;
  type: FieldType;
  tabular?: 'date' | 'datetime' | 'time';
  required?: boolean;
  /** Identifier of another HSDS table (checked on import). */
  ref?: HsdsTable;
  enum?: readonly string[];
  format?: 'uuid' | 'uri' | 'email' | 'date-time';
}

/** Every HSDS 3.0 table, in the order of the specification's datapackage.json. */
export const HSDS_TABLES = [
  'organization',
  'program',
  'service',
  'attribute',
  'service_at_location',
  'location',
  'phone',
  'contact',
  'address',
  'schedule',
  'funding',
  'service_area',
  'required_document',
  'language',
  'accessibility',
  'taxonomy_term',
  'metadata',
  'meta_table_description',
  'cost_option',
  'organization_identifier',
  'taxonomy',
] as const;
export type HsdsTable = (typeof HSDS_TABLES)[number];

/** Each table's file in the specification's package (its datapackage.json `path`). */
export const HSDS_FILES: Record<HsdsTable, string> = {
  organization: 'organizations.csv',
  program: 'programs.csv',
  service: 'services.csv',
  attribute: 'attributes.csv',
  service_at_location: 'service_at_location.csv',
  location: 'locations.csv',
  phone: 'phones.csv',
  contact: 'contacts.csv',
  address: 'addresses.csv',
  schedule: 'schedules.csv',
  funding: 'funding.csv',
  service_area: 'service_areas.csv',
  required_document: 'required_documents.csv',
  language: 'languages.csv',
  accessibility: 'accessibility.csv',
  taxonomy_term: 'taxonomy_terms.csv',
  metadata: 'metadata.csv',
  meta_table_description: 'meta_table_descriptions.csv',
  cost_option: 'cost_options.csv',
  organization_identifier: 'organization_identifiers.csv',
  taxonomy: 'taxonomies.csv',
};

const id: FieldSpec = { name: 'id', type: 's', required: true, format: 'uuid' };
const s = (name: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({ name, type: 's', ...extra });
const date = (name: string, required = false): FieldSpec => ({ name, type: 's', tabular: 'date', required });
const time = (name: string): FieldSpec => ({ name, type: 's', tabular: 'time' });
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
    ref('program_id', 'program'),
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
    date('assured_date'),
    s('assurer_email', { format: 'email' }),
    s('licenses'),
    s('alert'),
    s('last_modified', { format: 'date-time', tabular: 'datetime' }),
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
    date('valid_from'),
    date('valid_to'),
    date('dtstart'),
    { name: 'timezone', type: 'n' },
    date('until'),
    { name: 'count', type: 'i' },
    s('wkst', { enum: ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] }),
    s('freq', { enum: ['WEEKLY', 'MONTHLY'] }),
    { name: 'interval', type: 'i' },
    s('byday'),
    s('byweekno'),
    s('bymonthday'),
    s('byyearday'),
    s('description'),
    time('opens_at'),
    time('closes_at'),
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
    s('link_id', { required: true, format: 'uuid' }),
    ref('taxonomy_term_id', 'taxonomy_term', true),
    s('link_type'),
    s('link_entity', { required: true }),
    s('value'),
  ],
  program: [
    id,
    ref('organization_id', 'organization', true),
    s('name', { required: true }),
    s('alternate_name'),
    s('description', { required: true }),
  ],
  funding: [id, ref('organization_id', 'organization'), ref('service_id', 'service'), s('source')],
  required_document: [id, ref('service_id', 'service'), s('document'), s('uri', { format: 'uri' })],
  accessibility: [id, ref('location_id', 'location'), s('description'), s('details'), s('url', { format: 'uri' })],
  metadata: [
    id,
    s('resource_id', { required: true, format: 'uuid' }),
    s('resource_type', { required: true }),
    date('last_action_date', true),
    s('last_action_type', { required: true }),
    s('field_name', { required: true }),
    s('previous_value', { required: true }),
    s('replacement_value', { required: true }),
    s('updated_by', { required: true }),
  ],
  meta_table_description: [id, s('name'), s('language'), s('character_set')],
  cost_option: [
    id,
    ref('service_id', 'service', true),
    date('valid_from'),
    date('valid_to'),
    s('option'),
    s('currency'),
    { name: 'amount', type: 'n' },
    s('amount_description'),
  ],
  organization_identifier: [
    id,
    ref('organization_id', 'organization', true),
    s('identifier_scheme'),
    s('identifier_type', { required: true }),
    s('identifier', { required: true }),
  ],
};

/** Tables in an order where every reference points to a table already loaded (import, delete in reverse). */
export const LOAD_ORDER: HsdsTable[] = [
  'organization',
  'organization_identifier',
  'program',
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
  'funding',
  'cost_option',
  'required_document',
  'accessibility',
  'attribute',
  'metadata',
  'meta_table_description',
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
