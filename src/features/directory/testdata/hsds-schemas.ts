/*
 * JSON schemas for HSDS 3.0 objects, written for these tests from the specification's field reference
 * (schema/simple/schema.csv in openreferral/specification: names, types, formats, enums, required).
 * They are deliberately separate from features/directory/hsds.ts so a mistake there is caught here.
 */
const str = { type: ['string', 'null'] };
const num = { type: ['number', 'null'] };
const uuid = { type: 'string', minLength: 1 };
const uri = { anyOf: [{ type: 'string', format: 'uri' }, { type: 'null' }] };
const email = { anyOf: [{ type: 'string', format: 'email' }, { type: 'null' }] };

export const organization = {
  type: 'object', required: ['id', 'name', 'description'],
  properties: { id: uuid, name: { type: 'string', minLength: 1 }, alternate_name: str, description: { type: 'string' }, email, website: uri, tax_status: str, tax_id: str, year_incorporated: num, legal_status: str, logo: str, uri, parent_organization_id: str },
};
export const phone = {
  type: 'object', required: ['id', 'number'],
  properties: { id: uuid, location_id: str, service_id: str, organization_id: str, contact_id: str, service_at_location_id: str, number: { type: 'string', minLength: 1 }, extension: num, type: str, description: str },
};
export const schedule = {
  type: 'object', required: ['id'],
  properties: {
    id: uuid, service_id: str, location_id: str, service_at_location_id: str, valid_from: str, valid_to: str, dtstart: str, timezone: num, until: str, count: num,
    wkst: { enum: ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU', null] }, freq: { enum: ['WEEKLY', 'MONTHLY', null] }, interval: num, byday: str, byweekno: str, bymonthday: str,
    byyearday: str, description: str, opens_at: str, closes_at: str, schedule_link: uri, attending_type: str, notes: str,
    timezone_name: str,
  },
};
export const language = { type: 'object', required: ['id'], properties: { id: uuid, service_id: str, location_id: str, phone_id: str, name: str, code: str, note: str } };
export const service_area = { type: 'object', required: ['id'], properties: { id: uuid, service_id: str, service_at_location_id: str, name: str, description: str, extent: str, extent_type: str, uri: str } };
export const contact = { type: 'object', required: ['id'], properties: { id: uuid, organization_id: str, service_id: str, service_at_location_id: str, location_id: str, name: str, title: str, department: str, email } };
export const address = {
  type: 'object', required: ['id', 'address_1', 'city', 'state_province', 'postal_code', 'country', 'address_type'],
  properties: { id: uuid, location_id: str, attention: str, address_1: { type: 'string' }, address_2: str, city: { type: 'string' }, region: str, state_province: { type: 'string' }, postal_code: { type: 'string' }, country: { type: 'string' }, address_type: { enum: ['physical', 'postal', 'virtual'] } },
};
export const location = {
  type: 'object', required: ['id', 'location_type'],
  properties: {
    id: uuid, location_type: { enum: ['physical', 'postal', 'virtual'] }, url: uri, organization_id: str, name: str, alternate_name: str, description: str, transportation: str,
    latitude: { anyOf: [{ type: 'number', minimum: -90, maximum: 90 }, { type: 'null' }] }, longitude: { anyOf: [{ type: 'number', minimum: -180, maximum: 180 }, { type: 'null' }] },
    external_identifier: str, external_identifier_type: str,
  },
};
export const taxonomy = { type: 'object', required: ['id', 'name', 'description'], properties: { id: uuid, name: { type: 'string' }, description: { type: 'string' }, uri, version: str } };
export const taxonomy_term = {
  type: 'object', required: ['id', 'name', 'description'],
  properties: { id: uuid, code: str, name: { type: 'string' }, description: { type: 'string' }, parent_id: str, taxonomy: str, language: str, taxonomy_id: str, term_uri: uri },
};
export const attribute = {
  type: 'object', required: ['id', 'link_id', 'taxonomy_term_id', 'link_entity'],
  properties: { id: uuid, link_id: uuid, taxonomy_term_id: uuid, link_type: str, link_entity: { type: 'string' }, value: str, label: str },
};
export const service_at_location = { type: 'object', required: ['id', 'service_id', 'location_id'], properties: { id: uuid, service_id: uuid, location_id: uuid, description: str } };
const serviceFields = {
  id: uuid, organization_id: uuid, program_id: str, name: { type: 'string', minLength: 1 }, alternate_name: str, description: str, url: uri, email,
  status: { enum: ['active', 'inactive', 'defunct', 'temporarily closed'] }, interpretation_services: str, application_process: str, fees_description: str, wait_time: str,
  fees: str, accreditations: str, eligibility_description: str, minimum_age: num, maximum_age: num, assured_date: str, assurer_email: email, licenses: str, alert: str,
  last_modified: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] },
};
export const service = { type: 'object', required: ['id', 'name', 'status', 'organization_id'], properties: serviceFields };

/** The fully nested service of the API (compiled/service.json). */
const closed = <T extends { properties: object }>(s: T) => ({ ...s, additionalProperties: false });
export const nestedService = {
  type: 'object', required: ['id', 'name', 'status'], additionalProperties: false,
  properties: {
    ...serviceFields,
    organization: closed(organization),
    phones: { type: 'array', items: closed(phone) },
    schedules: { type: 'array', items: closed(schedule) },
    service_areas: { type: 'array', items: closed(service_area) },
    languages: { type: 'array', items: closed(language) },
    contacts: { type: 'array', items: closed(contact) },
    attributes: { type: 'array', items: { ...attribute, additionalProperties: false, properties: { ...attribute.properties, taxonomy_term: closed(taxonomy_term) } } },
    service_at_locations: {
      type: 'array',
      items: {
        ...service_at_location, additionalProperties: false,
        properties: {
          ...service_at_location.properties,
          location: { ...location, additionalProperties: false, properties: { ...location.properties, addresses: { type: 'array', items: closed(address) }, schedules: { type: 'array', items: closed(schedule) } } },
        },
      },
    },
  },
};
export const page = {
  type: 'object', required: ['total_items', 'total_pages', 'page_number', 'size', 'first_page', 'last_page', 'empty', 'contents'],
  properties: { total_items: { type: 'integer' }, total_pages: { type: 'integer' }, page_number: { type: 'integer' }, size: { type: 'integer' }, first_page: { type: 'boolean' }, last_page: { type: 'boolean' }, empty: { type: 'boolean' }, contents: { type: 'array' } },
};

/** Tabular rows by table, for checking an export's CSV files. */
export const TABULAR: Record<string, { properties: Record<string, unknown>; required: string[] }> = {
  organization, service, location, service_at_location, address, phone, schedule, language, service_area, contact, taxonomy, taxonomy_term, attribute,
};
