import type { PartialDate } from '../../../contracts/src/envelope.js';
import { isUuid } from '../../../contracts/src/streams.js';
import { sortKeyOf, yearsSince } from '../shared/dates.js';
import type { FactNote } from '../shared/notes.js';
import { ORGANIZATION_NAMES, PERSON_NAMES } from '../lookups/lookups.handlers.js';
import { STREAM_VERSIONS } from '../engine/stream-versions.js';
import { partialDateOf, QueryParams, type QueryOptions, type Queryable } from '../shared/query-options.js';
import {
  afterSearchPosition,
  decodeSearchCursor,
  encodeSearchCursor,
  InvalidCursorError,
  matchOf,
  nameSearchSql,
  searchOrder,
  withSearchKey,
  type NameMatch,
  type SearchDb,
} from '../shared/name-search.js';
import { canonicalTerritory, countriesOf, overlappingTerritories } from '../../../contracts/src/territories.js';
import { TIMELINE_ENTRIES } from '../timeline/timeline.handlers.js';
import { PROJECT_COMPANIES, PROJECT_NOTES, PROJECT_PEOPLE, PROJECT_STATUS } from './project-status.handlers.js';
import type { StatusCompany, StatusMilestone, StatusPerson, StatusTitle } from './project-status.types.js';

type FirstRelease = { releaseId: string; territory: string; date: PartialDate; type: string; status: string } | null;

/** The card's columns the queries read. */
interface CardRow {
  work_id: string;
  stream_version: number | null;
  primary_title: string | null;
  primary_title_language: string | null;
  titles: StatusTitle[];
  kind: string | null;
  original_language: string | null;
  original_work_id: string | null;
  original_relation: string | null;
  status: string | null;
  status_since: string | null;
  status_since_precision: string | null;
  countries: string[];
  production_year: number | null;
  external_ids: Record<string, string>;
  latest_milestone: StatusMilestone | null;
  development_start: string | null;
  development_start_precision: string | null;
  in_development: boolean;
  first_release: FirstRelease;
  withdrawn: boolean;
  withdrawn_note: string | null;
}

const CARD_COLUMNS = `c.work_id, c.primary_title, c.primary_title_language, c.titles, c.kind, c.original_language, c.original_work_id, c.original_relation,
  c.status, c.status_since, c.status_since_precision, c.countries, c.production_year, c.external_ids, c.latest_milestone, c.development_start,
  c.development_start_precision, c.in_development, c.first_release, c.withdrawn, c.withdrawn_note`;

type DevelopmentColumns = Pick<CardRow, 'in_development' | 'development_start' | 'development_start_precision' | 'status' | 'status_since' | 'status_since_precision' | 'first_release'>;

/**
 * When development ended in a release: the date the work became released (its status change's effective date), or,
 * when that change is undated, its first release's date. Null for a work not released.
 */
export function developmentEndOf(row: DevelopmentColumns): PartialDate | null {
  if (row.status !== 'released') return null;
  return partialDateOf(row.status_since, row.status_since_precision) ?? row.first_release?.date ?? null;
}

/**
 * The development length in whole years: from the development start to `now` while in development, to the release
 * once released (so a released film keeps its "seven years in development"); null otherwise (no start, not released
 * after it, or development ended without a release).
 */
export function developmentYearsOf(row: DevelopmentColumns, now: Date): number | null {
  const start = partialDateOf(row.development_start, row.development_start_precision);
  if (!start) return null;
  if (row.in_development) return yearsSince(start, now);
  const end = developmentEndOf(row);
  return end ? yearsSince(start, new Date(`${sortKeyOf(end)}T00:00:00Z`)) : null;
}

// ---- list ------------------------------------------------------------------------------------------------------

/**
 * How a project is "in" a country: made there (a country of origin), released there (a current release not cancelled),
 * dealt there (a current deal naming the work, for that territory or with it among the deal's territories) or with a
 * company credited for a territory there (a current credit, e.g. a distributor or licensee).
 */
export const COUNTRY_LINKS = ['origin', 'release', 'deal', 'credit'] as const;
export type CountryLink = (typeof COUNTRY_LINKS)[number];

