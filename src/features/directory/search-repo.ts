import { sql, type RawBuilder } from 'kysely';
import { PREPARED } from '../../core/db/connect.ts';
import type { Dialect, Executor } from '../../core/db/schema.ts';
import { fts5Match, queryWords, tsqueryText } from '../../core/search/words.ts';
import { EARTH_RADIUS_KM, boundingBox } from './geo.ts';
import { TAXONOMY_IDS } from './hsds.ts';
import { languageKey, termKey } from './search-rows-repo.ts';
import type { ScheduleRow } from './repo.ts';

/*
 * The directory search's SQL: candidates (keywords, filters, near a place), facet counts, typo
 * help and the result cards. The same plan shape on SQLite (FTS5, R*Tree) and PostgreSQL (tsvector, GiST).
 */
export interface SearchSpec {
  /** Words to match, already split into plain tokens. */
  words: string[];
  /** Other words a query word also matches (the names of the terms it is a synonym of), by word. */
  alternatives?: Record<string, string[]>;
  termGroups: { ids: string[]; mode: 'any' | 'all' }[];
  languages: string[];
  near?: { lat: number; lon: number; radiusKm: number; areaUris: string[] };
  limit: number;
  /** Near a place, read the directory's tables instead of the search rows (the reference in tests). */
  fromTables?: boolean;
}
export interface Candidate {
  id: string;
  distance: number | null;
  score: number | null;
  remote: number;
}

/**
 * A number in a search query: bound on SQLite, so the SQL text is the same for every place and its
 * compiled statement is reused; written out on PostgreSQL, whose planner then sees the value.
 */
const num = (dialect: Dialect, n: number): RawBuilder<unknown> => (dialect === 'sqlite' ? sql`${n}` : sql.lit(n));

export function haversine(
  dialect: Dialect,
  lat: number,
  lon: number,
  at = { lat: sql.ref('l.public_latitude'), lon: sql.ref('l.public_longitude') },
  /** Bound on both dialects (a PREPARED query's text must not carry its values). */
  bound = false,
): RawBuilder<number> {
  const la = bound ? sql`${lat}` : num(dialect, lat);
  const lo = bound ? sql`${lon}` : num(dialect, lon);
  const inner = sql`sqrt(power(sin(radians(${at.lat} - ${la}) / 2), 2) + cos(radians(${la})) * cos(radians(${at.lat})) * power(sin(radians(${at.lon} - ${lo}) / 2), 2))`;
  const clamped = dialect === 'postgres' ? sql`least(1.0, ${inner})` : sql`min(1.0, ${inner})`;
  return sql<number>`(${sql.lit(2 * EARTH_RADIUS_KM)} * asin(${clamped}))`;
}

/** Terms a query word is a synonym of (any language): each word with the term's name. */
export async function synonymTerms(db: Executor, words: string[]): Promise<{ word: string; name: string }[]> {
  if (words.length === 0) return [];
  return db
    .selectFrom('taxonomy_term_synonyms as y')
    .innerJoin('taxonomy_term as t', 't.id', 'y.term_id')
    .select(['y.word', 't.name'])
    .where('y.word', 'in', words)
    .distinct()
    .execute();
}

/** Every synonym with its term's name (the search page keeps them in memory: search-vocabulary.ts). */
export function allSynonymTerms(db: Executor): Promise<{ word: string; name: string }[]> {
  return db
    .selectFrom('taxonomy_term_synonyms as y')
    .innerJoin('taxonomy_term as t', 't.id', 'y.term_id')
    .select(['y.word', 't.name'])
    .distinct()
    .orderBy('y.word')
    .orderBy('t.name')
    .execute();
}

/** Alternatives of a word, each as plain words (never query syntax). */
const alternativesOf = (spec: SearchSpec, word: string): string[] =>
  (spec.alternatives?.[word] ?? []).map((a) => queryWords(a).join(' ')).filter(Boolean);
const hasAlternatives = (spec: SearchSpec) => spec.words.some((w) => alternativesOf(spec, w).length > 0);

/** FTS5: every word required, a word with alternatives as "word OR alternative phrase". */
function ftsMatch(spec: SearchSpec): string {
  if (!hasAlternatives(spec)) return fts5Match(spec.words);
  return spec.words
    .map((w) => {
      const alts = alternativesOf(spec, w);
      return alts.length ? `(${[w, ...alts].map((x) => fts5Match([x])).join(' OR ')})` : fts5Match([w]);
    })
    .join(' AND ');
}

