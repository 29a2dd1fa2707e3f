import { partialDateStart, type PartialDate } from '../../../contracts/src/envelope.js';
import { resolvedLookup, sameRecordIds } from '../lookups/merged-records.js';
import { PROJECT_STATUS } from '../project-status/project-status.handlers.js';
import type { CitedSource } from '../shared/cited-source.js';
import { QueryParams, type QueryOptions, type Queryable } from '../shared/query-options.js';
import { TIMELINE_ENTRIES } from './timeline.handlers.js';

export interface TimelineEntry {
  kind: string;
  label: string;
  occurredAt: PartialDate;
  sortKey: string;
  factType: string;
  factId: string;
  /**
   * Whom the entry is about: a person or a company as the query's view resolves it (a duplicate merged away reads as
   * its survivor, its own id in `mergedFrom`), or a deal.
   */
  subject: { type: string; id: string; name: string | null; mergedFrom?: string } | null;
  details: Record<string, unknown>;
  /** Not corrected and not retracted. */
  current: boolean;
  corrected: boolean;
  retracted: boolean;
  note: string | null;
  /**
   * The cited source on every entry, `{ publisher?, url?, publishedAt?, kind? }` (each field only when the source
   * shows it; a confidential source may hide any): that of the event that stated the entry's fact or last changed it
   * (a deal's entry: the event that stated its deal work or status change; a standing entry: the standing change).
   * Null when that source shows nothing public, or on an entry recorded before sources were kept and not yet replayed.
   * Earlier sources of the fact are in its history (GET /works/{id}/history).
   */
  source: CitedSource | null;
  /** The stream the entry comes from (the work's, or a deal's). */
  stream: string;
  /** Notes of the clarifications of the entry's fact (right but misleading: it stays current), in order. */
  clarifications: string[];
  /** Stated on a duplicate work merged into this one (as of the view): the duplicate's id. */
  workMergedFrom?: string;
}

export interface Timeline {
  workId: string;
  entries: TimelineEntry[];
  /** First and last current entries and the whole years between them (a 2018 → 2025 development reads 7). */
  span: { from: PartialDate; to: PartialDate; years: number } | null;
}

export interface TimelineOptions extends QueryOptions {
  /** World time: only entries that occurred before this date ('YYYY', 'YYYY-MM' or 'YYYY-MM-DD'). */
  occurredBefore?: string;
  /** Keep corrected and retracted entries (flagged, with their notes). Default true. */
  includeDeprecated?: boolean;
}

/** The kinds of fact a duplicate's timeline brings to the work it was merged into. */
const MERGED_FACT_TYPES = ['talent-attachment', 'company-credit', 'release', 'milestone', 'deal'] as const;

function partialDateFromString(value: string): PartialDate {
  const precision = /^\d{4}$/.test(value) ? 'year' : /^\d{4}-\d{2}$/.test(value) ? 'month' : /^\d{4}-\d{2}-\d{2}$/.test(value) ? 'day' : null;
  if (!precision) throw new RangeError(`expected YYYY, YYYY-MM or YYYY-MM-DD, got ${JSON.stringify(value)}`);
  return { date: value, precision };
}

/**
 * A work's development timeline in world-time order (entries on one day in the order they were stated), as the desk
 * knew it now or at `options.at`; names of people and companies as they stood then.
 */
export async function getTimeline(db: Queryable, workId: string, options: TimelineOptions = {}): Promise<Timeline | null> {
  const exists = new QueryParams(options);
  const found = await db.query(`SELECT 1 FROM ${exists.from(PROJECT_STATUS, 'c')} WHERE c.work_id = ${exists.add(workId)}`, exists.values);
  if (found.rowCount === 0) return null;
  const q = new QueryParams(options);
  // The facts of the duplicates merged into the work (as of the view) are its facts too: their people, companies,
  // releases, milestones and deals, with the standing changes of those. A duplicate's own registration, titles,
  // relations and status are its record's, not the film's story, and stay in its history.
  const own = q.add(workId);
  // The IN is a join on the work index (a work and its few duplicates); the OR only filters the rows it found.
  const where = [`t.work_id IN ${sameRecordIds(q, 'work', workId)}`, `(t.work_id = ${own} OR t.fact_type = ANY(${q.add([...MERGED_FACT_TYPES])}::text[]))`];
  if (options.occurredBefore) where.push(`t.sort_key < ${q.add(partialDateStart(partialDateFromString(options.occurredBefore)))}::date`);
  if (options.includeDeprecated === false) where.push('NOT t.corrected AND NOT t.retracted');
  // The person or company an entry is about, read as its survivor when it was merged away in the query's view.
  const person = resolvedLookup(q, 'person', `CASE WHEN t.subject_type = 'person' THEN t.subject_id END`, 'sp');
  const organization = resolvedLookup(q, 'organization', `CASE WHEN t.subject_type = 'organization' THEN t.subject_id END`, 'so');
  const { rows } = await db.query<{
    kind: string;
    label: string;
    occurred_at: string;
    precision: string;
    sort_key: string;
    fact_type: string;
    fact_id: string;
    subject_type: string | null;
    subject_id: string | null;
    details: Record<string, unknown>;
    corrected: boolean;
    retracted: boolean;
    note: string | null;
    source: CitedSource | null;
    owner_stream: string;
    subject_name: string | null;
    subject_merged_from: string | null;
    work_id: string;
  }>(
    `SELECT t.work_id, t.kind, t.label, t.occurred_at, t.precision, to_char(t.sort_key, 'YYYY-MM-DD') AS sort_key, t.fact_type, t.fact_id, t.subject_type,
            coalesce(sp_id, so_id, t.subject_id) AS subject_id, t.details, t.corrected, t.retracted, t.note, t.source, t.owner_stream,
            coalesce(sp_name, so_name) AS subject_name, coalesce(sp_merged_from, so_merged_from) AS subject_merged_from
     FROM (SELECT t.*, ${person.columns}, ${organization.columns}
             FROM ${q.from(TIMELINE_ENTRIES, 't')}
             ${person.joins}
             ${organization.joins}) t
     WHERE ${where.join(' AND ')}
     ORDER BY t.sort_key, (t.owner_stream LIKE 'work-%') DESC, t.owner_stream, t.seq`,
    q.values,
  );
  const entries = rows.map(
    (r): TimelineEntry => ({
      kind: r.kind,
      label: r.label,
      occurredAt: { date: r.occurred_at, precision: r.precision as PartialDate['precision'] },
      sortKey: r.sort_key,
      factType: r.fact_type,
      factId: r.fact_id,
      subject: r.subject_type && r.subject_id ? { type: r.subject_type, id: r.subject_id, name: r.subject_name, ...(r.subject_merged_from ? { mergedFrom: r.subject_merged_from } : {}) } : null,
      details: r.details,
      current: !r.corrected && !r.retracted,
      corrected: r.corrected,
      retracted: r.retracted,
      note: r.note,
      source: r.source,
      stream: r.owner_stream,
      clarifications: (r.details.clarifications as string[] | undefined) ?? [],
      ...(r.work_id !== workId ? { workMergedFrom: r.work_id } : {}),
    }),
  );
  // The span is the project's development in the world; when the desk learnt more about a fact is not part of it.
  const current = entries.filter((e) => e.current && e.kind !== 'standing');
  const first = current[0];
  const last = current.at(-1);
  const span = first && last ? { from: first.occurredAt, to: last.occurredAt, years: Number(last.occurredAt.date.slice(0, 4)) - Number(first.occurredAt.date.slice(0, 4)) } : null;
  return { workId, entries, span };
}
