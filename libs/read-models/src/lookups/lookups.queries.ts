import { afterSearchPosition, decodeSearchCursor, encodeSearchCursor, matchOf, nameSearchSql, searchOrder, queryWithWordSimilarity, withSearchKey, type NameMatch, type SearchDb } from '../shared/name-search.js';
import { QueryParams, type QueryOptions, type Queryable } from '../shared/query-options.js';
import type { TableSpec } from '../engine/projection.js';
import { ORGANIZATION_NAMES, PERSON_NAMES } from './lookups.handlers.js';
import type { LookupName } from './lookups.types.js';

export interface NameSearchFilter {
  /** Any current name, case-, accent- and diacritic-insensitive, with typos; absent: every record by name. */
  q?: string;
  includeWithdrawn?: boolean;
  /** 1–100, default 20. */
  limit?: number;
  /** Opaque: the nextCursor of the previous page. */
  cursor?: string;
}

export interface SearchPage<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface PersonSummary {
  personId: string;
  primaryName: string | null;
  names: LookupName[];
  nationalities: string[];
  withdrawn: boolean;
  /** With `q`: how the person matched. */
  match?: NameMatch;
}

export interface OrganizationSummary {
  organizationId: string;
  primaryName: string | null;
  names: LookupName[];
  kind: string | null;
  country: string | null;
  parentOrganizationId: string | null;
  withdrawn: boolean;
  /** With `q`: how the organization matched. */
  match?: NameMatch;
}

type Ranked<R> = R & { rank: number; similarity: number; sort_key: string };

/**
 * The rows of a lookup table matching `filter.q` (all of them without it), ranked (see shared/name-search.ts), one page
 * from `filter.cursor`. Now, or as of `options.at`: the names true then.
 */