/** PostgreSQL: the same, as tsqueries combined with || and && (each piece through plainto_tsquery). */
function tsQuery(spec: SearchSpec): RawBuilder<unknown> {
  if (!hasAlternatives(spec)) return sql`plainto_tsquery('english', ${tsqueryText(spec.words)})`;
  const one = (x: string) => sql`plainto_tsquery('english', ${x})`;
  return sql`(${sql.join(
    spec.words.map((w) => sql`(${sql.join([w, ...alternativesOf(spec, w)].map(one), sql` || `)})`),
    sql` && `,
  )})`;
}

type Near = NonNullable<SearchSpec['near']>;
/** The box around a place, as a condition on a point's longitude and latitude (PostgreSQL: GiST, box containment). */
function pgBox(near: Near, p: RawBuilder<unknown>, bound = false): RawBuilder<unknown> {
  const box = boundingBox(near.lat, near.lon, near.radiusKm);
  const v = (n: number) => (bound ? sql`${n}::float8` : sql.lit(n));
  const within = (from: number, to: number) =>
    sql`${p} <@ box(point(${v(from)}, ${v(box.minLat)}), point(${v(to)}, ${v(box.maxLat)}))`;
  return !box.lon
    ? within(-180, 180)
    : box.lon.wraps
      ? sql`(${within(box.lon.from, 180)} or ${within(-180, box.lon.to)})`
      : within(box.lon.from, box.lon.to);
}
/** The same on an SQLite R*Tree aliased `r`. */
function rtreeBox(near: Near): RawBuilder<unknown> {
  const box = boundingBox(near.lat, near.lon, near.radiusKm);
  const conds = [sql`r.max_lat >= ${box.minLat}`, sql`r.min_lat <= ${box.maxLat}`];
  if (box.lon && !box.lon.wraps) conds.push(sql`r.max_lon >= ${box.lon.from}`, sql`r.min_lon <= ${box.lon.to}`);
  if (box.lon && box.lon.wraps) conds.push(sql`(r.max_lon >= ${box.lon.from} or r.min_lon <= ${box.lon.to})`);
  return sql.join(conds, sql` and `);
}

/**
 * Services with a place within the radius, each at its nearest place's distance, from the search
 * rows (search-rows-repo.ts): one spatial index range whose entries carry the service and its
 * filter keys, so nothing else is read per place. Same answer as nearFromTables.
 */
function nearFromSearchRows(dialect: Dialect, near: Near, spec: SearchSpec): RawBuilder<unknown> {
  const has = (key: string) =>
    dialect === 'postgres' ? sql`strpos(r.facets, ${key}) > 0` : sql`instr(r.facets, ${key}) > 0`;
  const conds: RawBuilder<unknown>[] = [];
  for (const group of spec.termGroups) {
    if (group.ids.length === 0) continue;
    if (group.mode === 'any')
      conds.push(
        sql`(${sql.join(
          group.ids.map((id) => has(termKey(id))),
          sql` or `,
        )})`,
      );
    else for (const id of group.ids) conds.push(has(termKey(id)));
  }
  if (spec.languages.length)
    conds.push(
      sql`(${sql.join(
        spec.languages.map((c) => has(languageKey(c))),
        sql` or `,
      )})`,
    );
  const at = { lat: sql.ref('r.lat'), lon: sql.ref('r.lon') };
  // Every value bound: on PostgreSQL the query is PREPARED (planned once for every place).
  const dist = haversine(dialect, near.lat, near.lon, at, true);
  const from =
    dialect === 'postgres'
      ? sql`from directory_search r where ${pgBox(near, sql`point(r.lon, r.lat)`, true)}`
      : sql`from directory_near r where ${rtreeBox(near)}`;
  return sql`select r.service_id as service_id, min(${dist}) as distance, 0 as remote ${from} and ${dist} <= ${near.radiusKm}${sql.join(
    conds.map((c) => sql` and ${c}`),
    sql``,
  )}
      group by r.service_id`;
}

/**
 * The same from the directory's own tables (each nearby location joined to its services, each
 * service's filters probed): the reference the search rows are tested against.
 */
