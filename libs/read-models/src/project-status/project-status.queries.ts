import type { PartialDate } from '../../../contracts/src/envelope.js';
import { isUuid } from '../../../contracts/src/streams.js';
import { DEFAULT_FACT_STANDING } from '../../../contracts/src/vocabulary.js';
import { sortKeyOf, yearsSince } from '../shared/dates.js';
import type { FactNote } from '../shared/notes.js';
import { resolvedLookup, sameRecordIds, survivingWorkIds } from '../lookups/merged-records.js';
import { ORGANIZATION_NAMES, PERSON_NAMES } from '../lookups/lookups.handlers.js';
import { STREAM_VERSIONS } from '../engine/stream-versions.js';
import { partialDateOf, QueryParams, schemaOf, type QueryOptions, type Queryable } from '../shared/query-options.js';
import { historyOf } from '../engine/system-time.js';
import type { TableSpec } from '../engine/projection.js';
import {
  afterSearchPosition,
  decodeSearchCursor,
  encodeSearchCursor,
  InvalidCursorError,
  matchOf,
  nameSearchSql,
  queryWithWordSimilarity,
  searchOrder,
  withSearchKey,
  type NameMatch,
  type SearchDb,
} from '../shared/name-search.js';
import { canonicalTerritory, countriesOf, overlappingTerritories } from '../../../contracts/src/territories.js';
import { TIMELINE_ENTRIES } from '../timeline/timeline.handlers.js';
import { PROJECT_COMPANIES, PROJECT_NOTES, PROJECT_PEOPLE, PROJECT_STATUS } from './project-status.handlers.js';
import type { StatusCompany, StatusMilestone, StatusPerson, StatusTitle } from './project-status.types.js';

/** A credit or attachment a party denied is kept but does not count as current. */
const NOT_DENIED = (alias: string) => `${alias}.standing IS DISTINCT FROM 'denied'`;

type FirstRelease = { releaseId: string; territory: string; date: PartialDate; type: string; status: string; workMergedFrom?: string } | null;

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
  standing: string | null;
  /** Hidden: every title the work ever stated (read by the card's note labels). */
  known_titles?: { titleId: string; text: string }[] | null;
}

