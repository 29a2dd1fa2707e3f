import type pg from 'pg';
import { DUPLICATE_SIMILARITY_THRESHOLD, WORK_DUPLICATE_SIMILARITY_THRESHOLD, type DuplicateCandidate, type WorkDuplicateCandidate, type WorkIdentity } from '../../../../libs/read-models/src/index.js';

/**
 * How far back from the log's head the tail is looked at, at most: the check stays one bounded range read on the
 * events' primary key however far the projector has fallen behind (beyond it, only the read models are consulted).
 */
export const UNPROJECTED_TAIL_LIMIT = 10_000;

/**
 * How far below the projector's highest applied position an event may still be unapplied. The projector applies
 * each Kafka partition in log order but the partitions side by side, so one may trail another; the per-stream
 * versions (read_models.projection_streams) then say exactly which of these events are applied.
 */
export const PARTITION_SKEW_ALLOWANCE = 1_000;

/**
 * The events the read models have not applied yet, among the newest of the log: above the projector's high-water
 * mark less the skew allowance, the newest UNPROJECTED_TAIL_LIMIT at most, of the given stream type and event types,
 * whose stream's applied version (projection_streams, written with the read-model change in one transaction) is
 * below their own. Not the per-partition Kafka checkpoints: a quiet partition's checkpoint stays at its last event,
 * so their minimum could lie anywhere in the log.
 *
 * The inner select is a backward range scan of the events' primary key from the head, stopped by the bound or the
 * limit, whichever comes first (the limit also makes the planner choose that scan: a bound only known at run time
 * would be estimated as a third of the table); the type filters apply to what it read.
 */
function unprojectedTail(streamType: string, types: readonly string[], add: (value: unknown) => string): string {
  return `SELECT e.stream_id, e.type, e.data FROM (
            SELECT stream_id, stream_type, stream_version, type, data FROM events
             WHERE global_position > coalesce((SELECT max(last_global_position) FROM read_models.projection_streams), 0) - ${add(PARTITION_SKEW_ALLOWANCE)}
             ORDER BY global_position DESC LIMIT ${add(UNPROJECTED_TAIL_LIMIT)}
           ) e
           WHERE e.stream_type = ${add(streamType)} AND e.type = ANY(${add([...types])}::text[])
             AND NOT EXISTS (SELECT 1 FROM read_models.projection_streams ps WHERE ps.stream_id = e.stream_id AND ps.version >= e.stream_version)`;
}

const NAME_EVENTS = {
  person: ['PersonRegistered', 'PersonNameAdded', 'PersonNameCorrected'],
  organization: ['OrganizationRegistered', 'OrganizationNameAdded', 'OrganizationNameCorrected'],
} as const;

/**
 * Records of `kind` registered, or given a name, in the log but not yet in the name lookups, whose name closely
 * matches one of `names`: the same search key (public.search_key: NFKC, unaccent, lower case, punctuation as space)
 * and the same pg_trgm similarity threshold as the read models' check (findLikelyDuplicates), most similar first.
 */
export async function findUnprojectedDuplicates(pool: pg.Pool, kind: 'person' | 'organization', names: readonly string[], limit = 10): Promise<DuplicateCandidate[]> {
  const texts = [...new Set(names.filter((name) => name.trim() !== ''))].slice(0, 20);
  if (texts.length === 0) return [];
  const values: unknown[] = [];
  const add = (value: unknown) => `$${values.push(value)}`;
  const [registered, added, corrected] = NAME_EVENTS[kind];
  const sql = `WITH tail AS (${unprojectedTail(kind, NAME_EVENTS[kind], add)}),
    stated AS (
      SELECT t.stream_id, n.name ->> 'text' AS text, (n.name ->> 'primary')::boolean AS is_primary
        FROM tail t CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN t.type = ${add(registered)} AND jsonb_typeof(t.data -> 'names') = 'array' THEN t.data -> 'names' ELSE '[]'::jsonb END) AS n(name)
      UNION ALL SELECT t.stream_id, t.data ->> 'text', false FROM tail t WHERE t.type = ${add(added)}
      UNION ALL SELECT t.stream_id, t.data -> 'replacement' ->> 'text', false FROM tail t WHERE t.type = ${add(corrected)}
    ),
    scored AS (
      SELECT s.stream_id, s.text, s.is_primary, max(similarity(public.search_key(g.text), public.search_key(s.text)))::float8 AS similarity
        FROM stated s CROSS JOIN unnest(${add(texts)}::text[]) AS g(text)
       WHERE s.text IS NOT NULL
       GROUP BY s.stream_id, s.text, s.is_primary
    )
    SELECT DISTINCT ON (stream_id) substr(stream_id, ${add(kind.length + 2)}) AS id, text, similarity,
           (SELECT p.text FROM stated p WHERE p.stream_id = scored.stream_id AND p.is_primary LIMIT 1) AS primary_name
      FROM scored WHERE similarity >= ${add(DUPLICATE_SIMILARITY_THRESHOLD)}
     ORDER BY stream_id, similarity DESC`;
  const { rows } = await pool.query<{ id: string; text: string; similarity: number; primary_name: string | null }>(sql, values);
  return rows
    .map((row) => ({ id: row.id, primaryName: row.primary_name, matchedName: row.text, similarity: Math.round(Number(row.similarity) * 1000) / 1000 }))
    .sort((a, b) => b.similarity - a.similarity || a.id.localeCompare(b.id))
    .slice(0, limit);
}