function nearFromTables(
  dialect: Dialect,
  near: Near,
  inReach: (id: RawBuilder<unknown>) => RawBuilder<unknown>[],
): RawBuilder<unknown> {
  const inBox =
    dialect === 'postgres'
      ? sql`from location l join service_at_location sal on sal.location_id = l.id where ${pgBox(near, sql`point(l.public_longitude, l.public_latitude)`)}`
      : sql`from location_rtree r cross join service_at_location sal on sal.location_id = r.location_id where ${rtreeBox(near)}`;
  const at = dialect === 'postgres' ? undefined : { lat: sql.ref('r.lat'), lon: sql.ref('r.lon') };
  // The radius is checked on each location straight from the spatial index, before its services
  // are looked up: the box's corners (a fifth of it) cost no index probes. A service is in reach
  // when one of its locations is, and its distance is that of its nearest location either way.
  const dist = haversine(dialect, near.lat, near.lon, at);
  return sql`select sal.service_id as service_id, min(${dist}) as distance, 0 as remote ${inBox} and ${dist} <= ${num(dialect, near.radiusKm)}${sql.join(inReach(sql.ref('sal.service_id')), sql``)}
      group by sal.service_id`;
}

/** Matching services: ids with distance and relevance, best first, at most `limit`. */
export async function searchCandidates(db: Executor, dialect: Dialect, spec: SearchSpec): Promise<Candidate[]> {
  const joins: RawBuilder<unknown>[] = [];
  const where: RawBuilder<unknown>[] = [sql`s.status in ('active', 'temporarily closed')`];
  let ctes = sql``;
  let distance: RawBuilder<unknown> = sql`null`;
  let remote: RawBuilder<unknown> = sql`0`;
  let score: RawBuilder<unknown> = sql`null`;
  let fromNear = false;
  // Filters on the service id: category, approach, population, delivery and language.
  const filters = (id: RawBuilder<unknown>) => {
    const out: RawBuilder<unknown>[] = [];
    for (const group of spec.termGroups) {
      if (group.ids.length === 0) continue;
      if (group.mode === 'any')
        out.push(
          sql`exists (select 1 from attribute a where a.link_id = ${id} and a.taxonomy_term_id in (${sql.join(group.ids)}))`,
        );
      else
        for (const tid of group.ids)
          out.push(sql`exists (select 1 from attribute a where a.link_id = ${id} and a.taxonomy_term_id = ${tid})`);
    }
    if (spec.languages.length)
      out.push(
        sql`exists (select 1 from language lg where lg.service_id = ${id} and lg.code in (${sql.join(spec.languages)}))`,
      );
    return out;
  };

  if (spec.near) {
    const { areaUris } = spec.near;
    // The filters (cheap index probes) run on each service in the box before the distance is computed.
    const inReach = (id: RawBuilder<unknown>) => filters(id).map((f) => sql` and ${f}`);
    const local = spec.fromTables
      ? nearFromTables(dialect, spec.near, inReach)
      : nearFromSearchRows(dialect, spec.near, spec);
    const areas = areaUris.length
      ? sql` union all select sa.service_id as service_id, null as distance, 1 as remote from service_area sa where sa.uri in (${sql.join(areaUris)}) and sa.service_id is not null${sql.join(inReach(sql.ref('sa.service_id')), sql``)}`
      : sql``;
    ctes = sql`with near as (${local}${areas}), nearest as (select service_id, min(distance) as distance, min(remote) as remote from near group by service_id) `;
    joins.push(sql`join nearest n on n.service_id = s.id`);
    fromNear = true;
    distance = sql`n.distance`;
    remote = sql`n.remote`;
  }
  if (spec.words.length) {
    if (dialect === 'postgres') {
      const q = tsQuery(spec);
      joins.push(sql`join directory_text f on f.service_id = s.id and f.tsv @@ ${q}`);
      score = sql`ts_rank(f.tsv, ${q})`;
    } else if (spec.near) {
      // Near a place, the few services in the radius drive the query (CROSS JOIN fixes SQLite's join
      // order) and each is checked against the full-text index by rowid, instead of reading every
      // document that has a common word.
      const m = ftsMatch(spec);
      joins.push(sql`cross join directory_text t on t.service_id = s.id`);
      where.push(
        sql`exists (select 1 from directory_fts where directory_fts match ${m} and directory_fts.rowid = t.rowid)`,
      );
      // bm25() re-reads the whole posting list on every call; near a place, rank by how many of the
      // words are in the service's name instead (then by distance).
      score = sql`(${sql.join(
        spec.words.map((w) => sql`(instr(lower(s.name), ${w}) > 0)`),
        sql` + `,
      )})`;
    } else {
      joins.push(sql`join (select t.service_id as service_id, -bm25(directory_fts) as score from directory_fts join directory_text t on t.rowid = directory_fts.rowid
        where directory_fts match ${ftsMatch(spec)}) f on f.service_id = s.id`);
      score = sql`f.score`;
    }
  }
  if (!spec.near) where.push(...filters(sql.ref('s.id')));
  const order = spec.words.length
    ? sql`${score} desc, ${spec.near ? sql`(n.distance is null) asc, n.distance asc, ` : sql``}s.name`
    : spec.near
      ? sql`(n.distance is null) asc, n.distance asc, s.name`
      : sql`s.name`;
  // Near a place through the search rows, every value is bound: PostgreSQL plans the query once.
  const prepared = spec.near && !spec.fromTables ? sql.raw(PREPARED) : sql``;
  const query = sql<Candidate>`${prepared}${ctes}select s.id as id, ${distance} as distance, ${score} as score, ${remote} as remote
    from ${fromNear ? sql`nearest n ${dialect === 'sqlite' ? sql`cross join` : sql`join`} service s on s.id = n.service_id ${sql.join(joins.slice(1), sql` `)}` : sql`service s ${sql.join(joins, sql` `)}`}
    where ${sql.join(where, sql` and `)}
    order by ${order} limit ${sql.lit(spec.limit)}`;
  const rows = (await query.execute(db)).rows;
  return rows.map((r) => ({
    id: r.id,
    distance: r.distance === null ? null : Number(r.distance),
    score: r.score === null ? null : Number(r.score),
    remote: Number(r.remote),
  }));
}