const CARD_COLUMNS = `c.work_id, c.primary_title, c.primary_title_language, c.titles, c.kind, c.original_language, c.original_work_id, c.original_relation,
  c.status, c.status_since, c.status_since_precision, c.countries, c.production_year, c.external_ids, c.latest_milestone, c.development_start,
  c.development_start_precision, c.in_development, c.first_release, c.withdrawn, c.withdrawn_note, c.standing`;

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
  /** How sure the project itself is (its 'work' fact): rumored, reported, confirmed or denied. */
  standing?: string;
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
  /** The original's id; the work it was merged into when the relation names a merged duplicate (as of the view). */
  originalWorkId: string | null;
  /** The original as the relation names it, when that work was merged into `originalWorkId`. */
  originalWorkMergedFrom?: string;
  inDevelopment: boolean;
  developmentStart: PartialDate | null;
  /** When development ended in a release (developmentEndOf); null before release. */
  developmentEnd: PartialDate | null;
  developmentYears: number | null;
  withdrawn: boolean;
  /** How sure the project itself is: rumored, reported, confirmed, denied. */
  standing: string;
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
  // A fact stated on a duplicate work counts for the work it was merged into (listed in its place).
  const entries = (kind: string, territoryMatches: string) =>
    `c.work_id IN ${survivingWorkIds(q, `SELECT e.work_id FROM ${q.from(TIMELINE_ENTRIES, 'e')} WHERE e.kind = '${kind}' AND NOT e.corrected AND NOT e.retracted AND ${territoryMatches}`)}`;
  const any: string[] = [];
  if (wanted.has('origin')) any.push(`c.countries && ${q.add(countriesOf(territory))}::text[]`);
  if (wanted.has('release')) any.push(entries('release', `e.details->>'status' <> 'cancelled' AND e.details->>'territory' = ANY(${codesParam()})`));
  // A deal's work may name its own territory, which narrows the deal's; without it the deal's territories apply.
  if (wanted.has('deal')) {
    any.push(entries('deal-announced', `CASE WHEN e.details ? 'territory' THEN e.details->>'territory' = ANY(${codesParam()}) ELSE e.details->'territories' ?| ${codesParam()} END`));
  }
  if (wanted.has('credit')) any.push(`c.work_id IN ${survivingWorkIds(q, `SELECT tc.work_id FROM ${q.from(PROJECT_COMPANIES, 'tc')} WHERE tc.territory = ANY(${codesParam()})`)}`);
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
    // A work merged into another is listed as its survivor only (its id still reads, redirected to the survivor).
    where.push('c.merged_into IS NULL');
    if (filter.status) where.push(`c.status = ${q.add(filter.status)}`);
    if (filter.kind) where.push(`c.kind = ${q.add(filter.kind)}`);
    if (filter.standing) where.push(`coalesce(c.standing, '${DEFAULT_FACT_STANDING}') = ${q.add(filter.standing)}`);
    if (filter.country) where.push(inTerritorySql(filter.country, filter.countryOf, q));
    // A credit or attachment stated on a duplicate work finds the work it was merged into (listed in its place).
    if (filter.companyId) {
      const credited = `SELECT pc.work_id FROM ${q.from(PROJECT_COMPANIES, 'pc')} WHERE pc.organization_id IN ${sameRecordIds(q, 'organization', filter.companyId)} AND ${NOT_DENIED('pc')}`;
      where.push(`c.work_id IN ${survivingWorkIds(q, credited)}`);
    }
    if (filter.personId) {
      const attached = `SELECT pp.work_id FROM ${q.from(PROJECT_PEOPLE, 'pp')} WHERE pp.person_id IN ${sameRecordIds(q, 'person', filter.personId)} AND ${NOT_DENIED('pp')}`;
      where.push(`c.work_id IN ${survivingWorkIds(q, attached)}`);
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
  // An original merged into another work reads as the work that stayed, as on the card (one look-up for the page).
  const originals = [...new Set(rows.map(({ row }) => row.original_work_id).filter((id): id is string => id !== null))];
  const merged = new Map<string, string>();
  if (originals.length > 0) {
    const q = new QueryParams(options);
    const found = await db.query<{ work_id: string; merged_into: string }>(
      `SELECT m.work_id, m.merged_into FROM ${q.from(PROJECT_STATUS, 'm')} WHERE m.work_id = ANY(${q.add(originals)}::text[]) AND m.merged_into IS NOT NULL`,
      q.values,
    );
    for (const r of found.rows) merged.set(r.work_id, r.merged_into);
  }
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
      originalWorkId: (row.original_work_id && merged.get(row.original_work_id)) ?? row.original_work_id,
      ...(row.original_work_id && merged.has(row.original_work_id) ? { originalWorkMergedFrom: row.original_work_id } : {}),
      inDevelopment: row.in_development,
      developmentStart: partialDateOf(row.development_start, row.development_start_precision),
      developmentEnd: developmentEndOf(row),
      developmentYears: developmentYearsOf(row, now),
      withdrawn: row.withdrawn,
      standing: row.standing ?? DEFAULT_FACT_STANDING,
      ...(match ? { match } : {}),
    })),
    nextCursor,
  };
}

// ---- status ----------------------------------------------------------------------------------------------------

/**
 * `organizationId` and `name` are the survivor's when the credit names a merged duplicate, whose id is `mergedFrom`;
 * `workMergedFrom` says the credit was stated on a duplicate of this work, merged into it (the duplicate's id).
 */
export interface NamedCompany extends StatusCompany {
  name: string | null;
  mergedFrom?: string;
  workMergedFrom?: string;
}
/**
 * `personId` and `name` are the survivor's when the attachment names a merged duplicate, whose id is `mergedFrom`;
 * `workMergedFrom` says the attachment was stated on a duplicate of this work, merged into it (the duplicate's id).
 */
export interface NamedPerson extends StatusPerson {
  name: string | null;
  mergedFrom?: string;
  workMergedFrom?: string;
}

