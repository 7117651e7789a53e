import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/*
 * The official HSDS 3.0 JSON schemas (openreferral/specification, branch 3.0, vendored under
 * test/fixtures/openreferral), compiled with ajv as the specification declares them: JSON Schema 2020-12
 * (the `jsonSchemaDialect` of schema/openapi.json), formats checked (ajv-formats). The schemas' own
 * annotation keywords (name, constraints, example, core, …) are declared as such, so ajv's strict mode
 * still refuses anything else it does not understand. Nothing here is written by this project.
 */
export const OPENREFERRAL = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../test/fixtures/openreferral',
);
const SCHEMA_DIR = path.join(OPENREFERRAL, 'schema');
const read = (file: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, file), 'utf8')) as Record<string, unknown>;

const ajv = new Ajv2020({ allErrors: true, strict: true, code: { optimize: false } });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
ajv.addVocabulary([
  'name',
  'path',
  'datapackage_metadata',
  'constraints',
  'example',
  'core',
  'datapackage_type',
  'tabular_required',
]);
// The per-object schemas refer to one another by file name (taxonomy.json → metadata.json).
for (const file of fs.readdirSync(SCHEMA_DIR)) {
  if (file.endsWith('.json') && file !== 'openapi.json') ajv.addSchema(read(file), file);
}

/** What each API answer must validate against, as schema/openapi.json says. */
export type OfficialSchema =
  | 'compiled/service.json'
  | 'compiled/service_list.json'
  | 'compiled/service_at_location.json'
  | 'compiled/service_at_location_list.json'
  | 'compiled/organization.json'
  | 'compiled/organization_list.json'
  | 'taxonomy.json'
  | 'taxonomy_term.json';

const compiled = new Map<string, ValidateFunction>();
/** A validator for one official schema, compiled on first use (the nested ones take seconds). */
function validator(schema: OfficialSchema | 'Page'): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    if (schema === 'Page') {
      const openapi = read('openapi.json') as { components: { schemas: { Page: object } } };
      v = ajv.compile(openapi.components.schemas.Page);
    } else v = schema.startsWith('compiled/') ? ajv.compile(read(schema)) : ajv.getSchema(schema)!;
    compiled.set(schema, v);
  }
  return v;
}

/** The problems of `value` against an official schema, as one line each; empty when it is valid. */
export function problems(schema: OfficialSchema | 'Page', value: unknown): string[] {
  const v = validator(schema);
  if (v(value)) return [];
  return (v.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/**
 * A list answer: the reference's Page object (every property of components/schemas/Page present, as the reference
 * asks) and each item of `contents` valid against the item schema.
 */
export function pageProblems(itemSchema: OfficialSchema, body: unknown): string[] {
  const out = problems('Page', body);
  const page = body as Record<string, unknown>;
  for (const key of ['total_items', 'total_pages', 'page_number', 'size', 'first_page', 'last_page', 'empty'])
    if (!(key in page)) out.push(`/ lacks ${key}`);
  if (!Array.isArray(page.contents)) return [...out, '/contents is not a list'];
  page.contents.forEach((item, i) => out.push(...problems(itemSchema, item).map((p) => `/contents/${i}${p}`)));
  return out;
}

/** A table's row schema in compiled/tabular.json (each table as one object of its own fields). */
export function tabularRow(table: string): { properties: Record<string, { type?: string }>; required?: string[] } {
  const tabular = read('compiled/tabular.json') as {
    properties: Record<string, { items: { properties: Record<string, { type?: string }>; required?: string[] } }>;
  };
  const t = tabular.properties[table];
  if (!t) throw new Error(`compiled/tabular.json has no table ${table}`);
  return t.items;
}

/** The problems of one CSV row (cells as text) against its table in compiled/tabular.json; empty cells are absent. */
export function rowProblems(table: string, row: Record<string, string>): string[] {
  const schema = tabularRow(table);
  const key = `tabular:${table}`;
  let v = compiled.get(key);
  if (!v) compiled.set(key, (v = ajv.compile(schema)));
  const typed: Record<string, unknown> = {};
  for (const [k, cell] of Object.entries(row)) {
    if (cell === '') {
      if (schema.required?.includes(k)) typed[k] = '';
      continue;
    }
    typed[k] = schema.properties[k]?.type === 'number' ? Number(cell) : cell;
  }
  if (v(typed)) return [];
  return (v.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