/**
 * `column` is one of the ids, given as ONE value: an array on PostgreSQL, a JSON array on SQLite.
 * The query's text is then the same for any number of ids: PostgreSQL plans a PREPARED query once,
 * and SQLite compiles it once (its statement cache is keyed by the text; a list of placeholders
 * made a new statement for every count of ids).
 */
const oneOf = (dialect: Dialect, column: string, ids: string[]) =>
  dialect === 'postgres'
    ? sql`${sql.ref(column)} = any(${ids}::text[])`
    : sql`${sql.ref(column)} in (select value from json_each(${JSON.stringify(ids)}))`;

/** How many of the given services carry each term and each language (one grouped query per chunk of ids). */
export async function facetCounts(db: Executor, dialect: Dialect, ids: string[]) {
  const terms = new Map<string, number>();
  const languages = new Map<string, { n: number; name: string }>();
  for (let i = 0; i < ids.length; i += 5000) {
    const chunk = ids.slice(i, i + 5000);
    const rows = await sql<{ kind: string; code: string; name: string | null; n: number }>`${sql.raw(PREPARED)}
      select 't' as kind, taxonomy_term_id as code, null as name, count(distinct link_id) as n from attribute where ${oneOf(dialect, 'link_id', chunk)} group by taxonomy_term_id
      union all
      select 'l' as kind, code, max(name) as name, count(distinct service_id) as n from language where ${oneOf(dialect, 'service_id', chunk)} and code is not null group by code`.execute(
      db,
    );
    for (const r of rows.rows) {
      if (r.kind === 't') terms.set(r.code, (terms.get(r.code) ?? 0) + Number(r.n));
      else {
        const prev = languages.get(r.code);
        languages.set(r.code, { n: (prev?.n ?? 0) + Number(r.n), name: prev?.name ?? r.name ?? r.code });
      }
    }
  }
  return { terms, languages };
}

