import type pg from 'pg';
import { partialDateStart, type PartialDate } from '../../contracts/src/envelope.js';
import { ORIGINAL_RELATIONS, type ProjectStatusRow, type StatusCompany, type StatusPerson } from './project-status/project-status.rows.js';
import { READ_MODELS_SCHEMA, schemaIdent } from './projector-store.js';
import { yearsSince } from './shared/dates.js';
import type { FactNote } from './shared/notes.js';

/**
 * Read-side queries for the admin API: plain async functions over a pg Pool (or client). Every function reads the
 * schema given in options (default `read_models`), so the same code can answer from a rebuilt shadow schema.
 */
export interface QueryOptions {
  schema?: string;
  /** "Today" for the development duration (defaults to now). */
  now?: Date;
}

type Queryable = Pick<pg.Pool, 'query'>;

const schemaOf = (options?: QueryOptions) => schemaIdent(options?.schema ?? READ_MODELS_SCHEMA);
const pd = (date: string | null, precision: string | null): PartialDate | null => (date && precision ? { date, precision: precision as PartialDate['precision'] } : null);

/** The development duration in whole years as of `now`, for works still in development; null otherwise. */
export function developmentYearsOf(row: Pick<ProjectStatusRow, 'in_development' | 'development_start' | 'development_start_precision'>, now: Date): number | null {
  const start = pd(row.development_start, row.development_start_precision);
  return row.in_development && start ? yearsSince(start, now) : null;
}

// ---- list ------------------------------------------------------------------------------------------------------

export interface ListProjectsFilter {
  status?: string;
  /** ISO alpha-2: a country of origin. */
  country?: string;
  companyId?: string;
  personId?: string;
  kind?: string;
  /** Case-insensitive substring of any current title. */
  text?: string;
  includeWithdrawn?: boolean;
  /** 1–100, default 20. */
  limit?: number;
  /** Opaque: the nextCursor of the previous page. */
  cursor?: string;
}

export interface ProjectSummary {
  workId: string;
  primaryTitle: string | null;
  titles: { text: string; language: string; class: string }[];
  kind: string | null;
  status: string | null;
  statusSince: PartialDate | null;
  countries: string[];
  productionYear: number | null;
  originalWorkId: string | null;
  inDevelopment: boolean;
  developmentStart: PartialDate | null;
  developmentYears: number | null;
  withdrawn: boolean;
}

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('invalid cursor');
    this.name = 'InvalidCursorError';
  }
}

function encodeCursor(sortTitle: string, workId: string): string {
  return Buffer.from(JSON.stringify([sortTitle, workId]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) return value as [string, string];
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}

/** Projects ordered by primary title (case-insensitive), then id; keyset pagination with an opaque cursor. */
export async function listProjects(db: Queryable, filter: ListProjectsFilter = {}, options?: QueryOptions): Promise<Page<ProjectSummary>> {
  const s = schemaOf(options);
  const params: unknown[] = [];
  const where: string[] = [];
  const p = (value: unknown) => `$${params.push(value)}`;
  if (!filter.includeWithdrawn) where.push('NOT withdrawn');
  if (filter.status) where.push(`status = ${p(filter.status)}`);
  if (filter.kind) where.push(`kind = ${p(filter.kind)}`);
  if (filter.country) where.push(`countries @> ARRAY[${p(filter.country.toUpperCase())}]::text[]`);
  if (filter.companyId) where.push(`company_ids @> ARRAY[${p(filter.companyId)}]::text[]`);
  if (filter.personId) where.push(`person_ids @> ARRAY[${p(filter.personId)}]::text[]`);
  if (filter.text) where.push(`strpos(titles_search, ${p(filter.text.toLowerCase())}) > 0`);
  if (filter.cursor) {
    const [title, id] = decodeCursor(filter.cursor);
    where.push(`(lower(coalesce(primary_title, '')), work_id) > (${p(title)}, ${p(id)})`);
  }
  const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 20), 1), 100);
  const { rows } = await db.query<ProjectStatusRow & { sort_title: string }>(
    `SELECT *, lower(coalesce(primary_title, '')) AS sort_title FROM ${s}.project_status
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY lower(coalesce(primary_title, '')), work_id LIMIT ${limit + 1}`,
    params,
  );
  const now = options?.now ?? new Date();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      workId: row.work_id,
      primaryTitle: row.primary_title,
      titles: row.titles.map((t) => ({ text: t.text, language: t.language, class: t.class })),
      kind: row.kind,
      status: row.status,
      statusSince: pd(row.status_since, row.status_since_precision),
      countries: row.countries,
      productionYear: row.production_year,
      originalWorkId: row.original_work_id,
      inDevelopment: row.in_development,
      developmentStart: pd(row.development_start, row.development_start_precision),
      developmentYears: developmentYearsOf(row, now),
      withdrawn: row.withdrawn,
    })),
    nextCursor: rows.length > limit && last ? encodeCursor(last.sort_title, last.work_id) : null,
  };
}