export interface ProjectStatus {
  workId: string;
  streamVersion: number;
  primaryTitle: { text: string; language: string | null } | null;
  titles: StatusTitle[];
  kind: string | null;
  originalLanguage: string | null;
  /** `mergedFrom`: the original as stated, when it was merged into the work shown. */
  originalWork: { workId: string; relation: string; primaryTitle: string | null; mergedFrom?: string } | null;
  status: string | null;
  statusSince: PartialDate | null;
  countries: string[];
  productionYear: number | null;
  externalIds: Record<string, string>;
  companiesByRole: Record<string, NamedCompany[]>;
  peopleByRole: Record<string, NamedPerson[]>;
  /** The latest of the work's and its merged duplicates' (one of a duplicate's with `workMergedFrom`). */
  latestMilestone: (StatusMilestone & { workMergedFrom?: string }) | null;
  developmentStart: PartialDate | null;
  inDevelopment: boolean;
  /** When development ended in a release (developmentEndOf); null before release. */
  developmentEnd: PartialDate | null;
  /** Whole years from the development start to today while in development, to the release once released. */
  developmentYears: number | null;
  firstRelease: FirstRelease;
  withdrawn: { note: string | null } | null;
  /** How sure the project itself is: rumored, reported, confirmed, denied. */
  standing: string;
  /** Credits and attachments a party denied: kept in the record, not listed as current above. */
  denied: { companies: NamedCompany[]; people: NamedPerson[] };
  /** Each note names the fact it is about: its type and id, and a label a reader recognizes it by. */
  notes: (FactNote & { factLabel: string })[];
  /**
   * The duplicates merged into this work, as of the view: their credits, attachments and releases show on this card
   * (each with `workMergedFrom`), their deals and dated facts on its timeline.
   */
  mergedWorks: { workId: string; primaryTitle: string | null }[];
}

const FACT_TYPE_WORDS: Record<string, string> = {
  work: 'the project itself',
  title: 'title',
  relation: 'relation to another work',
  'status-change': 'status change',
  'company-credit': 'company credit',
  'talent-attachment': 'talent attachment',
  release: 'release',
  milestone: 'milestone',
};

/**
 * What a note's fact is, in words: the company or person and role of a credit or attachment (as they were stated,
 * even when the fact has left the card), a title's text, else the kind of fact.
 */
function factLabel(factType: string, factId: string, subjectLabel: string | null, knownTitles: CardRow['known_titles']): string {
  const words = FACT_TYPE_WORDS[factType] ?? factType;
  if (subjectLabel) return `${words}: ${subjectLabel}`;
  const title = factType === 'title' ? knownTitles?.find((t) => t.titleId === factId) : undefined;
  return title ? `${words}: ${title.text}` : words;
}

/**
 * Every version of `table`'s rows opened by the view's position (all of them now): a fact that has left the card
 * (corrected, moved, retracted) is still found by its id, as it was last stated.
 */