/**
 * Works registered, or given a title, in the log but not yet on the project cards, that could be the same film as
 * `identity` (the works rule of findLikelyDuplicateWorks: the same kind and original language, the same production
 * year or one unknown on either side, as the work's registration states them) and have a title closely matching one
 * of `titles`.
 */
export async function findUnprojectedDuplicateWorks(pool: pg.Pool, identity: WorkIdentity, titles: readonly string[], limit = 10): Promise<WorkDuplicateCandidate[]> {
  const texts = [...new Set(titles.filter((title) => title.trim() !== ''))].slice(0, 20);
  if (texts.length === 0) return [];
  const values: unknown[] = [];
  const add = (value: unknown) => `$${values.push(value)}`;
  const year = identity.productionYear === undefined ? 'NULL::integer' : `${add(identity.productionYear)}::integer`;
  const sql = `WITH tail AS (${unprojectedTail('work', ['WorkRegistered', 'TitleAdded', 'TitleCorrected'], add)}),
    stated AS (
      SELECT t.stream_id, n.title ->> 'text' AS text, (n.title ->> 'primary')::boolean AS is_primary
        FROM tail t CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN t.type = 'WorkRegistered' AND jsonb_typeof(t.data -> 'titles') = 'array' THEN t.data -> 'titles' ELSE '[]'::jsonb END) AS n(title)
      UNION ALL SELECT t.stream_id, t.data ->> 'text', false FROM tail t WHERE t.type = 'TitleAdded'
      UNION ALL SELECT t.stream_id, t.data -> 'replacement' ->> 'text', false FROM tail t WHERE t.type = 'TitleCorrected'
    ),
    identified AS (
      -- The work's kind, language and year as its registration (stream version 1, by the unique index) states them.
      SELECT s.*, r.data AS registration FROM stated s JOIN events r ON r.stream_id = s.stream_id AND r.stream_version = 1
       WHERE s.text IS NOT NULL
         AND r.data ->> 'kind' = ${add(identity.kind)} AND r.data ->> 'originalLanguage' = ${add(identity.originalLanguage)}
         AND (jsonb_typeof(r.data -> 'productionYear') IS DISTINCT FROM 'number' OR ${year} IS NULL OR (r.data ->> 'productionYear')::numeric = ${year})
    ),
    scored AS (
      SELECT i.stream_id, i.text, i.registration, max(similarity(public.search_key(g.text), public.search_key(i.text)))::float8 AS similarity
        FROM identified i CROSS JOIN unnest(${add(texts)}::text[]) AS g(text)
       GROUP BY i.stream_id, i.text, i.registration
    )
    SELECT DISTINCT ON (stream_id) substr(stream_id, 6) AS id, text, similarity,
           (SELECT t ->> 'text' FROM jsonb_array_elements(registration -> 'titles') AS t WHERE (t ->> 'primary')::boolean LIMIT 1) AS primary_title
      FROM scored WHERE similarity >= ${add(WORK_DUPLICATE_SIMILARITY_THRESHOLD)}
     ORDER BY stream_id, similarity DESC`;
  const { rows } = await pool.query<{ id: string; text: string; similarity: number; primary_title: string | null }>(sql, values);
  return rows
    .map((row) => ({ id: row.id, primaryTitle: row.primary_title, matchedTitle: row.text, similarity: Math.round(Number(row.similarity) * 1000) / 1000 }))
    .sort((a, b) => b.similarity - a.similarity || a.id.localeCompare(b.id))
    .slice(0, limit);
}