// ---- status ----------------------------------------------------------------------------------------------------

export interface NamedCompany extends StatusCompany {
  name: string | null;
}
export interface NamedPerson extends StatusPerson {
  name: string | null;
}

export interface ProjectStatus {
  workId: string;
  streamVersion: number;
  primaryTitle: { text: string; language: string | null } | null;
  titles: ProjectStatusRow['titles'];
  kind: string | null;
  originalLanguage: string | null;
  originalWork: { workId: string; relation: string; primaryTitle: string | null } | null;
  status: string | null;
  statusSince: PartialDate | null;
  countries: string[];
  productionYear: number | null;
  externalIds: Record<string, string>;
  companiesByRole: Record<string, NamedCompany[]>;
  peopleByRole: Record<string, NamedPerson[]>;
  latestMilestone: ProjectStatusRow['latest_milestone'];
  developmentStart: PartialDate | null;
  inDevelopment: boolean;
  /** Whole years from the development start to today, while in development. */
  developmentYears: number | null;
  firstRelease: ProjectStatusRow['first_release'];
  withdrawn: { note: string | null } | null;
  notes: FactNote[];
}

async function namesOf(db: Queryable, s: string, table: 'organization_names' | 'person_names', ids: readonly string[]): Promise<Map<string, string | null>> {
  if (ids.length === 0) return new Map();
  const key = table === 'organization_names' ? 'organization_id' : 'person_id';
  const { rows } = await db.query<{ id: string; primary_name: string | null }>(`SELECT ${key} AS id, primary_name FROM ${s}.${table} WHERE ${key} = ANY($1::text[])`, [[...new Set(ids)]]);
  return new Map(rows.map((r) => [r.id, r.primary_name]));
}

function groupBy<T extends { role: string }>(items: readonly T[]): Record<string, T[]> {
  const groups: Record<string, T[]> = {};
  for (const item of items) (groups[item.role] ??= []).push(item);
  return groups;
}

export async function getProjectStatus(db: Queryable, workId: string, options?: QueryOptions): Promise<ProjectStatus | null> {
  const s = schemaOf(options);
  const { rows } = await db.query<ProjectStatusRow>(`SELECT * FROM ${s}.project_status WHERE work_id = $1`, [workId]);
  const row = rows[0];
  if (!row) return null;
  const [companyNames, personNames, original] = await Promise.all([
    namesOf(db, s, 'organization_names', row.companies.map((c) => c.organizationId)),
    namesOf(db, s, 'person_names', row.people.map((p) => p.personId)),
    row.original_work_id
      ? db.query<{ primary_title: string | null }>(`SELECT primary_title FROM ${s}.project_status WHERE work_id = $1`, [row.original_work_id])
      : Promise.resolve({ rows: [] as { primary_title: string | null }[] }),
  ]);
  return {
    workId: row.work_id,
    streamVersion: row.stream_version,
    primaryTitle: row.primary_title === null ? null : { text: row.primary_title, language: row.primary_title_language },
    titles: row.titles,
    kind: row.kind,
    originalLanguage: row.original_language,
    originalWork:
      row.original_work_id && row.original_relation
        ? { workId: row.original_work_id, relation: row.original_relation, primaryTitle: original.rows[0]?.primary_title ?? null }
        : null,
    status: row.status,
    statusSince: pd(row.status_since, row.status_since_precision),
    countries: row.countries,
    productionYear: row.production_year,
    externalIds: row.external_ids,
    companiesByRole: groupBy(row.companies.map((c) => ({ ...c, name: companyNames.get(c.organizationId) ?? null }))),
    peopleByRole: groupBy(row.people.map((p) => ({ ...p, name: personNames.get(p.personId) ?? null }))),
    latestMilestone: row.latest_milestone,
    developmentStart: pd(row.development_start, row.development_start_precision),
    inDevelopment: row.in_development,
    developmentYears: developmentYearsOf(row, options?.now ?? new Date()),
    firstRelease: row.first_release,
    withdrawn: row.withdrawn ? { note: row.withdrawn_note } : null,
    notes: row.notes,
  };
}

