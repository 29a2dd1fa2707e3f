/**
 * References to a merged record, resolved at query time. A duplicate's lookup row names the record it was merged into
 * (`merged_into`, versioned like every column), and nothing else changes on a merge: a credit, an attachment or a
 * deal party stated on the duplicate keeps its row, and these helpers make every query read it as the survivor's —
 * now, and as of any position (before the merge, or after an undo, the records show apart). Merges do not chain (the
 * domain refuses a survivor that is itself merged, and merging away a record that stands for others), so one step
 * resolves any id.
 */
import type { TableSpec } from '../engine/projection.js';
import { QueryParams, type QueryOptions, type Queryable } from '../shared/query-options.js';
import { PROJECT_STATUS } from '../project-status/project-status.handlers.js';
import { ORGANIZATION_NAMES, PERSON_NAMES } from './lookups.handlers.js';

export type MergeableKind = 'person' | 'organization' | 'work';

const LOOKUPS: Record<MergeableKind, { table: TableSpec; id: string; name: string }> = {
  person: { table: PERSON_NAMES, id: 'person_id', name: 'primary_name' },
  organization: { table: ORGANIZATION_NAMES, id: 'organization_id', name: 'primary_name' },
  // A work's card holds merged_into (migration 0015); its name is its primary title.
  work: { table: PROJECT_STATUS, id: 'work_id', name: 'primary_title' },
};

/**
 * A subquery of every id naming the same record as `id` in the query's view: the survivor (`id` itself when it was not
 * merged) and each duplicate merged into it. `column IN (…)` reads a survivor's credits, attachments and parties
 * together with its duplicates'.
 */
export function sameRecordIds(q: QueryParams, kind: MergeableKind, id: string): string {
  const { table, id: idColumn } = LOOKUPS[kind];
  const given = q.add(id);
  return `(WITH survivor AS (SELECT coalesce((SELECT m.merged_into FROM ${q.from(table, 'm')} WHERE m.${idColumn} = ${given}), ${given}::text) AS id)
           SELECT survivor.id FROM survivor
           UNION SELECT d.${idColumn} FROM ${q.from(table, 'd')} JOIN survivor ON d.merged_into = survivor.id)`;
}

/**
 * Joins the lookup of the record `idExpression` names, resolved to its survivor: the FROM items to add and the
 * columns to select — `<as>_id` (the survivor's id, or the id itself), `<as>_name` (that record's primary name, a
 * work's primary title) and
 * `<as>_merged_from` (the id as stated, when it was a duplicate; else null).
 */
export function resolvedLookup(q: QueryParams, kind: MergeableKind, idExpression: string, as: string): { joins: string; columns: string } {
  const { table, id: idColumn, name } = LOOKUPS[kind];
  const stated = `${as}_stated`;
  const survivor = `${as}_survivor`;
  return {
    joins: `LEFT JOIN ${q.from(table, stated)} ON ${stated}.${idColumn} = ${idExpression}
            LEFT JOIN ${q.from(table, survivor)} ON ${survivor}.${idColumn} = ${stated}.merged_into`,
    columns: `coalesce(${survivor}.${idColumn}, ${idExpression}) AS ${as}_id,
              coalesce(${survivor}.${name}, ${stated}.${name}) AS ${as}_name,
              CASE WHEN ${survivor}.${idColumn} IS NOT NULL THEN ${idExpression} END AS ${as}_merged_from`,
  };
}

/**
 * The works a subquery selects (one `work_id` column), each read as the work it was merged into when it was merged
 * in the query's view: `c.work_id IN (…)` finds a survivor by a fact stated on its duplicate. Uncorrelated, so
 * PostgreSQL hashes it once per query.
 */
export function survivingWorkIds(q: QueryParams, workIds: string): string {
  return `(SELECT coalesce(m.merged_into, x.work_id) FROM (${workIds}) x LEFT JOIN ${q.from(PROJECT_STATUS, 'm')} ON m.work_id = x.work_id)`;
}

/** The record `id` was merged into as of the view, or null (not merged, or unknown to the read models). */
export async function mergedInto(db: Queryable, kind: MergeableKind, id: string, options?: QueryOptions): Promise<string | null> {
  const { table, id: idColumn } = LOOKUPS[kind];
  const q = new QueryParams(options);
  const { rows } = await db.query<{ merged_into: string | null }>(`SELECT n.merged_into FROM ${q.from(table, 'n')} WHERE n.${idColumn} = ${q.add(id)}`, q.values);
  return rows[0]?.merged_into ?? null;
}