function everVersion(options: QueryOptions | undefined, table: TableSpec, alias: string, param: (value: unknown) => string): string {
  const schema = schemaOf(options);
  const own = Object.keys(table.columns).map((c) => `"${c}"`).join(', ');
  const opened = options?.at === undefined ? '' : `WHERE valid_from <= ${param(options.at)}`;
  return `(SELECT valid_from, ${own} FROM ${schema}.${table.name} ${opened} UNION ALL SELECT valid_from, ${own} FROM ${schema}.${historyOf(table.name)} ${opened}) ${alias}`;
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
/** A card's original work, read as the work it was merged into when it was (one row, none if no card names it). */
function originalWorkOf(db: Queryable, q: QueryParams, workId: string) {
  const original = resolvedLookup(q, 'work', 'c.work_id', 'o');
  return db.query<{ work_id: string; primary_title: string | null; merged_from: string | null }>(
    `SELECT o_id AS work_id, o_name AS primary_title, o_merged_from AS merged_from
       FROM (SELECT c.work_id, ${original.columns} FROM ${q.from(PROJECT_STATUS, 'c')} ${original.joins} WHERE c.work_id = ${q.add(workId)}) resolved`,
    q.values,
  );
}

export async function getProjectStatus(db: Queryable, workId: string, options?: QueryOptions): Promise<ProjectStatus | null> {
  const cardParams = new QueryParams(options);
  const { rows } = await db.query<CardRow>(
    `SELECT ${CARD_COLUMNS}, c.known_titles, v.stream_version FROM ${cardParams.from(PROJECT_STATUS, 'c')}
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
  const duplicates = new QueryParams(options);
  // Credits and attachments that name a merged duplicate show its survivor (lookups/merged-records.ts); those stated
  // on a duplicate of this work show here too (its id in the view's merged_into, nothing rewritten on a merge).
  const pcFrom = companies.from(PROJECT_COMPANIES, 'pc');
  const organization = resolvedLookup(companies, 'organization', 'pc.organization_id', 'org');
  const ppFrom = people.from(PROJECT_PEOPLE, 'pp');
  const person = resolvedLookup(people, 'person', 'pp.person_id', 'person');
  const [companyRows, personRows, noteRows, originalRows, duplicateRows] = await Promise.all([
    db.query<{ credit_id: string; work_id: string; org_id: string; org_merged_from: string | null; role: string; country: string | null; territory: string | null; from_date: PartialDate | null; to_date: PartialDate | null; standing: string | null; org_name: string | null }>(
      `SELECT pc.credit_id, pc.work_id, ${organization.columns}, pc.role, pc.country, pc.territory, pc.from_date, pc.to_date, pc.standing
       FROM ${pcFrom} ${organization.joins}
       WHERE pc.work_id IN ${sameRecordIds(companies, 'work', workId)} ORDER BY pc.work_id <> ${companies.add(workId)}, pc.work_id, pc.seq COLLATE "C"`,
      companies.values,
    ),
    db.query<{ attachment_id: string; work_id: string; person_id: string; person_merged_from: string | null; role: string; character: string | null; billing: string | null; attached_at: PartialDate | null; standing: string | null; person_name: string | null }>(
      `SELECT pp.attachment_id, pp.work_id, ${person.columns}, pp.role, pp.character, pp.billing, pp.attached_at, pp.standing
       FROM ${ppFrom} ${person.joins}
       WHERE pp.work_id IN ${sameRecordIds(people, 'work', workId)} ORDER BY pp.work_id <> ${people.add(workId)}, pp.work_id, pp.seq COLLATE "C"`,
      people.values,
    ),
    db.query<{ fact_type: string; fact_id: string; kind: FactNote['kind']; note: string; event_id: string; replacement_id: string | null; other_work_id: string | null; subject_label: string | null }>(
      `SELECT pn.fact_type, pn.fact_id, pn.kind, pn.note, pn.event_id, pn.replacement_id, pn.other_work_id,
              CASE pn.fact_type
                WHEN 'company-credit' THEN (SELECT coalesce(o.primary_name, x.organization_id) || ' (' || x.role || ')'
                  FROM ${everVersion(options, PROJECT_COMPANIES, 'x', notes.add)} LEFT JOIN ${notes.from(ORGANIZATION_NAMES, 'o')} ON o.organization_id = x.organization_id
                  WHERE x.work_id = pn.work_id AND x.credit_id = pn.fact_id ORDER BY x.valid_from DESC LIMIT 1)
                WHEN 'talent-attachment' THEN (SELECT coalesce(n.primary_name, x.person_id) || ' (' || x.role || ')'
                  FROM ${everVersion(options, PROJECT_PEOPLE, 'x', notes.add)} LEFT JOIN ${notes.from(PERSON_NAMES, 'n')} ON n.person_id = x.person_id
                  WHERE x.work_id = pn.work_id AND x.attachment_id = pn.fact_id ORDER BY x.valid_from DESC LIMIT 1)
              END AS subject_label
       FROM ${notes.from(PROJECT_NOTES, 'pn')}
       WHERE pn.work_id = ${notes.add(workId)} ORDER BY pn.seq COLLATE "C"`,
      notes.values,
    ),
    row.original_work_id
      ? // an original merged into another work is shown as the work that stayed
        originalWorkOf(db, original, row.original_work_id)
      : Promise.resolve({ rows: [] as { work_id: string; primary_title: string | null; merged_from: string | null }[] }),
    db.query<{ work_id: string; primary_title: string | null; first_release: FirstRelease; latest_milestone: StatusMilestone | null }>(
      `SELECT d.work_id, d.primary_title, d.first_release, d.latest_milestone FROM ${duplicates.from(PROJECT_STATUS, 'd')} WHERE d.merged_into = ${duplicates.add(workId)} ORDER BY d.work_id`,
      duplicates.values,
    ),
  ]);
  const statedOn = (factWorkId: string) => (factWorkId !== workId ? factWorkId : null);
  const namedCompanies = companyRows.rows.map((c) => ({
    ...present({ creditId: c.credit_id, organizationId: c.org_id, role: c.role, country: c.country, territory: c.territory, from: c.from_date, to: c.to_date, mergedFrom: c.org_merged_from, workMergedFrom: statedOn(c.work_id) }),
    standing: c.standing ?? DEFAULT_FACT_STANDING,
    name: c.org_name,
  })) as NamedCompany[];
  const namedPeople = personRows.rows.map((p) => ({
    ...present({ attachmentId: p.attachment_id, personId: p.person_id, role: p.role, character: p.character, billing: p.billing, attachedAt: p.attached_at, mergedFrom: p.person_merged_from, workMergedFrom: statedOn(p.work_id) }),
    standing: p.standing ?? DEFAULT_FACT_STANDING,
    name: p.person_name,
  })) as NamedPerson[];
  return {
    workId: row.work_id,
    streamVersion: row.stream_version ?? 0,
    primaryTitle: row.primary_title === null ? null : { text: row.primary_title, language: row.primary_title_language },
    titles: row.titles,
    kind: row.kind,
    originalLanguage: row.original_language,
    originalWork:
      row.original_work_id && row.original_relation
        ? {
            workId: originalRows.rows[0]?.work_id ?? row.original_work_id,
            relation: row.original_relation,
            primaryTitle: originalRows.rows[0]?.primary_title ?? null,
            ...(originalRows.rows[0]?.merged_from ? { mergedFrom: originalRows.rows[0].merged_from } : {}),
          }
        : null,
    status: row.status,
    statusSince: partialDateOf(row.status_since, row.status_since_precision),
    countries: row.countries,
    productionYear: row.production_year,
    externalIds: row.external_ids,
    companiesByRole: groupBy(namedCompanies.filter((c) => c.standing !== 'denied')),
    peopleByRole: groupBy(namedPeople.filter((p) => p.standing !== 'denied')),
    latestMilestone: latestMilestoneWithDuplicates(row.latest_milestone, duplicateRows.rows),
    developmentStart: partialDateOf(row.development_start, row.development_start_precision),
    inDevelopment: row.in_development,
    developmentEnd: developmentEndOf(row),
    developmentYears: developmentYearsOf(row, options?.now ?? new Date()),
    firstRelease: firstReleaseWithDuplicates(row.first_release, duplicateRows.rows),
    withdrawn: row.withdrawn ? { note: row.withdrawn_note } : null,
    standing: row.standing ?? DEFAULT_FACT_STANDING,
    denied: { companies: namedCompanies.filter((c) => c.standing === 'denied'), people: namedPeople.filter((p) => p.standing === 'denied') },
    notes: noteRows.rows.map((n) => ({
      ...(present({ factType: n.fact_type, factId: n.fact_id, kind: n.kind, note: n.note, eventId: n.event_id, replacementId: n.replacement_id, workId: n.other_work_id }) as FactNote),
      factLabel: factLabel(n.fact_type, n.fact_id, n.subject_label, row.known_titles),
    })),
    mergedWorks: duplicateRows.rows.map((d) => ({ workId: d.work_id, primaryTitle: d.primary_title })),
  };
}

/** The latest milestone of the work and of the duplicates merged into it; the work's own wins a tie. */
function latestMilestoneWithDuplicates(own: StatusMilestone | null, duplicates: readonly { work_id: string; latest_milestone: StatusMilestone | null }[]): ProjectStatus['latestMilestone'] {
  let latest: ProjectStatus['latestMilestone'] = own;
  for (const d of duplicates) {
    if (d.latest_milestone && (!latest || sortKeyOf(d.latest_milestone.date) > sortKeyOf(latest.date))) latest = { ...d.latest_milestone, workMergedFrom: d.work_id };
  }
  return latest;
}

/**
 * The earliest first release of the work and of the duplicates merged into it (each card's own is its earliest current
 * release not cancelled); the work's own wins a tie. One of a duplicate's says `workMergedFrom`.
 */
function firstReleaseWithDuplicates(own: FirstRelease, duplicates: readonly { work_id: string; first_release: FirstRelease }[]): FirstRelease {
  let first = own;
  for (const d of duplicates) {
    if (d.first_release && (!first || sortKeyOf(d.first_release.date) < sortKeyOf(first.date))) first = { ...d.first_release, workMergedFrom: d.work_id };
  }
  return first;
}

/** A live work with a title close to one being registered: perhaps the same film registered twice. */
export interface WorkDuplicateCandidate {
  id: string;
  primaryTitle: string | null;
  /** Its title closest to one of the given titles, and pg_trgm's similarity of the two search keys (0–1). */
  matchedTitle: string;
  similarity: number;
}

/** What tells two works with the same title apart: a remake shares its original's title, rarely its language and year. */
export interface WorkIdentity {
  kind: string;
  originalLanguage: string;
  productionYear?: number;
}

/**
 * The live works (not withdrawn, not merged) of the same kind and original language, with a production year equal to
 * the given one or not known on either side, whose current titles (primary or alternate) closely match one of
 * `titles` — the same search keys and threshold as the people's and companies' duplicate check, most similar first.
 * A remake in another language (the Hollywood version of a Korean film) or of another year (a same-language remake)
 * is not a candidate. Reads the current cards: advisory, as they trail the log.
 */
export async function findLikelyDuplicateWorks(db: SearchDb, identity: WorkIdentity, titles: readonly string[], limit = 10): Promise<WorkDuplicateCandidate[]> {
  const texts = [...new Set(titles.filter((title) => typeof title === 'string' && title.trim() !== ''))].slice(0, 20);
  if (texts.length === 0) return [];
  const q = new QueryParams();
  const keys = texts.map((text) => `public.search_key(${q.add(text)})`);
  const found = keys.map((key) => `SELECT s.work_id AS id FROM ${q.from(PROJECT_STATUS, 's')} WHERE ${key} <% public.names_search_key(s.titles)`).join(' UNION ');
  const year = identity.productionYear === undefined ? 'NULL' : `${q.add(identity.productionYear)}::integer`;
  const sql = `SELECT c.work_id AS id, c.primary_title, best.text, best.similarity
                 FROM (${found}) f JOIN ${q.from(PROJECT_STATUS, 'c')} ON c.work_id = f.id
                 CROSS JOIN LATERAL (
                   SELECT e.title ->> 'text' AS text, similarity(g.key, public.search_key(e.title ->> 'text'))::float8 AS similarity
                     FROM jsonb_array_elements(c.titles) AS e(title), unnest(ARRAY[${keys.join(', ')}]) AS g(key)
                    ORDER BY 2 DESC LIMIT 1) best
                WHERE NOT c.withdrawn AND c.merged_into IS NULL
                  AND c.kind = ${q.add(identity.kind)} AND c.original_language = ${q.add(identity.originalLanguage)}
                  AND (c.production_year IS NULL OR ${year} IS NULL OR c.production_year = ${year})
                  AND best.similarity >= ${q.add(WORK_DUPLICATE_SIMILARITY_THRESHOLD)}
                ORDER BY best.similarity DESC, c.work_id LIMIT ${q.add(limit)}`;
  const rows = await queryWithWordSimilarity<{ id: string; primary_title: string | null; text: string; similarity: number }>(db, sql, q.values);
  return rows.map((row) => ({ id: row.id, primaryTitle: row.primary_title, matchedTitle: row.text, similarity: Math.round(Number(row.similarity) * 1000) / 1000 }));
}

/** The same bar as names (DUPLICATE_SIMILARITY_THRESHOLD). */
export const WORK_DUPLICATE_SIMILARITY_THRESHOLD = 0.5;