// ---- timeline --------------------------------------------------------------------------------------------------

export interface TimelineEntry {
  kind: string;
  label: string;
  occurredAt: PartialDate;
  sortKey: string;
  factType: string;
  factId: string;
  subject: { type: string; id: string; name: string | null } | null;
  details: Record<string, unknown>;
  /** Not corrected and not retracted. */
  current: boolean;
  corrected: boolean;
  retracted: boolean;
  note: string | null;
  /** The stream the entry comes from (the work's, or a deal's). */
  source: string;
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

function partialDateFromString(value: string): PartialDate {
  const precision = /^\d{4}$/.test(value) ? 'year' : /^\d{4}-\d{2}$/.test(value) ? 'month' : /^\d{4}-\d{2}-\d{2}$/.test(value) ? 'day' : null;
  if (!precision) throw new RangeError(`expected YYYY, YYYY-MM or YYYY-MM-DD, got ${JSON.stringify(value)}`);
  return { date: value, precision };
}

export async function getTimeline(db: Queryable, workId: string, options: TimelineOptions = {}): Promise<Timeline | null> {
  const s = schemaOf(options);
  const exists = await db.query(`SELECT 1 FROM ${s}.project_status WHERE work_id = $1`, [workId]);
  if (exists.rowCount === 0) return null;
  const params: unknown[] = [workId];
  const where = ['t.work_id = $1'];
  if (options.occurredBefore) where.push(`t.sort_key < $${params.push(partialDateStart(partialDateFromString(options.occurredBefore)))}::date`);
  if (options.includeDeprecated === false) where.push('NOT t.corrected AND NOT t.retracted');
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
    owner_stream: string;
    subject_name: string | null;
  }>(
    `SELECT t.kind, t.label, t.occurred_at, t.precision, to_char(t.sort_key, 'YYYY-MM-DD') AS sort_key, t.fact_type, t.fact_id, t.subject_type,
            t.subject_id, t.details, t.corrected, t.retracted, t.note, t.owner_stream,
            coalesce(o.primary_name, p.primary_name) AS subject_name
     FROM ${s}.timeline_entries t
     LEFT JOIN ${s}.organization_names o ON t.subject_type = 'organization' AND o.organization_id = t.subject_id
     LEFT JOIN ${s}.person_names p ON t.subject_type = 'person' AND p.person_id = t.subject_id
     WHERE ${where.join(' AND ')}
     ORDER BY t.sort_key, (t.owner_stream LIKE 'work-%') DESC, t.owner_stream, t.seq`,
    params,
  );
  const entries = rows.map(
    (r): TimelineEntry => ({
      kind: r.kind,
      label: r.label,
      occurredAt: { date: r.occurred_at, precision: r.precision as PartialDate['precision'] },
      sortKey: r.sort_key,
      factType: r.fact_type,
      factId: r.fact_id,
      subject: r.subject_type && r.subject_id ? { type: r.subject_type, id: r.subject_id, name: r.subject_name } : null,
      details: r.details,
      current: !r.corrected && !r.retracted,
      corrected: r.corrected,
      retracted: r.retracted,
      note: r.note,
      source: r.owner_stream,
    }),
  );
  const current = entries.filter((e) => e.current);
  const first = current[0];
  const last = current.at(-1);
  const span = first && last ? { from: first.occurredAt, to: last.occurredAt, years: Number(last.occurredAt.date.slice(0, 4)) - Number(first.occurredAt.date.slice(0, 4)) } : null;
  return { workId, entries, span };
}

