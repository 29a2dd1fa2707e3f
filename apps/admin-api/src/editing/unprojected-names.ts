import type pg from 'pg';
import { DUPLICATE_SIMILARITY_THRESHOLD, WORK_DUPLICATE_SIMILARITY_THRESHOLD, type DuplicateCandidate, type WorkDuplicateCandidate, type WorkIdentity } from '../../../../libs/read-models/src/index.js';

/**
 * How far back from the log's head the tail is looked at, at most: the check stays one bounded range read on the
 * events' primary key however far the projector has fallen behind (beyond it, only the read models are consulted).
 * Its cost grows with the registrations in it (each name's search key is computed), and it is paid by every
 * registration while the projector is stopped, so it is sized for the pipeline's usual lag of a few events, with
 * room to spare, not for an outage: a desk writes a few events a second.
 */
export const UNPROJECTED_TAIL_LIMIT = 200;

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
  return `SELECT e.stream_id, e.type, e.data, e.global_position FROM (
            SELECT global_position, stream_id, stream_type, stream_version, type, data FROM events
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

const NOUNS = { person: 'Person', organization: 'Organization', work: 'Work' } as const;

/** The events that end or restore a record's life: merged away, unmerged, retracted (as a record or as its own fact). */
const lifeEvents = (kind: keyof typeof NOUNS) => [`${NOUNS[kind]}Merged`, `${NOUNS[kind]}Unmerged`, `${NOUNS[kind]}Retracted`, `${NOUNS[kind]}FactRetracted`];

/**
 * The streams of the tail that are no longer live records, as the read models' check leaves out withdrawn and merged
 * ones: the last of their merges and unmerges is a merge, or the record itself was retracted. (A record merged or
 * retracted in the read models takes no edits, so it has no later names in the tail.)
 */
function endedInTail(kind: keyof typeof NOUNS, add: (value: unknown) => string): string {
  const [merged, unmerged, retracted, factRetracted] = lifeEvents(kind);
  return `SELECT stream_id FROM tail WHERE type = ${add(retracted)} OR (type = ${add(factRetracted)} AND data -> 'fact' ->> 'type' = ${add(kind)})
          UNION SELECT stream_id FROM (
            SELECT DISTINCT ON (stream_id) stream_id, type FROM tail WHERE type IN (${add(merged)}, ${add(unmerged)}) ORDER BY stream_id, global_position DESC
          ) last_merge WHERE type = ${add(merged)}`;
}

/**
 * Records of `kind` registered, or given a name, in the log but not yet in the name lookups, whose name closely
 * matches one of `names`: the same search key (public.search_key: NFKC, unaccent, lower case, punctuation as space)
 * and the same pg_trgm similarity threshold as the read models' check (findLikelyDuplicates), live records only (not
 * merged or retracted in the tail either), most similar first.
 */
export async function findUnprojectedDuplicates(pool: pg.Pool, kind: 'person' | 'organization', names: readonly string[], limit = 10): Promise<DuplicateCandidate[]> {
  const texts = [...new Set(names.filter((name) => name.trim() !== ''))].slice(0, 20);
  if (texts.length === 0) return [];
  const values: unknown[] = [];
  const add = (value: unknown) => `$${values.push(value)}`;
  const [registered, added, corrected] = NAME_EVENTS[kind];
  const sql = `WITH tail AS (${unprojectedTail(kind, [...NAME_EVENTS[kind], ...lifeEvents(kind)], add)}),
    ended AS (${endedInTail(kind, add)}),
    stated AS (
      SELECT t.stream_id, n.name ->> 'text' AS text, (n.name ->> 'primary')::boolean AS is_primary
        FROM tail t CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN t.type = ${add(registered)} AND jsonb_typeof(t.data -> 'names') = 'array' THEN t.data -> 'names' ELSE '[]'::jsonb END) AS n(name)
      UNION ALL SELECT t.stream_id, t.data ->> 'text', false FROM tail t WHERE t.type = ${add(added)}
      UNION ALL SELECT t.stream_id, t.data -> 'replacement' ->> 'text', false FROM tail t WHERE t.type = ${add(corrected)}
    ),
    wanted AS (SELECT public.search_key(g.text) AS key FROM unnest(${add(texts)}::text[]) AS g(text)),
    keyed AS (SELECT s.*, public.search_key(s.text) AS key FROM stated s WHERE s.text IS NOT NULL AND s.stream_id NOT IN (SELECT stream_id FROM ended)),
    scored AS (
      SELECT k.stream_id, k.text, k.is_primary, max(similarity(w.key, k.key))::float8 AS similarity
        FROM keyed k CROSS JOIN wanted w
       GROUP BY k.stream_id, k.text, k.is_primary
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
  const sql = `WITH tail AS (${unprojectedTail('work', ['WorkRegistered', 'TitleAdded', 'TitleCorrected', ...lifeEvents('work')], add)}),
    ended AS (${endedInTail('work', add)}),
    stated AS (
      SELECT t.stream_id, n.title ->> 'text' AS text, (n.title ->> 'primary')::boolean AS is_primary
        FROM tail t CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN t.type = 'WorkRegistered' AND jsonb_typeof(t.data -> 'titles') = 'array' THEN t.data -> 'titles' ELSE '[]'::jsonb END) AS n(title)
      UNION ALL SELECT t.stream_id, t.data ->> 'text', false FROM tail t WHERE t.type = 'TitleAdded'
      UNION ALL SELECT t.stream_id, t.data -> 'replacement' ->> 'text', false FROM tail t WHERE t.type = 'TitleCorrected'
    ),
    identified AS (
      -- The work's kind, language and year as its registration (stream version 1) states them: one look-up by the
      -- unique index per stated title. (LIMIT keeps the planner from turning it into a join: the tail's size is known
      -- only at run time, and estimated at one row it was planned as a scan of every registration in the log.)
      SELECT s.*, public.search_key(s.text) AS key, r.data AS registration
        FROM stated s CROSS JOIN LATERAL (SELECT data FROM events WHERE stream_id = s.stream_id AND stream_version = 1 LIMIT 1) r
       WHERE s.text IS NOT NULL AND s.stream_id NOT IN (SELECT stream_id FROM ended)
         AND r.data ->> 'kind' = ${add(identity.kind)} AND r.data ->> 'originalLanguage' = ${add(identity.originalLanguage)}
         AND (jsonb_typeof(r.data -> 'productionYear') IS DISTINCT FROM 'number' OR ${year} IS NULL OR (r.data ->> 'productionYear')::numeric = ${year})
    ),
    wanted AS (SELECT public.search_key(g.text) AS key FROM unnest(${add(texts)}::text[]) AS g(text)),
    scored AS (
      SELECT i.stream_id, i.text, i.registration, max(similarity(w.key, i.key))::float8 AS similarity
        FROM identified i CROSS JOIN wanted w
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