export interface ListProjectsFilter {
  status?: string;
  /**
   * A territory code (contracts/src/territories.ts): a country, or a group standing for its countries. A project
   * matches when one of its facts (see COUNTRY_LINKS) is in a territory sharing a country with it: `CA` finds a
   * release in CA, in north-america or worldwide (XW); `latin-america` finds a deal for BR. Any case.
   */
  country?: string;
  /** Which facts `country` looks at; default all of COUNTRY_LINKS. */
  countryOf?: readonly CountryLink[];
  companyId?: string;
  personId?: string;
  kind?: string;
  /**
   * Any current title, case-, accent- and diacritic-insensitive, with typos (shared/name-search.ts); the projects then
   * come ranked by how well they match instead of by title.
   */
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
  /** When development ended in a release (developmentEndOf); null before release. */
  developmentEnd: PartialDate | null;
  developmentYears: number | null;
  withdrawn: boolean;
  /** With a `text` filter: how the project matched. */
  match?: NameMatch;
}

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export { InvalidCursorError };

function encodeCursor(sortTitle: string, workId: string): string {
  return Buffer.from(JSON.stringify([sortTitle, workId]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    // Only what encodeCursor writes: a title PostgreSQL can compare (no NUL, no lone surrogate) and a work id.
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string' && !/[\u0000\p{Surrogate}]/u.test(v)) && isUuid(value[1] as string)) {
      return value as [string, string];
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}

/**
 * The card `c` is in `territory` through one of `links`. Territory groups expand here, at query time, from their one
 * definition: the facts keep the code the editor chose, the country asked for is matched against every code that
 * shares a country with it. Each fact table is read in the query's view, so as-of works as for every filter.
 *
 * Each kind of fact is one uncorrelated `IN` (the works with such a fact there), which PostgreSQL hashes once per
 * query; the release and deal entries are found on a partial index of their kinds (migrations/0012), not by walking
 * every entry of every card.
 */
function inTerritorySql(asked: string, links: readonly CountryLink[] | undefined, q: QueryParams): string {
  const territory = canonicalTerritory(asked) ?? asked;
  const codes = overlappingTerritories(territory);
  if (codes.length === 0) return 'false';
  const wanted = new Set(links?.length ? links : COUNTRY_LINKS);
  // Bound only when a fact table is asked about: PostgreSQL cannot type a parameter no clause uses.
  let bound: string | undefined;
  const codesParam = () => (bound ??= `${q.add(codes)}::text[]`);
  const entries = (kind: string, territoryMatches: string) =>
    `c.work_id IN (SELECT e.work_id FROM ${q.from(TIMELINE_ENTRIES, 'e')} WHERE e.kind = '${kind}' AND NOT e.corrected AND NOT e.retracted AND ${territoryMatches})`;
  const any: string[] = [];
  if (wanted.has('origin')) any.push(`c.countries && ${q.add(countriesOf(territory))}::text[]`);
  if (wanted.has('release')) any.push(entries('release', `e.details->>'status' <> 'cancelled' AND e.details->>'territory' = ANY(${codesParam()})`));
  // A deal's work may name its own territory, which narrows the deal's; without it the deal's territories apply.
  if (wanted.has('deal')) {
    any.push(entries('deal-announced', `CASE WHEN e.details ? 'territory' THEN e.details->>'territory' = ANY(${codesParam()}) ELSE e.details->'territories' ?| ${codesParam()} END`));
  }
  if (wanted.has('credit')) any.push(`c.work_id IN (SELECT tc.work_id FROM ${q.from(PROJECT_COMPANIES, 'tc')} WHERE tc.territory = ANY(${codesParam()}))`);
  return `(${any.join(' OR ')})`;
}

/**
 * Projects ordered by primary title (case-insensitive), then id — or, with a `text` filter, ranked by how well a title
 * matches it; keyset pagination with an opaque cursor. Now, or as of `options.at`: the card versions true then,
 * filtered by the credits and attachments true then.
 */
export async function listProjects(db: SearchDb, filter: ListProjectsFilter = {}, options?: QueryOptions): Promise<Page<ProjectSummary>> {
  const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 20), 1), 100);
  const searchCursor = filter.text !== undefined && filter.cursor !== undefined ? decodeSearchCursor(filter.cursor) : undefined;
  const titleCursor = filter.text === undefined && filter.cursor !== undefined ? decodeCursor(filter.cursor) : undefined;
  const run = async (client: Queryable, key: string | null) => {
    const q = new QueryParams(options);
    const where: string[] = [];
    if (!filter.includeWithdrawn) where.push('NOT c.withdrawn');
    if (filter.status) where.push(`c.status = ${q.add(filter.status)}`);
    if (filter.kind) where.push(`c.kind = ${q.add(filter.kind)}`);
    if (filter.country) where.push(inTerritorySql(filter.country, filter.countryOf, q));
    if (filter.companyId) {
      where.push(`EXISTS (SELECT 1 FROM ${q.from(PROJECT_COMPANIES, 'pc')} WHERE pc.work_id = c.work_id AND pc.organization_id = ${q.add(filter.companyId)})`);
    }
    if (filter.personId) {
      where.push(`EXISTS (SELECT 1 FROM ${q.from(PROJECT_PEOPLE, 'pp')} WHERE pp.work_id = c.work_id AND pp.person_id = ${q.add(filter.personId)})`);
    }
    const whereSql = () => (where.length ? `WHERE ${where.join(' AND ')}` : '');
    if (key !== null) {
      const search = nameSearchSql('public.names_search_key(c.titles)', key, q.add);
      where.push(search.where);
      const ranked = `SELECT ${CARD_COLUMNS}, ${search.rank} AS rank, ${search.similarity} AS similarity,
                        public.search_key(coalesce(c.primary_title, '')) AS sort_key
                      FROM ${q.from(PROJECT_STATUS, 'c')} ${whereSql()}`;
      const { rows } = await client.query<CardRow & { rank: number; similarity: number; sort_key: string }>(
        `SELECT * FROM (${ranked}) r ${searchCursor ? `WHERE ${afterSearchPosition(searchCursor, 'work_id', q.add)}` : ''}
         ORDER BY ${searchOrder('work_id')} LIMIT ${limit + 1}`,
        q.values,
      );
      const last = rows.length > limit ? rows[limit - 1] : undefined;
      return {
        rows: rows.slice(0, limit).map((row) => ({ row, match: matchOf(row) })),
        nextCursor: last ? encodeSearchCursor({ rank: last.rank, similarity: Number(last.similarity), sortKey: last.sort_key, id: last.work_id }) : null,
      };
    }
    if (titleCursor) {
      const [title, id] = titleCursor;
      where.push(`(lower(coalesce(c.primary_title, '')), c.work_id) > (${q.add(title)}, ${q.add(id)})`);
    }
    const { rows } = await client.query<CardRow & { sort_title: string }>(
      `SELECT ${CARD_COLUMNS}, lower(coalesce(c.primary_title, '')) AS sort_title FROM ${q.from(PROJECT_STATUS, 'c')}
       ${whereSql()}
       ORDER BY lower(coalesce(c.primary_title, '')), c.work_id LIMIT ${limit + 1}`,
      q.values,
    );
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return { rows: rows.slice(0, limit).map((row) => ({ row, match: undefined })), nextCursor: last ? encodeCursor(last.sort_title, last.work_id) : null };
  };
  const { rows, nextCursor } =
    filter.text === undefined
      ? await run(db, null)
      : await withSearchKey(db, filter.text, async (client, key) => (key === null ? { rows: [], nextCursor: null } : run(client, key)));
  const now = options?.now ?? new Date();
  return {
    items: rows.map(({ row, match }) => ({
      workId: row.work_id,
      primaryTitle: row.primary_title,
      titles: row.titles.map((t) => ({ text: t.text, language: t.language, class: t.class })),
      kind: row.kind,
      status: row.status,
      statusSince: partialDateOf(row.status_since, row.status_since_precision),
      countries: row.countries,
      productionYear: row.production_year,
      originalWorkId: row.original_work_id,
      inDevelopment: row.in_development,
      developmentStart: partialDateOf(row.development_start, row.development_start_precision),
      developmentEnd: developmentEndOf(row),
      developmentYears: developmentYearsOf(row, now),
      withdrawn: row.withdrawn,
      ...(match ? { match } : {}),
    })),
    nextCursor,
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
  titles: StatusTitle[];
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
  latestMilestone: StatusMilestone | null;
  developmentStart: PartialDate | null;
  inDevelopment: boolean;
  /** When development ended in a release (developmentEndOf); null before release. */
  developmentEnd: PartialDate | null;
  /** Whole years from the development start to today while in development, to the release once released. */
  developmentYears: number | null;
  firstRelease: FirstRelease;
  withdrawn: { note: string | null } | null;
  notes: FactNote[];
}