// ---- remake map ------------------------------------------------------------------------------------------------

export interface RemakeMapWork {
  workId: string;
  primaryTitle: string | null;
  kind: string | null;
  status: string | null;
  countries: string[];
  productionYear: number | null;
  firstRelease: ProjectStatusRow['first_release'];
  /** The year to sort by: production year, else the first release's year. */
  year: number | null;
}

export interface RemakeMapVersion extends RemakeMapWork {
  relation: string;
  /** The work this one is a remake/localized version of (the original, or another version). */
  of: string;
  dealId: string | null;
  depth: number;
}

export interface RemakeMap {
  requestedWorkId: string;
  original: RemakeMapWork;
  versions: RemakeMapVersion[];
}

const MAP_RELATIONS = [...ORIGINAL_RELATIONS];

/** Resolves the original of `workId` (following remake-of / localized-version-of upwards), then all its versions. */
export async function getRemakeMap(db: Queryable, workId: string, options?: QueryOptions): Promise<RemakeMap | null> {
  const s = schemaOf(options);
  const up = await db.query<{ work_id: string }>(
    `WITH RECURSIVE chain(work_id, depth, path) AS (
       SELECT $1::text, 0, ARRAY[$1::text]
       UNION ALL
       SELECT r.target_work_id, c.depth + 1, c.path || r.target_work_id
       FROM chain c JOIN ${s}.work_relations r ON r.work_id = c.work_id AND r.relation = ANY($2::text[])
       WHERE NOT r.target_work_id = ANY(c.path) AND c.depth < 20
     )
     SELECT work_id FROM chain ORDER BY depth DESC LIMIT 1`,
    [workId, MAP_RELATIONS],
  );
  const originalId = up.rows[0]?.work_id ?? workId;
  const down = await db.query<{ work_id: string; relation: string; of: string; deal_id: string | null; depth: number }>(
    `WITH RECURSIVE versions(work_id, relation, of, deal_id, depth, path) AS (
       SELECT r.work_id, r.relation, r.target_work_id, r.deal_id, 1, ARRAY[$1::text, r.work_id]
       FROM ${s}.work_relations r WHERE r.target_work_id = $1 AND r.relation = ANY($2::text[])
       UNION ALL
       SELECT r.work_id, r.relation, r.target_work_id, r.deal_id, v.depth + 1, v.path || r.work_id
       FROM versions v JOIN ${s}.work_relations r ON r.target_work_id = v.work_id AND r.relation = ANY($2::text[])
       WHERE NOT r.work_id = ANY(v.path) AND v.depth < 20
     )
     SELECT DISTINCT ON (work_id) work_id, relation, of, deal_id, depth FROM versions ORDER BY work_id, depth`,
    [originalId, MAP_RELATIONS],
  );
  const ids = [originalId, ...down.rows.map((r) => r.work_id)];
  const works = await db.query<ProjectStatusRow>(`SELECT * FROM ${s}.project_status WHERE work_id = ANY($1::text[]) AND NOT withdrawn`, [ids]);
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
    };
  };
  if (!byId.has(originalId) && down.rows.length === 0) return null;
  const versions = down.rows
    .filter((r) => byId.has(r.work_id))
    .map((r): RemakeMapVersion => ({ ...describe(r.work_id), relation: r.relation, of: r.of, dealId: r.deal_id, depth: r.depth }))
    .sort((a, b) => (a.year ?? 9999) - (b.year ?? 9999) || (a.countries[0] ?? '').localeCompare(b.countries[0] ?? '') || a.workId.localeCompare(b.workId));
  return { requestedWorkId: workId, original: describe(originalId), versions };
}

