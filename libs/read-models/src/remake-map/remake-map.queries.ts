import { PROJECT_STATUS } from '../project-status/project-status.handlers.js';
import { QueryParams, type QueryOptions, type Queryable } from '../shared/query-options.js';
import { WORK_RELATIONS } from './remake-map.handlers.js';
import type { PartialDate } from '../../../contracts/src/envelope.js';

/** Relations whose target is this work's original. */
export const ORIGINAL_RELATIONS = ['remake-of', 'localized-version-of'] as const;

type FirstRelease = { releaseId: string; territory: string; date: PartialDate; type: string; status: string } | null;

export interface RemakeMapWork {
  workId: string;
  primaryTitle: string | null;
  kind: string | null;
  status: string | null;
  countries: string[];
  productionYear: number | null;
  firstRelease: FirstRelease;
  /** The year to sort by: production year, else the first release's year. */
  year: number | null;
  /** How sure the project itself is (its card's standing: rumored, reported, confirmed, denied); null if it has no card. */
  standing: string | null;
}

export interface RemakeMapVersion extends RemakeMapWork {
  relation: string;
  /** The work this one is a remake/localized version of (the original, or another version). */
  of: string;
  /**
   * How sure the relation itself is (the edge from this work to `of`): rumored, reported, confirmed or denied. The
   * works' own standing is `standing` here and on `original`.
   */
  relationStanding: string;
  dealId: string | null;
  depth: number;
  /** The relation was stated on a duplicate of this work, merged into it: the duplicate's id. */
  mergedFrom?: string;
  /** The relation names a duplicate of `of`, merged into it: the id it names. */
  ofMergedFrom?: string;
}

export interface RemakeMap {
  requestedWorkId: string;
  original: RemakeMapWork;
  versions: RemakeMapVersion[];
}

/**
 * The relations as of the view, each end read as its survivor when it was merged into another work (a remake stated
 * against a film registered twice belongs to the film that stayed). A relation both of whose ends are now one work is
 * left out.
 */
function resolvedRelations(q: QueryParams): string {
  return `(SELECT r.relation_id, coalesce(mw.merged_into, r.work_id) AS work_id, r.relation, coalesce(mt.merged_into, r.target_work_id) AS target_work_id, r.deal_id,
                  r.standing, CASE WHEN mw.merged_into IS NOT NULL THEN r.work_id END AS work_merged_from,
                  CASE WHEN mt.merged_into IS NOT NULL THEN r.target_work_id END AS target_merged_from
             FROM ${q.from(WORK_RELATIONS, 'r')}
             LEFT JOIN ${q.from(PROJECT_STATUS, 'mw')} ON mw.work_id = r.work_id
             LEFT JOIN ${q.from(PROJECT_STATUS, 'mt')} ON mt.work_id = r.target_work_id
            WHERE coalesce(mw.merged_into, r.work_id) <> coalesce(mt.merged_into, r.target_work_id))`;
}

/** Resolves the original of `workId` (following remake-of / localized-version-of upwards), then all its versions. */
export async function getRemakeMap(db: Queryable, workId: string, options?: QueryOptions): Promise<RemakeMap | null> {
  const upParams = new QueryParams(options);
  const up = await db.query<{ work_id: string }>(
    `WITH RECURSIVE chain(work_id, depth, path) AS (
       SELECT ${upParams.add(workId)}::text, 0, ARRAY[$1::text]
       UNION ALL
       SELECT r.target_work_id, c.depth + 1, c.path || r.target_work_id
       FROM chain c JOIN ${resolvedRelations(upParams)} r ON r.work_id = c.work_id AND r.relation = ANY(${upParams.add([...ORIGINAL_RELATIONS])}::text[])
       WHERE NOT r.target_work_id = ANY(c.path) AND c.depth < 20
     )
     SELECT work_id FROM chain ORDER BY depth DESC LIMIT 1`,
    upParams.values,
  );
  const originalId = up.rows[0]?.work_id ?? workId;
  const downParams = new QueryParams(options);
  const original = downParams.add(originalId);
  const relations = downParams.add([...ORIGINAL_RELATIONS]);
  const down = await db.query<{ work_id: string; relation: string; of: string; deal_id: string | null; depth: number; standing: string; work_merged_from: string | null; target_merged_from: string | null }>(
    `WITH RECURSIVE versions(work_id, relation, of, deal_id, standing, work_merged_from, target_merged_from, depth, path) AS (
       SELECT r.work_id, r.relation, r.target_work_id, r.deal_id, r.standing, r.work_merged_from, r.target_merged_from, 1, ARRAY[${original}::text, r.work_id]
       FROM ${resolvedRelations(downParams)} r WHERE r.target_work_id = ${original} AND r.relation = ANY(${relations}::text[])
       UNION ALL
       SELECT r.work_id, r.relation, r.target_work_id, r.deal_id, r.standing, r.work_merged_from, r.target_merged_from, v.depth + 1, v.path || r.work_id
       FROM versions v JOIN ${resolvedRelations(downParams)} r ON r.target_work_id = v.work_id AND r.relation = ANY(${relations}::text[])
       WHERE NOT r.work_id = ANY(v.path) AND v.depth < 20
     )
     SELECT DISTINCT ON (work_id) work_id, relation, of, deal_id, standing, work_merged_from, target_merged_from, depth FROM versions
     ORDER BY work_id, depth, (work_merged_from IS NOT NULL), (target_merged_from IS NOT NULL), relation, of`,
    downParams.values,
  );
  const ids = [originalId, ...down.rows.map((r) => r.work_id)];
  const cards = new QueryParams(options);
  const works = await db.query<{ work_id: string; primary_title: string | null; kind: string | null; status: string | null; countries: string[]; production_year: number | null; first_release: FirstRelease; standing: string }>(
    `SELECT c.work_id, c.primary_title, c.kind, c.status, c.countries, c.production_year, c.first_release, c.standing FROM ${cards.from(PROJECT_STATUS, 'c')}
     WHERE c.work_id = ANY(${cards.add(ids)}::text[]) AND NOT c.withdrawn`,
    cards.values,
  );
  const byId = new Map(works.rows.map((w) => [w.work_id, w]));
  const describe = (id: string): RemakeMapWork => {
    const w = byId.get(id);
    const releaseYear = w?.first_release ? Number(w.first_release.date.date.slice(0, 4)) : null;
    return {
      workId: id,
      primaryTitle: w?.primary_title ?? null,
      kind: w?.kind ?? null,
      status: w?.status ?? null,
      countries: w?.countries ?? [],
      productionYear: w?.production_year ?? null,
      firstRelease: w?.first_release ?? null,
      year: w?.production_year ?? releaseYear,
      standing: w?.standing ?? null,
    };
  };
  if (!byId.has(originalId) && down.rows.length === 0) return null;
  const versions = down.rows
    .filter((r) => byId.has(r.work_id))
    .map(
      (r): RemakeMapVersion => ({
        ...describe(r.work_id),
        relation: r.relation,
        of: r.of,
        relationStanding: r.standing,
        dealId: r.deal_id,
        depth: r.depth,
        ...(r.work_merged_from ? { mergedFrom: r.work_merged_from } : {}),
        ...(r.target_merged_from ? { ofMergedFrom: r.target_merged_from } : {}),
      }),
    )
    .sort((a, b) => (a.year ?? 9999) - (b.year ?? 9999) || (a.countries[0] ?? '').localeCompare(b.countries[0] ?? '') || a.workId.localeCompare(b.workId));
  return { requestedWorkId: workId, original: describe(originalId), versions };
}