async function searchLookup<R extends Record<string, unknown>>(db: SearchDb, table: TableSpec, idColumn: string, columns: string, filter: NameSearchFilter, options?: QueryOptions) {
  const cursor = filter.cursor === undefined ? undefined : decodeSearchCursor(filter.cursor);
  const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 20), 1), 100);
  const run = async (client: Queryable, key: string | null) => {
    const q = new QueryParams(options);
    const namesKey = 'public.names_search_key(n.names)';
    const where: string[] = [];
    if (!filter.includeWithdrawn) where.push('NOT n.withdrawn');
    // A merged duplicate is found through its survivor (whose id every read of the duplicate's leads to).
    where.push('n.merged_into IS NULL');
    let rank = '0';
    let similarity = '0::float8';
    if (key !== null) {
      const search = nameSearchSql(namesKey, key, q.add);
      where.push(search.where);
      rank = search.rank;
      similarity = search.similarity;
    }
    const ranked = `SELECT ${columns}, ${rank} AS rank, ${similarity} AS similarity, public.search_key(coalesce(n.primary_name, '')) AS sort_key
                      FROM ${q.from(table, 'n')} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
    const { rows } = await client.query<Ranked<R>>(
      `SELECT * FROM (${ranked}) r ${cursor ? `WHERE ${afterSearchPosition(cursor, idColumn, q.add)}` : ''}
       ORDER BY ${searchOrder(idColumn)} LIMIT ${limit + 1}`,
      q.values,
    );
    return rows;
  };
  const rows = filter.q === undefined ? await run(db, null) : await withSearchKey(db, filter.q, async (client, key) => (key === null ? [] : run(client, key)));
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    page,
    nextCursor: rows.length > limit && last ? encodeSearchCursor({ rank: last.rank, similarity: Number(last.similarity), sortKey: last.sort_key, id: last[idColumn] as string }) : null,
  };
}

/** People by any current name (`q`), ranked; every person by primary name without `q`. */
export async function searchPeople(db: SearchDb, filter: NameSearchFilter = {}, options?: QueryOptions): Promise<SearchPage<PersonSummary>> {
  type Row = { person_id: string; primary_name: string | null; names: LookupName[]; nationalities: string[] | null; withdrawn: boolean };
  const { page, nextCursor } = await searchLookup<Row>(db, PERSON_NAMES, 'person_id', 'n.person_id, n.primary_name, n.names, n.nationalities, n.withdrawn', filter, options);
  return {
    items: page.map((row) => ({
      personId: row.person_id,
      primaryName: row.primary_name,
      names: row.names,
      nationalities: row.nationalities ?? [],
      withdrawn: row.withdrawn,
      ...(filter.q === undefined ? {} : { match: matchOf(row) }),
    })),
    nextCursor,
  };
}

/** Organizations by any current name (`q`), ranked; every organization by primary name without `q`. */
export async function searchOrganizations(db: SearchDb, filter: NameSearchFilter = {}, options?: QueryOptions): Promise<SearchPage<OrganizationSummary>> {
  type Row = { organization_id: string; primary_name: string | null; names: LookupName[]; kind: string | null; country: string | null; parent_organization_id: string | null; withdrawn: boolean };
  const { page, nextCursor } = await searchLookup<Row>(
    db,
    ORGANIZATION_NAMES,
    'organization_id',
    'n.organization_id, n.primary_name, n.names, n.kind, n.country, n.parent_organization_id, n.withdrawn',
    filter,
    options,
  );
  return {
    items: page.map((row) => ({
      organizationId: row.organization_id,
      primaryName: row.primary_name,
      names: row.names,
      kind: row.kind,
      country: row.country,
      parentOrganizationId: row.parent_organization_id,
      withdrawn: row.withdrawn,
      ...(filter.q === undefined ? {} : { match: matchOf(row) }),
    })),
    nextCursor,
  };
}

/** A record whose name closely matches one being registered: perhaps the same person or company. */
export interface DuplicateCandidate {
  id: string;
  primaryName: string | null;
  /** Its name closest to one of the given names, and pg_trgm's similarity of the two search keys (0–1). */
  matchedName: string;
  similarity: number;
}

/**
 * pg_trgm's similarity of two names' search keys from which a registration is held as a likely duplicate: "Bong
 * Jun-ho" against "Bong Joon-ho" is 0.56, "Kim Jee-woon" against "Kim Ji-woon" 0.67, while a shared family name alone
 * ("Kim" against "Kim Ji-woon", 0.33) stays below.
 */
export const DUPLICATE_SIMILARITY_THRESHOLD = 0.5;

/**
 * The live records (not withdrawn, not merged) of `kind` with a current name similar to one of `names`, most similar
 * first. The trigram index finds the candidates (word similarity of a name's key to the record's names), then each is
 * scored by whole-name similarity, name against name. Reads the current rows: advisory, as they trail the log.
 */
export async function findLikelyDuplicates(db: SearchDb, kind: 'person' | 'organization', names: readonly string[], limit = 10): Promise<DuplicateCandidate[]> {
  const texts = [...new Set(names.filter((name) => typeof name === 'string' && name.trim() !== ''))].slice(0, 20);
  if (texts.length === 0) return [];
  const table = kind === 'person' ? PERSON_NAMES : ORGANIZATION_NAMES;
  const idColumn = kind === 'person' ? 'person_id' : 'organization_id';
  const q = new QueryParams();
  const keys = texts.map((text) => `public.search_key(${q.add(text)})`);
  const found = keys.map((key) => `SELECT n.${idColumn} AS id FROM ${q.from(table, 'n')} WHERE ${key} <% public.names_search_key(n.names)`).join(' UNION ');
  const sql = `SELECT c.${idColumn} AS id, c.primary_name, best.text, best.similarity
                 FROM (${found}) f JOIN ${q.from(table, 'c')} ON c.${idColumn} = f.id
                 CROSS JOIN LATERAL (
                   SELECT e.name ->> 'text' AS text, similarity(g.key, public.search_key(e.name ->> 'text'))::float8 AS similarity
                     FROM jsonb_array_elements(c.names) AS e(name), unnest(ARRAY[${keys.join(', ')}]) AS g(key)
                    ORDER BY 2 DESC LIMIT 1) best
                WHERE NOT c.withdrawn AND c.merged_into IS NULL AND best.similarity >= ${q.add(DUPLICATE_SIMILARITY_THRESHOLD)}
                ORDER BY best.similarity DESC, c.${idColumn} LIMIT ${q.add(limit)}`;
  const rows = await queryWithWordSimilarity<{ id: string; primary_name: string | null; text: string; similarity: number }>(db, sql, q.values);
  return rows.map((row) => ({ id: row.id, primaryName: row.primary_name, matchedName: row.text, similarity: Math.round(Number(row.similarity) * 1000) / 1000 }));
}
