import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../schema.ts';
import { withId } from '../columns.ts';

/*
 * A migration must not change when app code changes later, so this one holds frozen copies of what
 * it once read from features/directory: the HSDS 3.x tabular fields (name, type 's' text / 'n' decimal /
 * 'i' integer, and whether the column is NOT NULL: required and not a reference) and the starting
 * vocabulary. Later changes to the field list or the vocabulary go in a new migration.
 */
type FrozenType = 's' | 'n' | 'i';
const TABLES: [table: string, columns: [name: string, type: FrozenType, notNull: boolean][]][] = [
  [
    'organization',
    [
      ['id', 's', true],
      ['name', 's', true],
      ['alternate_name', 's', false],
      ['description', 's', true],
      ['email', 's', false],
      ['website', 's', false],
      ['tax_status', 's', false],
      ['tax_id', 's', false],
      ['year_incorporated', 'i', false],
      ['legal_status', 's', false],
      ['logo', 's', false],
      ['uri', 's', false],
      ['parent_organization_id', 's', false],
    ],
  ],
  [
    'service',
    [
      ['id', 's', true],
      ['organization_id', 's', false],
      ['program_id', 's', false],
      ['name', 's', true],
      ['alternate_name', 's', false],
      ['description', 's', false],
      ['url', 's', false],
      ['email', 's', false],
      ['status', 's', true],
      ['interpretation_services', 's', false],
      ['application_process', 's', false],
      ['fees_description', 's', false],
      ['wait_time', 's', false],
      ['fees', 's', false],
      ['accreditations', 's', false],
      ['eligibility_description', 's', false],
      ['minimum_age', 'n', false],
      ['maximum_age', 'n', false],
      ['assured_date', 's', false],
      ['assurer_email', 's', false],
      ['licenses', 's', false],
      ['alert', 's', false],
      ['last_modified', 's', false],
    ],
  ],
  [
    'location',
    [
      ['id', 's', true],
      ['location_type', 's', true],
      ['url', 's', false],
      ['organization_id', 's', false],
      ['name', 's', false],
      ['alternate_name', 's', false],
      ['description', 's', false],
      ['transportation', 's', false],
      ['latitude', 'n', false],
      ['longitude', 'n', false],
      ['external_identifier', 's', false],
      ['external_identifier_type', 's', false],
    ],
  ],
  [
    'service_at_location',
    [
      ['id', 's', true],
      ['service_id', 's', false],
      ['location_id', 's', false],
      ['description', 's', false],
    ],
  ],
  [
    'address',
    [
      ['id', 's', true],
      ['location_id', 's', false],
      ['attention', 's', false],
      ['address_1', 's', true],
      ['address_2', 's', false],
      ['city', 's', true],
      ['region', 's', false],
      ['state_province', 's', true],
      ['postal_code', 's', true],
      ['country', 's', true],
      ['address_type', 's', true],
    ],
  ],
  [
    'phone',
    [
      ['id', 's', true],
      ['location_id', 's', false],
      ['service_id', 's', false],
      ['organization_id', 's', false],
      ['contact_id', 's', false],
      ['service_at_location_id', 's', false],
      ['number', 's', true],
      ['extension', 'n', false],
      ['type', 's', false],
      ['description', 's', false],
    ],
  ],
  [
    'schedule',
    [
      ['id', 's', true],
      ['service_id', 's', false],
      ['location_id', 's', false],
      ['service_at_location_id', 's', false],
      ['valid_from', 's', false],
      ['valid_to', 's', false],
      ['dtstart', 's', false],
      ['timezone', 'n', false],
      ['until', 's', false],
      ['count', 'i', false],
      ['wkst', 's', false],
      ['freq', 's', false],
      ['interval', 'i', false],
      ['byday', 's', false],
      ['byweekno', 's', false],
      ['bymonthday', 's', false],
      ['byyearday', 's', false],
      ['description', 's', false],
      ['opens_at', 's', false],
      ['closes_at', 's', false],
      ['schedule_link', 's', false],
      ['attending_type', 's', false],
      ['notes', 's', false],
    ],
  ],
  [
    'language',
    [
      ['id', 's', true],
      ['service_id', 's', false],
      ['location_id', 's', false],
      ['phone_id', 's', false],
      ['name', 's', false],
      ['code', 's', false],
      ['note', 's', false],
    ],
  ],
  [
    'service_area',
    [
      ['id', 's', true],
      ['service_id', 's', false],
      ['service_at_location_id', 's', false],
      ['name', 's', false],
      ['description', 's', false],
      ['extent', 's', false],
      ['extent_type', 's', false],
      ['uri', 's', false],
    ],
  ],
  [
    'contact',
    [
      ['id', 's', true],
      ['organization_id', 's', false],
      ['service_id', 's', false],
      ['service_at_location_id', 's', false],
      ['location_id', 's', false],
      ['name', 's', false],
      ['title', 's', false],
      ['department', 's', false],
      ['email', 's', false],
    ],
  ],
  [
    'taxonomy',
    [
      ['id', 's', true],
      ['name', 's', true],
      ['description', 's', true],
      ['uri', 's', false],
      ['version', 's', false],
    ],
  ],
  [
    'taxonomy_term',
    [
      ['id', 's', true],
      ['code', 's', false],
      ['name', 's', true],
      ['description', 's', true],
      ['parent_id', 's', false],
      ['taxonomy', 's', false],
      ['language', 's', false],
      ['taxonomy_id', 's', false],
      ['term_uri', 's', false],
    ],
  ],
  [
    'attribute',
    [
      ['id', 's', true],
      ['link_id', 's', true],
      ['taxonomy_term_id', 's', false],
      ['link_type', 's', false],
      ['link_entity', 's', true],
      ['value', 's', false],
      ['label', 's', false],
    ],
  ],
];
const TAXONOMY_ROWS = [
  {
    id: '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405161',
    name: 'Alongside categories',
    description: 'What kind of support a service gives.',
    uri: null,
    version: '1',
  },
  {
    id: '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405162',
    name: 'Alongside approach',
    description: 'What a service offers and on what terms.',
    uri: null,
    version: '1',
  },
  {
    id: '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405163',
    name: 'Alongside populations served',
    description: 'Who a service is for.',
    uri: null,
    version: '1',
  },
  {
    id: '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405164',
    name: 'Alongside delivery',
    description: 'How people reach the service.',
    uri: null,
    version: '1',
  },
];
const TERM_ROWS: [id: string, code: string, name: string, description: string, taxonomy: string, taxonomyId: string][] =
  [
    [
      'b0bff067-4e32-5914-a398-a9ec85703a45',
      'sex-work-support',
      'Sex worker rights and support',
      'Support for people who sell sex, on their terms, including rights and organising.',
      'Alongside categories',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405161',
    ],
    [
      '93f7158f-76d2-5ba6-8eda-57b2f20cdb82',
      'trafficking-support',
      'Trafficking support',
      'Support for people experiencing or leaving trafficking or exploitation.',
      'Alongside categories',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405161',
    ],
    [
      '88ec8555-2b55-5fc2-bf1b-896af89af8b6',
      'legal',
      'Legal',
      'Legal advice and representation.',
      'Alongside categories',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405161',
    ],
    [
      '63e9d499-e576-5620-a6ff-221e54012d58',
      'health',
      'Health',
      'Sexual health, general health, mental health.',
      'Alongside categories',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405161',
    ],
    [
      '7fe69528-670c-540d-ad5d-bccff8e69281',
      'housing',
      'Housing',
      'Shelter, housing advice, safe houses.',
      'Alongside categories',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405161',
    ],
    [
      '0d046b2b-e2d4-5845-908e-8b49448a1538',
      'safety',
      'Safety',
      'Safety planning, bad-client alerts, violence support.',
      'Alongside categories',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405161',
    ],
    [
      'abfde8b4-525c-5335-afc2-8fd2511086b7',
      'crisis-line',
      'Crisis lines',
      'Immediate support by phone or text.',
      'Alongside categories',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405161',
    ],
    [
      '40788a9d-035c-5860-98c4-70f455a175ad',
      'immigration',
      'Immigration',
      'Immigration advice whatever your status.',
      'Alongside categories',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405161',
    ],
    [
      '4e8b83ea-4362-519f-80c1-f8ad83c09614',
      'financial',
      'Financial',
      'Money, benefits, debt and banking help.',
      'Alongside categories',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405161',
    ],
    [
      '45d54b30-4ec2-5d6f-b96b-7cee06e55629',
      'community',
      'Community',
      'Peer groups, drop-ins, social spaces.',
      'Alongside categories',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405161',
    ],
    [
      '05643248-f442-555e-b63a-4bb4fb846524',
      'sex-worker-led',
      'Sex-worker-led',
      'Run by people with experience of sex work.',
      'Alongside approach',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405162',
    ],
    [
      '334bca10-fa10-57d4-9428-c650adc8884e',
      'peer-led',
      'Peer-led',
      'Run by people with lived experience.',
      'Alongside approach',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405162',
    ],
    [
      'faa9f68a-5954-5994-acc4-516736714bb0',
      'harm-reduction',
      'Harm reduction',
      'Meets people where they are.',
      'Alongside approach',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405162',
    ],
    [
      'eac91e17-646f-5d8f-9dc2-f75e4730e565',
      'no-police',
      'No police involvement',
      'Does not involve the police without your agreement.',
      'Alongside approach',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405162',
    ],
    [
      'dc24db70-65c9-5f6a-93e4-3da6b847e804',
      'confidential',
      'Confidential',
      'What you share stays with the service.',
      'Alongside approach',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405162',
    ],
    [
      '5e9c94a0-cc92-5c5f-80b0-e1d169baa31d',
      'anonymous',
      'Anonymous',
      'You do not have to give your name.',
      'Alongside approach',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405162',
    ],
    [
      '9d4042da-5b2b-5345-b06e-f940bb1217e4',
      'no-id',
      'No ID required',
      'No identity documents needed.',
      'Alongside approach',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405162',
    ],
    [
      '589a4102-b075-56be-972e-ded5f3e2b55e',
      'free',
      'Free',
      'No charge.',
      'Alongside approach',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405162',
    ],
    [
      '9e43502a-a770-559e-ab76-dee093cabf72',
      'drop-in',
      'Drop-in',
      'No appointment needed.',
      'Alongside approach',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405162',
    ],
    [
      '434905e8-3ec6-5575-9362-4c331be4c97b',
      'no-exit-requirement',
      'No requirement to leave sex work',
      'Support does not depend on stopping sex work.',
      'Alongside approach',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405162',
    ],
    [
      '1981fa26-694c-5f7a-82d9-bba999041e30',
      'trans-inclusive',
      'Trans-inclusive',
      'Welcomes trans and non-binary people.',
      'Alongside approach',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405162',
    ],
    [
      'b9b77339-99de-53d9-9e51-df73274773cc',
      'migrant-inclusive',
      'Migrant-inclusive regardless of status',
      'Open to migrants whatever their immigration status.',
      'Alongside approach',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405162',
    ],
    [
      '3a4fc6ac-d1a6-5c50-ab7d-ffc4ec652f13',
      'sex-workers',
      'Sex workers',
      'People who sell or exchange sex.',
      'Alongside populations served',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405163',
    ],
    [
      '8212cb24-fb56-5a4e-93f4-e7611f4bf5fe',
      'trafficking-survivors',
      'People experiencing trafficking',
      'People experiencing or who have left trafficking.',
      'Alongside populations served',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405163',
    ],
    [
      '9faeae0a-37cf-5532-bec4-b95995b2cd7d',
      'women',
      'Women',
      'Women, cis and trans.',
      'Alongside populations served',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405163',
    ],
    [
      'fab5d545-1452-505c-99cb-02cca84c8263',
      'men',
      'Men',
      'Men, cis and trans.',
      'Alongside populations served',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405163',
    ],
    [
      '66e5b79f-1bba-5f4c-b6ae-893fd4500a7e',
      'trans-nonbinary',
      'Trans and non-binary people',
      'Trans and non-binary people.',
      'Alongside populations served',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405163',
    ],
    [
      '4c707e51-221a-5d11-8f65-bd3af82e2330',
      'young-people',
      'Young people',
      'People under 25.',
      'Alongside populations served',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405163',
    ],
    [
      'a4a50929-ab0d-5a64-9b68-f71f0123cc3e',
      'migrants',
      'Migrants',
      'People who have moved country.',
      'Alongside populations served',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405163',
    ],
    [
      'c529b9c4-4ec5-556a-b654-40077b479a65',
      'lgbtq',
      'LGBTQ+ people',
      'Lesbian, gay, bisexual, trans and queer people.',
      'Alongside populations served',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405163',
    ],
    [
      'c53ac88f-0f0b-57e8-91bb-4cbb63f24073',
      'in-person',
      'In person',
      'Visit in person.',
      'Alongside delivery',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405164',
    ],
    [
      '6ad7be81-ad8e-5890-bf8f-46b6bb6ed8a7',
      'phone',
      'Phone',
      'By phone.',
      'Alongside delivery',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405164',
    ],
    [
      '706a34fe-960b-502f-bf15-be41694e93c1',
      'text',
      'Text',
      'By text message or chat app.',
      'Alongside delivery',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405164',
    ],
    [
      '0d9c2139-6ca2-5751-ac68-0f5dd6225b0a',
      'online',
      'Online',
      'Online.',
      'Alongside delivery',
      '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405164',
    ],
  ];

