/**
 * Finding records by any of their current names or titles, with PostgreSQL's text tools (migrations/0009-name-search.sql):
 * `public.search_key(text)` folds case, accents and diacritics and punctuation in every script, and
 * `public.names_search_key(jsonb)` is the key of a list of names, one per line, under a GIN trigram index.
 *
 * A record matches when its key contains the query's key, or when pg_trgm's word similarity of the query to some
 * extent of its names reaches {@link WORD_SIMILARITY_THRESHOLD} (a typo). Ranked: a name equal to the query, then a
 * name starting with it, then a word of a name starting with it, then any other substring, then the typos; within a
 * rank by word similarity, then by the primary name's key, then by id. Pages are keyset pages on that order.
 */
import type pg from 'pg';
import { isUuid } from '../../../contracts/src/streams.js';

/**
 * pg_trgm's default (0.6) misses one changed letter in a short word ("Bong Jun-ho" against "Bong Joon-ho" is 0.5625);
 * below 0.5, two-letter queries match most names of the same length.
 */
export const WORD_SIMILARITY_THRESHOLD = 0.5;

export const MATCH_KINDS = ['exact', 'prefix', 'word-prefix', 'substring', 'similar'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

/** How a search result matched: the kind (the rank) and pg_trgm's word similarity of the query to its names. */
export interface NameMatch {
  kind: MatchKind;
  similarity: number;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('invalid cursor');
    this.name = 'InvalidCursorError';
  }
}

/** Where a page of a search ends: the last result's place in the order. */
export interface SearchPosition {
  rank: number;
  similarity: number;
  sortKey: string;
  id: string;
}

const comparableText = (v: unknown): v is string => typeof v === 'string' && !/[\u0000\p{Surrogate}]/u.test(v);

export function encodeSearchCursor(position: SearchPosition): string {
  return Buffer.from(JSON.stringify(['search', position.rank, position.similarity, position.sortKey, position.id]), 'utf8').toString('base64url');
}

/** Only what encodeSearchCursor writes: a rank, a similarity, a key PostgreSQL can compare and an id. */
export function decodeSearchCursor(cursor: string): SearchPosition {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 5 && value[0] === 'search') {
      const [, rank, similarity, sortKey, id] = value as unknown[];
      if (
        Number.isInteger(rank) && (rank as number) >= 0 && (rank as number) < MATCH_KINDS.length &&
        typeof similarity === 'number' && similarity >= 0 && similarity <= 1 &&
        comparableText(sortKey) && typeof id === 'string' && isUuid(id)
      ) {
        return { rank: rank as number, similarity, sortKey, id };
      }
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}

/** A text of the search query's key in a LIKE pattern, its wildcards taken literally. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export type SearchDb = Pick<pg.Pool, 'query' | 'connect'>;

/**
 * Runs `search` with the query's search key, in a read-only transaction whose word-similarity threshold is
 * {@link WORD_SIMILARITY_THRESHOLD} (pg_trgm's `<%` reads it from the session, and the index answers `<%` only).
 * Null key: the query folds to nothing (only punctuation or spaces), which matches nothing.
 */
export async function withSearchKey<T>(db: SearchDb, query: string, search: (client: pg.ClientBase, key: string | null) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN READ ONLY');
    const { rows } = await client.query<{ key: string | null }>(
      `SELECT set_config('pg_trgm.word_similarity_threshold', $1, true), public.search_key($2) AS key`,
      [String(WORD_SIMILARITY_THRESHOLD), query],
    );
    const key = rows[0]?.key || null;
    const result = await search(client, key);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Runs one query in a read-only transaction whose word-similarity threshold is {@link WORD_SIMILARITY_THRESHOLD}, for
 * a query whose `<%` must be answered by the trigram index; answers its rows.
 */
export async function queryWithWordSimilarity<Row extends pg.QueryResultRow>(db: SearchDb, sql: string, values: unknown[]): Promise<Row[]> {
  const client = await db.connect();
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`SELECT set_config('pg_trgm.word_similarity_threshold', $1, true)`, [String(WORD_SIMILARITY_THRESHOLD)]);
    const { rows } = await client.query<Row>(sql, values);
    await client.query('COMMIT');
    return rows;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * The SQL of a ranked search over rows whose names' key is `namesKey` (an expression on the row, as the index has it):
 * the condition that selects them, and the rank and similarity columns. `add` adds a bind parameter.
 */
export function nameSearchSql(namesKey: string, key: string, add: (value: unknown) => string) {
  const k = add(key);
  const pattern = add(`%${likeLiteral(key)}%`);
  return {
    where: `(${namesKey} LIKE ${pattern} OR ${k} <% ${namesKey})`,
    rank: `CASE WHEN strpos(E'\\n' || ${namesKey} || E'\\n', E'\\n' || ${k} || E'\\n') > 0 THEN 0
                WHEN strpos(E'\\n' || ${namesKey}, E'\\n' || ${k}) > 0 THEN 1
                WHEN strpos(' ' || translate(${namesKey}, E'\\n', ' '), ' ' || ${k}) > 0 THEN 2
                WHEN strpos(${namesKey}, ${k}) > 0 THEN 3
                ELSE 4 END`,
    similarity: `word_similarity(${k}, ${namesKey})::float8`,
  };
}

/** The keyset condition for the page after `cursor`, on columns rank, similarity, sort_key and id of the ranked rows. */
export function afterSearchPosition(cursor: SearchPosition, idColumn: string, add: (value: unknown) => string): string {
  return `(rank, -similarity, sort_key COLLATE "C", ${idColumn}) > (${add(cursor.rank)}::int, -(${add(cursor.similarity)}::float8), ${add(cursor.sortKey)} COLLATE "C", ${add(cursor.id)})`;
}

/** The ORDER BY of ranked rows. */
export const searchOrder = (idColumn: string) => `rank, similarity DESC, sort_key COLLATE "C", ${idColumn}`;

export const matchOf = (row: { rank: number; similarity: number }): NameMatch => ({ kind: MATCH_KINDS[row.rank] ?? 'similar', similarity: Number(row.similarity) });
