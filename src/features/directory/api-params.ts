import { Type, type Static } from '../../core/http/schemas.ts';
import type { Message } from '../../core/i18n/index.ts';
import { msg } from './messages.ts';
import { Decimal, Whole } from './numbers.ts';
import { MAX_RADIUS_KM } from './search.ts';

/*
 * The HSDS API's parameters as schemas, one per route: Fastify checks every value before a handler
 * runs, so nothing malformed reaches the database, and a refused parameter is answered with 400 and a
 * message naming it (parameterProblem). What a schema cannot say — a date that does not exist, two
 * parameters that cannot be combined — the API service checks.
 */
export const MAX_PER_PAGE = 100;
export const MAX_PAGE = 100_000;
export const MAX_PROXIMITY_M = MAX_RADIUS_KM * 1000;
const MAX_SEARCH = 200;
const MAX_ID = 100;

const Metres = Decimal({ max: MAX_PROXIMITY_M });
const Flag = Type.Optional(Type.Enum(['true', 'false', '1', '0']));
const Text = (max: number) => Type.Optional(Type.String({ maxLength: max }));
const IdText = Text(MAX_ID);
/** `modified_after`: a date or date-time (ISO 8601); whether that day and time exist is the service's check. */
const DateText = Type.Optional(
  Type.String({
    maxLength: 40,
    pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?$',
  }),
);
/** A postcode: up to 16 letters, digits, spaces or hyphens, with spaces around it allowed. */
const Postcode = Type.Optional(Type.String({ maxLength: 24, pattern: '^\\s*([A-Za-z0-9][A-Za-z0-9 -]{0,15})?\\s*$' }));

const listing = {
  page: Type.Optional(Whole(MAX_PAGE)),
  per_page: Type.Optional(Whole(MAX_PER_PAGE)),
  format: Type.Optional(Type.Enum(['json', 'ndjson'])),
};
const serviceFilters = {
  search: Text(MAX_SEARCH),
  taxonomy_term_id: IdText,
  taxonomy_id: IdText,
  organization_id: IdText,
  modified_after: DateText,
  postcode: Postcode,
  proximity: Type.Optional(Metres),
};

export const ServicesQuery = Type.Object({ ...listing, ...serviceFilters, minimal: Flag, full: Flag });
export const ServiceAtLocationsQuery = Type.Object({ ...listing, ...serviceFilters, service_id: IdText, full: Flag });
export const OrganizationsQuery = Type.Object({
  ...listing,
  search: Text(MAX_SEARCH),
  taxonomy_term_id: IdText,
  taxonomy_id: IdText,
  full: Flag,
  full_service: Flag,
});
export const OrganizationQuery = Type.Object({ full_service: Flag });
export const TaxonomiesQuery = Type.Object({ ...listing, search: Text(MAX_SEARCH) });
export const TaxonomyTermsQuery = Type.Object({
  ...listing,
  search: Text(MAX_SEARCH),
  taxonomy_id: IdText,
  parent_id: IdText,
  top_only: Flag,
});
/** A record's id in the path; one that no record has is simply not found. */
export const RecordParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: MAX_ID }) });

export const ListingQuery = Type.Object(listing);
export type ListingQuery = Static<typeof ListingQuery>;
export type ServicesQuery = Static<typeof ServicesQuery>;
export type ServiceAtLocationsQuery = Static<typeof ServiceAtLocationsQuery>;
export type OrganizationsQuery = Static<typeof OrganizationsQuery>;
export type TaxonomiesQuery = Static<typeof TaxonomiesQuery>;
export type TaxonomyTermsQuery = Static<typeof TaxonomyTermsQuery>;

/** A flag's value: true or 1 say yes. */
export const isOn = (flag: string | undefined) => flag === 'true' || flag === '1';

const whole = (name: string, max: number) => msg('apiWhole', { name, max });
const text = (name: string, max: number) => msg('apiText', { name, max });
const flag = (name: string) => msg('apiFlag', { name });
/** What each parameter must be, said when it is refused. */
const MUST: Record<string, Message> = {
  page: whole('page', MAX_PAGE),
  per_page: whole('per_page', MAX_PER_PAGE),
  format: msg('apiFormat'),
  search: text('search', MAX_SEARCH),
  taxonomy_term_id: text('taxonomy_term_id', MAX_ID),
  taxonomy_id: text('taxonomy_id', MAX_ID),
  organization_id: text('organization_id', MAX_ID),
  service_id: text('service_id', MAX_ID),
  parent_id: text('parent_id', MAX_ID),
  id: text('id', MAX_ID),
  modified_after: msg('apiModifiedAfter'),
  postcode: msg('apiPostcode'),
  proximity: msg('apiProximity', { max: MAX_PROXIMITY_M }),
  minimal: flag('minimal'),
  full: flag('full'),
  full_service: flag('full_service'),
  top_only: flag('top_only'),
};

/** The message for a request that failed its schema: the first parameter refused, and what it must be. */
export function parameterProblem(errors: { instancePath: string }[], query: unknown): Message {
  const name = errors[0]?.instancePath.split('/')[1] ?? '';
  const given: unknown = typeof query === 'object' && query !== null ? Reflect.get(query, name) : undefined;
  if (Array.isArray(given)) return msg('apiOnce', { name });
  return MUST[name] ?? msg('apiBadParameter', { name: name || 'a parameter' });
}