function groupBy<T extends { role: string }>(items: readonly T[]): Record<string, T[]> {
  const groups: Record<string, T[]> = {};
  for (const item of items) (groups[item.role] ??= []).push(item);
  return groups;
}

/** Drops null fields, which the card's JSON leaves out. */
function present<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as T;
}

/** A project's status card, now or as of `options.at`, with the names of its companies and people as they stood then. */
export async function getProjectStatus(db: Queryable, workId: string, options?: QueryOptions): Promise<ProjectStatus | null> {
  const cardParams = new QueryParams(options);
  const { rows } = await db.query<CardRow>(
    `SELECT ${CARD_COLUMNS}, v.stream_version FROM ${cardParams.from(PROJECT_STATUS, 'c')}
     LEFT JOIN ${cardParams.from(STREAM_VERSIONS, 'v')} ON v.owner_stream = c.owner_stream AND v.row_key = 'version'
     WHERE c.work_id = ${cardParams.add(workId)}`,
    cardParams.values,
  );
  const row = rows[0];
  if (!row) return null;
  const companies = new QueryParams(options);
  const people = new QueryParams(options);
  const notes = new QueryParams(options);
  const original = new QueryParams(options);
  const [companyRows, personRows, noteRows, originalRows] = await Promise.all([
    db.query<{ credit_id: string; organization_id: string; role: string; country: string | null; territory: string | null; from_date: PartialDate | null; to_date: PartialDate | null; name: string | null }>(
      `SELECT pc.credit_id, pc.organization_id, pc.role, pc.country, pc.territory, pc.from_date, pc.to_date, o.primary_name AS name
       FROM ${companies.from(PROJECT_COMPANIES, 'pc')} LEFT JOIN ${companies.from(ORGANIZATION_NAMES, 'o')} ON o.organization_id = pc.organization_id
       WHERE pc.work_id = ${companies.add(workId)} ORDER BY pc.seq COLLATE "C"`,
      companies.values,
    ),
    db.query<{ attachment_id: string; person_id: string; role: string; character: string | null; billing: string | null; attached_at: PartialDate | null; name: string | null }>(
      `SELECT pp.attachment_id, pp.person_id, pp.role, pp.character, pp.billing, pp.attached_at, n.primary_name AS name
       FROM ${people.from(PROJECT_PEOPLE, 'pp')} LEFT JOIN ${people.from(PERSON_NAMES, 'n')} ON n.person_id = pp.person_id
       WHERE pp.work_id = ${people.add(workId)} ORDER BY pp.seq COLLATE "C"`,
      people.values,
    ),
    db.query<{ fact_type: string; fact_id: string; kind: FactNote['kind']; note: string; event_id: string; replacement_id: string | null; other_work_id: string | null }>(
      `SELECT pn.fact_type, pn.fact_id, pn.kind, pn.note, pn.event_id, pn.replacement_id, pn.other_work_id FROM ${notes.from(PROJECT_NOTES, 'pn')}
       WHERE pn.work_id = ${notes.add(workId)} ORDER BY pn.seq COLLATE "C"`,
      notes.values,
    ),
    row.original_work_id
      ? db.query<{ primary_title: string | null }>(`SELECT c.primary_title FROM ${original.from(PROJECT_STATUS, 'c')} WHERE c.work_id = ${original.add(row.original_work_id)}`, original.values)
      : Promise.resolve({ rows: [] as { primary_title: string | null }[] }),
  ]);
  return {
    workId: row.work_id,
    streamVersion: row.stream_version ?? 0,
    primaryTitle: row.primary_title === null ? null : { text: row.primary_title, language: row.primary_title_language },
    titles: row.titles,
    kind: row.kind,
    originalLanguage: row.original_language,
    originalWork: row.original_work_id && row.original_relation ? { workId: row.original_work_id, relation: row.original_relation, primaryTitle: originalRows.rows[0]?.primary_title ?? null } : null,
    status: row.status,
    statusSince: partialDateOf(row.status_since, row.status_since_precision),
    countries: row.countries,
    productionYear: row.production_year,
    externalIds: row.external_ids,
    companiesByRole: groupBy(
      companyRows.rows.map((c) => ({
        ...present({ creditId: c.credit_id, organizationId: c.organization_id, role: c.role, country: c.country, territory: c.territory, from: c.from_date, to: c.to_date }),
        name: c.name,
      })) as NamedCompany[],
    ),
    peopleByRole: groupBy(
      personRows.rows.map((p) => ({
        ...present({ attachmentId: p.attachment_id, personId: p.person_id, role: p.role, character: p.character, billing: p.billing, attachedAt: p.attached_at }),
        name: p.name,
      })) as NamedPerson[],
    ),
    latestMilestone: row.latest_milestone,
    developmentStart: partialDateOf(row.development_start, row.development_start_precision),
    inDevelopment: row.in_development,
    developmentEnd: developmentEndOf(row),
    developmentYears: developmentYearsOf(row, options?.now ?? new Date()),
    firstRelease: row.first_release,
    withdrawn: row.withdrawn ? { note: row.withdrawn_note } : null,
    notes: noteRows.rows.map((n) =>
      present({ factType: n.fact_type, factId: n.fact_id, kind: n.kind, note: n.note, eventId: n.event_id, replacementId: n.replacement_id, workId: n.other_work_id }) as FactNote,
    ),
  };
}