/** Extension columns of this directory, beside the HSDS fields (see schema.ts, section directory). */
const EXTENSIONS: Partial<
  Record<string, { name: string; type: 'text' | 'integer' | 'real'; notNull?: boolean; defaultTo?: number }[]>
> = {
  service: [
    { name: 'slug', type: 'text', notNull: true },
    { name: 'verified_by', type: 'text' },
    { name: 'created_at', type: 'text', notNull: true },
  ],
  location: [
    { name: 'is_confidential', type: 'integer', notNull: true, defaultTo: 0 },
    { name: 'area_name', type: 'text' },
    { name: 'public_latitude', type: 'real' },
    { name: 'public_longitude', type: 'real' },
  ],
  schedule: [{ name: 'timezone_name', type: 'text' }],
};

function columnType(type: FrozenType, dialect: Dialect) {
  if (type === 's') return 'text' as const;
  if (type === 'i') return 'integer' as const;
  return dialect === 'postgres' ? ('double precision' as const) : ('real' as const);
}

export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  for (const [table, columns] of TABLES) {
    let builder = db.schema.createTable(table);
    for (const [name, type, notNull] of columns) {
      builder = builder.addColumn(name, columnType(type, dialect), (c) => {
        if (name === 'id') return c.primaryKey();
        // References are checked by the service and the importer, not by foreign keys: an HSDS package
        // may list rows in any order, and a deleted service takes its rows with it explicitly.
        return notNull ? c.notNull() : c;
      });
    }
    for (const e of EXTENSIONS[table] ?? []) {
      const type = e.type === 'real' && dialect === 'postgres' ? 'double precision' : e.type;
      builder = builder.addColumn(e.name, type, (c) => {
        let col = e.notNull ? c.notNull() : c;
        if (e.defaultTo !== undefined) col = col.defaultTo(e.defaultTo);
        return col;
      });
    }
    await builder.execute();
  }
  await db.schema.createIndex('service_slug').on('service').column('slug').unique().execute();
  await db.schema.createIndex('service_organization').on('service').column('organization_id').execute();
  await db.schema.createIndex('service_assured').on('service').columns(['status', 'assured_date']).execute();
  // Radius search: a bounding box on the public coordinates, then the exact distance.
  await db.schema
    .createIndex('location_public_point')
    .on('location')
    .columns(['public_latitude', 'public_longitude'])
    .execute();
  await db.schema
    .createIndex('sal_location')
    .on('service_at_location')
    .columns(['location_id', 'service_id'])
    .execute();
  await db.schema.createIndex('sal_service').on('service_at_location').column('service_id').execute();
  await db.schema.createIndex('address_location').on('address').column('location_id').execute();
  await db.schema.createIndex('phone_service').on('phone').column('service_id').execute();
  await db.schema.createIndex('phone_number').on('phone').column('number').execute();
  await db.schema.createIndex('schedule_service').on('schedule').column('service_id').execute();
  await db.schema.createIndex('schedule_location').on('schedule').column('location_id').execute();
  await db.schema.createIndex('language_service').on('language').columns(['service_id', 'code']).execute();
  await db.schema.createIndex('language_code').on('language').columns(['code', 'service_id']).execute();
  await db.schema.createIndex('service_area_service').on('service_area').column('service_id').execute();
  await db.schema.createIndex('service_area_uri').on('service_area').columns(['uri', 'service_id']).execute();
  await db.schema.createIndex('contact_service').on('contact').column('service_id').execute();
  await db.schema.createIndex('taxonomy_term_taxonomy').on('taxonomy_term').columns(['taxonomy_id', 'code']).execute();
  await db.schema.createIndex('attribute_link').on('attribute').columns(['link_id', 'taxonomy_term_id']).execute();
  await db.schema.createIndex('attribute_term').on('attribute').columns(['taxonomy_term_id', 'link_id']).execute();

  // Full text over a service's name, description, organisation and terms, kept by the repo.
  if (dialect === 'postgres') {
    await sql`create table directory_text (service_id text primary key, body text not null,
      tsv tsvector generated always as (to_tsvector('english', body)) stored)`.execute(db);
    await sql`create index directory_text_tsv on directory_text using gin (tsv)`.execute(db);
  } else {
    await sql`create virtual table directory_fts using fts5(service_id unindexed, body, tokenize = 'porter unicode61 remove_diacritics 2')`.execute(
      db,
    );
    await sql`create virtual table directory_vocab using fts5vocab(directory_fts, 'row')`.execute(db);
  }

  await withId(db.schema.createTable('resource_suggestions'), dialect)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('context', 'text', (c) => c.notNull())
    .addColumn('where_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('contact_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_comment_id', 'integer')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('reviewed_at', 'text')
    .addColumn('reviewed_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema
    .createIndex('resource_suggestions_status')
    .on('resource_suggestions')
    .columns(['status', 'created_at'])
    .execute();
  await db.schema.createIndex('resource_suggestions_domain').on('resource_suggestions').column('domain').execute();

  await withId(db.schema.createTable('directory_reports'), dialect)
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addColumn('resolved_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema
    .createIndex('directory_reports_status')
    .on('directory_reports')
    .columns(['status', 'created_at'])
    .execute();

  await withId(db.schema.createTable('directory_changes'), dialect)
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('directory_changes_service')
    .on('directory_changes')
    .columns(['service_id', 'created_at'])
    .execute();

  // The starting vocabulary (categories, approach, populations, delivery), which admins can edit.
  await db.insertInto('taxonomy').values(TAXONOMY_ROWS).execute();
  await db
    .insertInto('taxonomy_term')
    .values(
      TERM_ROWS.map(([id, code, name, description, taxonomy, taxonomyId]) => ({
        id,
        code,
        name,
        description,
        parent_id: null,
        taxonomy,
        language: 'en',
        taxonomy_id: taxonomyId,
        term_uri: null,
      })),
    )
    .execute();
}