// ---- company portfolio -----------------------------------------------------------------------------------------

export interface PortfolioWork {
  workId: string;
  primaryTitle: string | null;
  status: string | null;
  countries: string[];
  productionYear: number | null;
  credits: { role: string; country: string | null; territory: string | null; details: Record<string, unknown> }[];
}

export interface PortfolioDeal {
  dealId: string;
  side: string;
  dealType: string | null;
  dealName: string | null;
  status: string | null;
  details: Record<string, unknown>;
  works: { workId: string; primaryTitle: string | null; role: string | null; territory: string | null; countries: string[]; productionYear: number | null }[];
}

export interface CompanyPortfolio {
  organization: { organizationId: string; name: string | null; names: unknown[]; country: string | null; kind: string | null } | null;
  works: PortfolioWork[];
  deals: PortfolioDeal[];
}

export async function getCompanyPortfolio(db: Queryable, organizationId: string, options?: QueryOptions): Promise<CompanyPortfolio | null> {
  const s = schemaOf(options);
  const [org, rows] = await Promise.all([
    db.query<{ primary_name: string | null; names: unknown[]; country: string | null; kind: string | null }>(
      `SELECT primary_name, names, country, kind FROM ${s}.organization_names WHERE organization_id = $1`,
      [organizationId],
    ),
    db.query<{ via: string; work_id: string | null; deal_id: string | null; role: string; country: string | null; territory: string | null; work_ids: string[]; details: Record<string, unknown> }>(
      `SELECT via, work_id, deal_id, role, country, territory, work_ids, details FROM ${s}.company_portfolio WHERE organization_id = $1 ORDER BY via, owner_stream, row_key`,
      [organizationId],
    ),
  ]);
  if (org.rowCount === 0 && rows.rowCount === 0) return null;
  const workIds = [...new Set(rows.rows.flatMap((r) => r.work_ids))];
  const works = workIds.length
    ? await db.query<ProjectStatusRow>(`SELECT * FROM ${s}.project_status WHERE work_id = ANY($1::text[])`, [workIds])
    : { rows: [] as ProjectStatusRow[] };
  const byId = new Map(works.rows.map((w) => [w.work_id, w]));
  const credited = new Map<string, PortfolioWork>();
  const deals: PortfolioDeal[] = [];
  for (const r of rows.rows) {
    if (r.via === 'credit' && r.work_id) {
      const w = byId.get(r.work_id);
      const entry = credited.get(r.work_id) ?? {
        workId: r.work_id,
        primaryTitle: w?.primary_title ?? null,
        status: w?.status ?? null,
        countries: w?.countries ?? [],
        productionYear: w?.production_year ?? null,
        credits: [],
      };
      entry.credits.push({ role: r.role, country: r.country, territory: r.territory, details: r.details });
      credited.set(r.work_id, entry);
    } else if (r.deal_id) {
      const dealWorks = (r.details.works as { workId: string; role: string; territory?: string }[] | undefined) ?? r.work_ids.map((workId) => ({ workId, role: null as unknown as string, territory: undefined as string | undefined }));
      deals.push({
        dealId: r.deal_id,
        side: r.role,
        dealType: (r.details.dealType as string | undefined) ?? null,
        dealName: (r.details.dealName as string | undefined) ?? null,
        status: (r.details.status as string | undefined) ?? null,
        details: r.details,
        works: dealWorks.map((dw) => {
          const w = byId.get(dw.workId);
          return {
            workId: dw.workId,
            primaryTitle: w?.primary_title ?? null,
            role: dw.role ?? null,
            territory: dw.territory ?? null,
            countries: w?.countries ?? [],
            productionYear: w?.production_year ?? null,
          };
        }),
      });
    }
  }
  const o = org.rows[0];
  return {
    organization: o ? { organizationId, name: o.primary_name, names: o.names, country: o.country, kind: o.kind } : null,
    works: [...credited.values()].sort((a, b) => (a.primaryTitle ?? '').localeCompare(b.primaryTitle ?? '') || a.workId.localeCompare(b.workId)),
    deals,
  };
}

