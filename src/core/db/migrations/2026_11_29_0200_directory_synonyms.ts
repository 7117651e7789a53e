import type { Kysely } from 'kysely';

/*
 * Words readers use for a directory term ("lawyer" for Legal, « clinique » for Health), one row per
 * word and language, edited by curators beside the term. The search reads a query word found here
 * as "this word or the term's name". No foreign key: a term replaced by an HSDS import simply
 * leaves rows the search no longer joins.
 */
const CATEGORY = '6b0f2c1e-3a51-4c8e-9d0a-1c2e3f405161';

/** Starting synonyms for the default categories (codes of migration 0300), in English and French. */
const DEFAULTS: Record<string, { en: string[]; fr: string[] }> = {
  legal: {
    en: ['lawyer', 'lawyers', 'solicitor', 'attorney', 'barrister', 'court', 'law'],
    fr: ['avocat', 'avocate', 'avocats', 'juriste', 'juridique', 'droit', 'tribunal'],
  },
  health: {
    en: ['clinic', 'doctor', 'nurse', 'gp', 'hospital', 'medical', 'sti', 'hiv', 'prep', 'pep', 'testing'],
    fr: ['clinique', 'médecin', 'santé', 'infirmière', 'infirmier', 'hôpital', 'dépistage', 'ist', 'vih'],
  },
  housing: {
    en: ['shelter', 'refuge', 'accommodation', 'homeless', 'hostel', 'rent'],
    fr: ['logement', 'hébergement', 'abri', 'foyer', 'refuge'],
  },
  safety: {
    en: ['violence', 'abuse', 'attack', 'protection', 'stalking'],
    fr: ['sécurité', 'violence', 'violences', 'agression', 'protection'],
  },
  'crisis-line': {
    en: ['hotline', 'helpline', 'emergency', 'crisis', 'urgent'],
    fr: ['urgence', 'écoute', 'crise', 'ligne'],
  },
  immigration: {
    en: ['visa', 'asylum', 'refugee', 'papers', 'deportation', 'migrant'],
    fr: ['asile', 'réfugié', 'réfugiée', 'papiers', 'séjour', 'visa', 'migrant', 'migrante'],
  },
  financial: {
    en: ['money', 'benefits', 'debt', 'bank', 'banking', 'tax'],
    fr: ['argent', 'dette', 'dettes', 'banque', 'impôts', 'allocations'],
  },
  community: {
    en: ['peer', 'group', 'social', 'friends'],
    fr: ['communauté', 'pair', 'pairs', 'groupe', 'entraide'],
  },
  'trafficking-support': {
    en: ['exploitation', 'slavery', 'forced', 'traffickers'],
    fr: ['traite', 'exploitation', 'esclavage', 'forcé'],
  },
  'sex-work-support': {
    en: ['escort', 'escorts', 'prostitution', 'stripper'],
    fr: ['escorte', 'prostitution', 'tds', 'travailleuse', 'travailleur'],
  },
};

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('taxonomy_term_synonyms')
    .addColumn('term_id', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('word', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('taxonomy_term_synonyms_pk', ['term_id', 'language', 'word'])
    .execute();
  await db.schema.createIndex('taxonomy_term_synonyms_word').on('taxonomy_term_synonyms').column('word').execute();
  const terms: { id: string; code: string | null }[] = await db
    .selectFrom('taxonomy_term')
    .select(['id', 'code'])
    .where('taxonomy_id', '=', CATEGORY)
    .execute();
  const rows = terms.flatMap((term) => {
    const words = term.code ? DEFAULTS[term.code] : undefined;
    if (!words) return [];
    return (['en', 'fr'] as const).flatMap((language) =>
      words[language].map((word) => ({ term_id: term.id, language, word })),
    );
  });
  if (rows.length) await db.insertInto('taxonomy_term_synonyms').values(rows).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('taxonomy_term_synonyms').execute();
}