/** Which of these words appear somewhere in the directory's text. */
export async function knownWords(db: Executor, words: string[]): Promise<Set<string>> {
  if (words.length === 0) return new Set();
  const r = await sql<{ word: string }>`select word from directory_words where word in (${sql.join(words)})`.execute(
    db,
  );
  return new Set(r.rows.map((x) => x.word));
}
/** Indexed words that could be a typo of `word`: same first letter, similar length. */
export async function wordsLike(db: Executor, word: string, slack: number): Promise<string[]> {
  const r = await sql<{
    word: string;
  }>`select word from directory_words where word >= ${word.slice(0, 1)} and word < ${word.slice(0, 1) + '\uffff'}
    and length(word) between ${word.length - slack} and ${word.length + slack} limit 20000`.execute(db);
  return r.rows.map((x) => x.word);
}

// ── result cards ──
/** What a search result shows of a service: public fields only (a confidential place by its area). */
export interface CardRow {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  status: string;
  assured_date: string | null;
  verified_by: string | null;
  organization_name: string;
  places: {
    city: string | null;
    country: string | null;
    is_confidential: number;
    area_name: string | null;
    public_latitude: number | null;
    public_longitude: number | null;
  }[];
  approach: string[];
  schedules: Pick<
    ScheduleRow,
    | 'freq'
    | 'byday'
    | 'opens_at'
    | 'closes_at'
    | 'timezone'
    | 'timezone_name'
    | 'valid_from'
    | 'valid_to'
    // The description tells a closed date from other dated rows (hours.ts exceptionOf).
    | 'description'
  >[];
}

/**
 * The result cards of one page of search results in ONE query (nested JSON per service), so a
 * search costs the same few round trips on PostgreSQL as on SQLite. Order follows `ids`.
 */
export async function resultCards(db: Executor, dialect: Dialect, ids: string[]): Promise<CardRow[]> {
  if (ids.length === 0) return [];
  /** A JSON array of objects from a correlated subquery, sorted (aggregate ORDER BY: SQLite 3.44+). */
  const list = (cols: Record<string, string>, from: RawBuilder<unknown>, order: string) => {
    const pairs = sql.join(Object.entries(cols).map(([name, ref]) => sql`${sql.lit(name)}, ${sql.ref(ref)}`));
    return dialect === 'postgres'
      ? sql`(select coalesce(json_agg(json_build_object(${pairs}) order by ${sql.ref(order)}), '[]'::json) ${from})`
      : sql`(select coalesce(json_group_array(json_object(${pairs}) order by ${sql.ref(order)}), '[]') ${from})`;
  };
  const places = list(
    {
      city: 'ad.city',
      country: 'ad.country',
      is_confidential: 'l.is_confidential',
      area_name: 'l.area_name',
      public_latitude: 'l.public_latitude',
      public_longitude: 'l.public_longitude',
    },
    sql`from service_at_location sal join location l on l.id = sal.location_id left join address ad on ad.location_id = l.id where sal.service_id = s.id`,
    'l.id',
  );
  const approach = list(
    { name: 't.name' },
    sql`from attribute a join taxonomy_term t on t.id = a.taxonomy_term_id where a.link_id = s.id and a.link_entity = 'service' and t.taxonomy_id = ${TAXONOMY_IDS.approach}`,
    't.name',
  );
  const schedules = list(
    Object.fromEntries(
      [
        'freq',
        'byday',
        'opens_at',
        'closes_at',
        'timezone',
        'timezone_name',
        'valid_from',
        'valid_to',
        'description',
      ].map((c) => [c, `sc.${c}`]),
    ),
    sql`from schedule sc where sc.service_id = s.id or (sc.service_id is null and sc.location_id in (select location_id from service_at_location where service_id = s.id))`,
    'sc.id',
  );
  const rows = (
    await sql<CardRow>`${sql.raw(PREPARED)}select s.id, s.slug, s.name, s.description, s.status, s.assured_date, s.verified_by, o.name as organization_name,
      ${places} as places, ${approach} as approach, ${schedules} as schedules
    from service s join organization o on o.id = s.organization_id where ${oneOf(dialect, 's.id', ids)}`.execute(db)
  ).rows;
  const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
  const byId = new Map(
    rows.map((r) => [
      r.id,
      {
        ...r,
        places: json<CardRow['places']>(r.places),
        approach: json<{ name: string }[]>(r.approach).map((a) => a.name),
        schedules: json<CardRow['schedules']>(r.schedules),
      },
    ]),
  );
  return ids.map((id) => byId.get(id)).filter((r): r is CardRow => !!r);
}