// ---- person attachments ----------------------------------------------------------------------------------------

export interface PersonAttachment {
  attachmentId: string;
  workId: string;
  workTitle: string | null;
  role: string;
  character: string | null;
  billing: string | null;
  attachedAt: PartialDate | null;
  detached: { reason: string; detachedAt?: PartialDate } | null;
  /** attached | detached | corrected | moved | retracted | withdrawn */
  state: string;
  current: boolean;
  note: string | null;
  movedToWorkId: string | null;
  movedFrom: { workId: string; attachmentId: string; note: string } | null;
}

export interface PersonAttachments {
  person: { personId: string; name: string | null; names: unknown[] } | null;
  attachments: PersonAttachment[];
}

export async function getPersonAttachments(db: Queryable, personId: string, options: QueryOptions & { includeDeprecated?: boolean } = {}): Promise<PersonAttachments | null> {
  const s = schemaOf(options);
  const [person, rows] = await Promise.all([
    db.query<{ primary_name: string | null; names: unknown[] }>(`SELECT primary_name, names FROM ${s}.person_names WHERE person_id = $1`, [personId]),
    db.query<{
      attachment_id: string;
      work_id: string;
      role: string;
      character: string | null;
      billing: string | null;
      attached_at: PartialDate | null;
      detached: PersonAttachment['detached'];
      state: string;
      is_current: boolean;
      note: string | null;
      moved_to_work_id: string | null;
      moved_from: PersonAttachment['movedFrom'];
      primary_title: string | null;
    }>(
      `SELECT a.*, w.primary_title FROM ${s}.person_attachments a LEFT JOIN ${s}.project_status w ON w.work_id = a.work_id
       WHERE a.person_id = $1 ${options.includeDeprecated === false ? 'AND a.is_current' : ''}
       ORDER BY a.is_current DESC, (a.attached_at->>'date') NULLS LAST, a.work_id, a.seq`,
      [personId],
    ),
  ]);
  if (person.rowCount === 0 && rows.rowCount === 0) return null;
  const p = person.rows[0];
  return {
    person: p ? { personId, name: p.primary_name, names: p.names } : null,
    attachments: rows.rows.map((r) => ({
      attachmentId: r.attachment_id,
      workId: r.work_id,
      workTitle: r.primary_title,
      role: r.role,
      character: r.character,
      billing: r.billing,
      attachedAt: r.attached_at,
      detached: r.detached,
      state: r.state,
      current: r.is_current,
      note: r.note,
      movedToWorkId: r.moved_to_work_id,
      movedFrom: r.moved_from,
    })),
  };
}

// ---- freshness -------------------------------------------------------------------------------------------------

export interface Freshness {
  /** The highest global position applied to the read models (a decimal string), null before the first event. */
  globalPosition: string | null;
  /** When that event was recorded in the event store. */
  recordedAt: string | null;
  /** When the projector last applied anything. */
  updatedAt: string | null;
}

export async function getFreshness(db: Queryable, options?: QueryOptions): Promise<Freshness> {
  const s = schemaOf(options);
  const { rows } = await db.query<{ last_global_position: string | null; last_recorded_at: Date | null; updated_at: Date | null }>(
    `SELECT last_global_position, last_recorded_at, (SELECT max(updated_at) FROM ${s}.projection_snapshots) AS updated_at
     FROM ${s}.projection_snapshots WHERE last_global_position IS NOT NULL ORDER BY last_global_position DESC LIMIT 1`,
  );
  const row = rows[0];
  return {
    globalPosition: row?.last_global_position ?? null,
    recordedAt: row?.last_recorded_at ? row.last_recorded_at.toISOString() : null,
    updatedAt: row?.updated_at ? row.updated_at.toISOString() : null,
  };
}
