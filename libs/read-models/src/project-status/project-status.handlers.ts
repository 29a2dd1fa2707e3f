/**
 * The project status card on the projection engine. The old card (project-status.rows.ts) was one row per work with
 * lists that grow with history; here no row grows with history:
 *
 * - `project_status` (key 'card'): the card's scalar columns, plus small hidden state: every title ever stated with
 *   its standing (`known_titles`, a handful per work) and which fact each aggregate column shows (`status_ref`,
 *   `development_start_ref`, `original_ref`), so adding a fact is compared with the card in O(1).
 * - `project_companies` (key creditId) / `project_people` (key attachmentId): the current credits and the current,
 *   not detached attachments (for the card and `/projects?companyId=` / `?personId=`).
 * - `project_notes` (one row per note): every note workNotes() lists, with `seq` reproducing its order.
 * - hidden `project_dated_facts` (key `${factType}:${id}`): every status change, milestone and relation ever stated,
 *   with its standing and what the aggregates need. Read by key, and listed whole (a second read, `moreReads`) only by
 *   a fix (correction or retraction) of the fact an aggregate of the card shows, when the replacement, if any, does not
 *   take its place: a fix of any other fact reads O(1) rows, however long the work's history.
 * - hidden `project_current_releases` (key 'releases'): the work's current releases (bounded by its current facts of
 *   one kind, like titles), so a release move/cancellation recomputes the first release without listing history.
 * - hidden `project_set_aside` (key `${factType}:${id}`): credits, attachments and releases no longer on the card
 *   (corrected, moved out, retracted; attachments also when detached): their order and standing, for the notes and
 *   for fixes of already fixed facts.
 *
 * Every handler mirrors what libs/domain's evolveWork does to the state and what projectStatusRows then shows,
 * including the edge cases the domain refuses but evolve folds (a fix of an already deprecated fact).
 */
import type { PartialDate } from '../../../contracts/src/envelope.js';
import type { WorkEventDataMap, WorkFactRef } from '../../../contracts/src/events/work.events.js';
import { close, put, required, type EventHandler, type HandlersFor, type ProjectedEvent, type Projection, type Row, type RowChange, type RowReads, type StreamRows, type TableSpec } from '../engine/projection.js';
import { DEFAULT_FACT_STANDING } from '../../../contracts/src/vocabulary.js';
import { sortKeyOf } from '../shared/dates.js';
import type { FactNote } from '../shared/notes.js';
import { DEVELOPMENT_ENDED, ORIGINAL_RELATIONS, type StatusCompany, type StatusMilestone, type StatusPerson, type StatusTitle } from './project-status.types.js';

// ---- tables ----------------------------------------------------------------------------------------------------

export const PROJECT_STATUS: TableSpec = {
  name: 'project_status',
  columns: {
    work_id: 'text',
    primary_title: 'text',
    primary_title_language: 'text',
    titles: 'jsonb',
    titles_search: 'text',
    kind: 'text',
    original_language: 'text',
    original_work_id: 'text',
    original_relation: 'text',
    status: 'text',
    status_since: 'text',
    status_since_precision: 'text',
    status_since_start: 'date',
    countries: 'text[]',
    production_year: 'integer',
    external_ids: 'jsonb',
    latest_milestone: 'jsonb',
    development_start: 'text',
    development_start_precision: 'text',
    development_start_start: 'date',
    in_development: 'boolean',
    first_release: 'jsonb',
    withdrawn: 'boolean',
    withdrawn_note: 'text',
    merged_into: 'text',
    /** How sure the project itself is (the 'work' fact): rumored, reported, confirmed, denied. */
    standing: 'text',
    // hidden state
    known_titles: 'jsonb',
    status_ref: 'jsonb',
    development_start_ref: 'jsonb',
    original_ref: 'jsonb',
  },
};

export const PROJECT_COMPANIES: TableSpec = {
  name: 'project_companies',
  columns: {
    work_id: 'text',
    credit_id: 'text',
    organization_id: 'text',
    role: 'text',
    country: 'text',
    territory: 'text',
    from_date: 'jsonb',
    to_date: 'jsonb',
    /** The card's order (the stating event's stream version, zero-padded). */
    seq: 'text',
    /** How sure the credit is; a denied one is kept but not listed as current. */
    standing: 'text',
  },
};

export const PROJECT_PEOPLE: TableSpec = {
  name: 'project_people',
  columns: {
    work_id: 'text',
    attachment_id: 'text',
    person_id: 'text',
    role: 'text',
    character: 'text',
    billing: 'text',
    attached_at: 'jsonb',
    seq: 'text',
    /** How sure the attachment is; a denied one is kept but not listed as current. */
    standing: 'text',
  },
};

export const PROJECT_NOTES: TableSpec = {
  name: 'project_notes',
  columns: {
    work_id: 'text',
    /** The order workNotes() lists notes in (compare with COLLATE "C"). */
    seq: 'text',
    fact_type: 'text',
    fact_id: 'text',
    kind: 'text',
    note: 'text',
    event_id: 'text',
    replacement_id: 'text',
    /** The other work of a move (FactNote.workId). */
    other_work_id: 'text',
  },
};

/** Hidden: every status change, milestone and relation ever stated, with its standing. */
export const PROJECT_DATED_FACTS: TableSpec = {
  name: 'project_dated_facts',
  keepsHistory: false,
  columns: {
    work_id: 'text',
    fact_type: 'text',
    fact_id: 'text',
    /** Order among the work's facts of this type (status changes: the domain's statusHistory order). */
    seq: 'text',
    current: 'boolean',
    value: 'jsonb',
  },
};

/** Hidden: the work's current releases, in the order the domain lists them (one row per work). */
export const PROJECT_CURRENT_RELEASES: TableSpec = {
  name: 'project_current_releases',
  keepsHistory: false,
  columns: { work_id: 'text', releases: 'jsonb' },
};

/** Hidden: credits, attachments and releases that are no longer on the card, with their order and standing. */
export const PROJECT_SET_ASIDE: TableSpec = {
  name: 'project_set_aside',
  keepsHistory: false,
  columns: { work_id: 'text', fact_type: 'text', fact_id: 'text', seq: 'text', current: 'boolean', detached: 'boolean' },
};

export const PROJECT_STATUS_TABLES: readonly TableSpec[] = [PROJECT_STATUS, PROJECT_COMPANIES, PROJECT_PEOPLE, PROJECT_NOTES, PROJECT_DATED_FACTS, PROJECT_CURRENT_RELEASES, PROJECT_SET_ASIDE];

/** Columns of the card the queries show (the others are the handlers' hidden state). */
export const PROJECT_STATUS_HIDDEN_COLUMNS = ['known_titles', 'status_ref', 'development_start_ref', 'original_ref'] as const;

const CARD = 'card';
const RELEASES = 'releases';
const STATUS = PROJECT_STATUS.name;
const COMPANIES = PROJECT_COMPANIES.name;
const PEOPLE = PROJECT_PEOPLE.name;
const NOTES = PROJECT_NOTES.name;
const DATED = PROJECT_DATED_FACTS.name;
const CURRENT_RELEASES = PROJECT_CURRENT_RELEASES.name;
const SET_ASIDE = PROJECT_SET_ASIDE.name;

// ---- orders ----------------------------------------------------------------------------------------------------

const pad = (n: number) => String(n).padStart(10, '0');
/** Order of a fact stated by the event at `version` (facts are appended in the order they are stated). */
const seqOf = (version: number) => pad(version);
/**
 * Order of a status change's replacement: right after the corrected change (`old`), before anything after it, and —
 * as evolve inserts a later replacement of the same change right after it too — before earlier replacements of it.
 */
const replacementSeq = (old: string, version: number) => `${old}.${pad(9_999_999_999 - version)}`;

// ---- card state ------------------------------------------------------------------------------------------------

interface KnownTitle {
  titleId: string;
  text: string;
  language: string;
  class: string;
  territory?: string;
  primary: boolean;
  current: boolean;
}

interface StatusRef {
  id: string;
  seq: string;
  to: string;
  effective: PartialDate | null;
}

/** A development-start candidate: group 0 milestones, group 1 moves into in-development (the reference's tie order). */
interface DevelopmentRef {
  factType: 'milestone' | 'status-change';
  id: string;
  group: 0 | 1;
  seq: string;
  date: PartialDate;
}

interface OriginalRef {
  id: string;
  relation: string;
  targetWorkId: string;
}

interface FirstRelease {
  releaseId: string;
  territory: string;
  date: PartialDate;
  type: string;
  status: string;
}

interface Card {
  workId: string;
  kind: string | null;
  originalLanguage: string | null;
  countries: string[];
  productionYear: number | null;
  externalIds: Record<string, string>;
  knownTitles: KnownTitle[];
  status: StatusRef | null;
  latestMilestone: StatusMilestone | null;
  developmentStart: DevelopmentRef | null;
  original: OriginalRef | null;
  firstRelease: FirstRelease | null;
  withdrawn: { note: string | null } | null;
  /** The work this one was merged into as its duplicate: lists hide it, reads of it redirect. */
  mergedInto: string | null;
  standing: string;
}

function cardOf(row: Row): Card {
  return {
    workId: row.work_id as string,
    kind: (row.kind as string | null) ?? null,
    originalLanguage: (row.original_language as string | null) ?? null,
    countries: (row.countries as string[] | null) ?? [],
    productionYear: (row.production_year as number | null) ?? null,
    externalIds: (row.external_ids as Record<string, string> | null) ?? {},
    knownTitles: (row.known_titles as KnownTitle[] | null) ?? [],
    status: (row.status_ref as StatusRef | null) ?? null,
    latestMilestone: (row.latest_milestone as StatusMilestone | null) ?? null,
    developmentStart: (row.development_start_ref as DevelopmentRef | null) ?? null,
    original: (row.original_ref as OriginalRef | null) ?? null,
    firstRelease: (row.first_release as FirstRelease | null) ?? null,
    withdrawn: row.withdrawn ? { note: (row.withdrawn_note as string | null) ?? null } : null,
    mergedInto: (row.merged_into as string | null) ?? null,
    standing: (row.standing as string | null) ?? DEFAULT_FACT_STANDING,
  };
}

const statusTitle = (t: KnownTitle): StatusTitle => ({ titleId: t.titleId, text: t.text, language: t.language, class: t.class, ...(t.territory ? { territory: t.territory } : {}), primary: t.primary });

/** The card row: what projectStatusRows shows, derived from the card state, and the hidden state itself. */
function cardRow(card: Card): Row {
  const titles = card.knownTitles.filter((t) => t.current).map(statusTitle);
  const primary = titles.find((t) => t.primary) ?? titles[0];
  const status = card.status?.to ?? null;
  const since = card.status?.effective ?? null;
  const development = card.developmentStart?.date ?? null;
  return {
    work_id: card.workId,
    primary_title: primary?.text ?? null,
    primary_title_language: primary?.language ?? null,
    titles,
    titles_search: titles.map((t) => t.text.toLowerCase()).join('\n'),
    kind: card.kind,
    original_language: card.originalLanguage,
    original_work_id: card.original?.targetWorkId ?? null,
    original_relation: card.original?.relation ?? null,
    status,
    status_since: since?.date ?? null,
    status_since_precision: since?.precision ?? null,
    status_since_start: since ? sortKeyOf(since) : null,
    countries: card.countries,
    production_year: card.productionYear,
    external_ids: card.externalIds,
    latest_milestone: card.latestMilestone,
    development_start: development?.date ?? null,
    development_start_precision: development?.precision ?? null,
    development_start_start: development ? sortKeyOf(development) : null,
    in_development: status !== null && !(DEVELOPMENT_ENDED as readonly string[]).includes(status) && !card.withdrawn,
    first_release: card.firstRelease,
    withdrawn: card.withdrawn !== null,
    withdrawn_note: card.withdrawn?.note ?? null,
    merged_into: card.mergedInto,
    standing: card.standing,
    known_titles: card.knownTitles,
    status_ref: card.status,
    development_start_ref: card.developmentStart,
    original_ref: card.original,
  };
}

const putCard = (card: Card): RowChange => put(STATUS, CARD, cardRow(card));

// ---- aggregate comparisons ------------------------------------------------------------------------------------

const DEVELOPMENT_MILESTONES = ['development-start', 'rights-acquired'];

/** Whether development-start candidate `a` comes before `b` in the reference's earliest(): date, then milestones first, then list order. */
function earlierStart(a: DevelopmentRef, b: DevelopmentRef | null): boolean {
  if (!b) return true;
  const [ka, kb] = [sortKeyOf(a.date), sortKeyOf(b.date)];
  if (ka !== kb) return ka < kb;
  if (a.group !== b.group) return a.group < b.group;
  return a.seq < b.seq;
}

/** Whether milestone `m` (stated after `shown`) becomes the latest: the reference keeps the last of the latest dates. */
const laterMilestone = (date: PartialDate, shown: StatusMilestone | null) => !shown || sortKeyOf(date) >= sortKeyOf(shown.date);

// ---- hidden rows -----------------------------------------------------------------------------------------------

type DatedType = 'status-change' | 'milestone' | 'relation';

interface StatusChangeValue {
  to: string;
  effective: PartialDate | null;
}
interface MilestoneValue {
  label: string;
  kind: string;
  date: PartialDate;
}
interface RelationValue {
  relation: string;
  targetWorkId: string;
}

interface DatedFact {
  work_id: string;
  fact_type: DatedType;
  fact_id: string;
  seq: string;
  current: boolean;
  value: StatusChangeValue | MilestoneValue | RelationValue;
}

const datedKey = (type: DatedType, id: string) => `${type}:${id}`;
const putDated = (fact: DatedFact): RowChange => put(DATED, datedKey(fact.fact_type, fact.fact_id), fact as unknown as Row);
const datedOf = (rows: StreamRows, type: DatedType, id: string) => rows.get(DATED, datedKey(type, id)) as DatedFact | undefined;

type SetAsideType = 'company-credit' | 'talent-attachment' | 'release';
interface SetAside {
  work_id: string;
  fact_type: SetAsideType;
  fact_id: string;
  seq: string;
  current: boolean;
  detached: boolean;
}
const asideKey = (type: SetAsideType, id: string) => `${type}:${id}`;
const asideOf = (rows: StreamRows, type: SetAsideType, id: string) => rows.get(SET_ASIDE, asideKey(type, id)) as SetAside | undefined;
const putAside = (fact: SetAside): RowChange => put(SET_ASIDE, asideKey(fact.fact_type, fact.fact_id), fact as unknown as Row);

interface CurrentRelease extends FirstRelease {
  seq: string;
}
const releasesOf = (rows: StreamRows) => ((rows.get(CURRENT_RELEASES, RELEASES)?.releases as CurrentRelease[] | undefined) ?? []);
const putReleases = (workId: string, releases: readonly CurrentRelease[]): RowChange => put(CURRENT_RELEASES, RELEASES, { work_id: workId, releases });

/** The earliest current release that is not cancelled (the first listed on a tie), as the reference picks it. */
function firstReleaseOf(releases: readonly CurrentRelease[]): FirstRelease | null {
  let first: CurrentRelease | undefined;
  for (const r of releases) if (r.status !== 'cancelled' && (!first || sortKeyOf(r.date) < sortKeyOf(first.date))) first = r;
  return first ? { releaseId: first.releaseId, territory: first.territory, date: first.date, type: first.type, status: first.status } : null;
}

// ---- notes -----------------------------------------------------------------------------------------------------

/** The fact groups in workNotes()'s order. */
const NOTE_GROUP = {
  'details-corrected': 0,
  'work-clarified': 1,
  withdrawn: 2,
  title: 3,
  relation: 4,
  'status-change': 5,
  'company-credit': 6,
  'talent-attachment': 7,
  release: 8,
  milestone: 9,
} as const;
/** notesOfFact()'s order within a fact. */
const NOTE_RANK = { superseded: 0, retracted: 1, 'moved-in': 2, clarified: 3 } as const;

type FactNoteKind = 'corrected' | 'moved-out' | 'retracted' | 'moved-in' | 'clarified';

interface NoteRow {
  work_id: string;
  seq: string;
  fact_type: string;
  fact_id: string;
  kind: string;
  note: string | null;
  event_id: string;
  replacement_id: string | null;
  other_work_id: string | null;
}

/**
 * A note on a fact. A fact has one correction/move note and one retraction note (a later one replaces it, as the
 * domain overwrites supersededBy / retracted), one moved-in note, and every clarification.
 */
function factNote(
  event: ProjectedEvent,
  workId: string,
  fact: { type: keyof typeof NOTE_GROUP; id: string; seq: string },
  kind: FactNoteKind,
  note: string | undefined,
  extra: { replacementId?: string; otherWorkId?: string } = {},
): RowChange {
  const slot = kind === 'corrected' || kind === 'moved-out' ? 'superseded' : kind;
  const key = slot === 'clarified' ? clarifiedKey(fact.type, fact.id, event.eventId) : noteKey(slot, fact.type, fact.id);
  const row: NoteRow = {
    work_id: workId,
    seq: `${NOTE_GROUP[fact.type]} ${fact.seq} ${NOTE_RANK[slot]} ${slot === 'clarified' ? pad(event.streamVersion) : ''}`,
    fact_type: fact.type,
    fact_id: fact.id,
    kind,
    note: note ?? null,
    event_id: event.eventId,
    replacement_id: extra.replacementId ?? null,
    other_work_id: extra.otherWorkId ?? null,
  };
  return put(NOTES, key, row as unknown as Row);
}

type NoteSlot = 'superseded' | 'retracted' | 'moved-in';
/** The key of a fact's correction/move note, retraction note or moved-in note (one each: a later one replaces it). */
const noteKey = (slot: NoteSlot, type: string, id: string) => `${slot}:${type}:${id}`;
const WITHDRAWN_NOTE = 'withdrawn:work';
/** Notes that are never replaced (every clarification, every details correction) are keyed by their event. */
const clarifiedKey = (type: string, id: string, eventId: string) => `clarified:${type}:${id}:${eventId}`;
const workNoteKey = (kind: 'details-corrected' | 'clarified', eventId: string) => `${kind}:work:${eventId}`;
/** Reads of a note row the event may replace (every key a handler puts must be declared, or the engine cannot close the open version). */
const noteRead = (slot: NoteSlot, type: string, id: string) => [NOTES, noteKey(slot, type, id)] as const;

/** A note on the work itself: a details correction, a clarification of the work, its withdrawal (the last one stands). */
function workNote(event: ProjectedEvent, workId: string, kind: 'details-corrected' | 'clarified' | 'withdrawn', note: string | undefined): RowChange {
  const group = kind === 'clarified' ? NOTE_GROUP['work-clarified'] : NOTE_GROUP[kind];
  const row: NoteRow = {
    work_id: workId,
    seq: `${group} ${kind === 'withdrawn' ? '' : pad(event.streamVersion)}`,
    fact_type: 'work',
    fact_id: workId,
    kind,
    note: note ?? null,
    event_id: event.eventId,
    replacement_id: null,
    other_work_id: null,
  };
  return put(NOTES, kind === 'withdrawn' ? WITHDRAWN_NOTE : workNoteKey(kind, event.eventId), row as unknown as Row);
}

/** The note rows in the order workNotes() lists them, as FactNotes. */
export function notesInOrder(rows: readonly Row[]): FactNote[] {
  return [...rows]
    .sort((a, b) => ((a.seq as string) < (b.seq as string) ? -1 : (a.seq as string) > (b.seq as string) ? 1 : 0))
    .map((r) => ({
      factType: r.fact_type as string,
      factId: r.fact_id as string,
      kind: r.kind as FactNote['kind'],
      ...(r.note !== null && r.note !== undefined ? { note: r.note as string } : {}),
      eventId: r.event_id as string,
      ...(r.replacement_id ? { replacementId: r.replacement_id as string } : {}),
      ...(r.other_work_id ? { workId: r.other_work_id as string } : {}),
    })) as FactNote[];
}

// ---- credits and attachments -----------------------------------------------------------------------------------

interface CreditValue {
  organizationId: string;
  role: string;
  country?: string;
  territory?: string;
  from?: PartialDate;
  to?: PartialDate;
  standing?: string;
}

const companyRow = (workId: string, creditId: string, c: CreditValue, seq: string): Row => ({
  work_id: workId,
  credit_id: creditId,
  organization_id: c.organizationId,
  role: c.role,
  country: c.country || null,
  territory: c.territory || null,
  from_date: c.from ?? null,
  to_date: c.to ?? null,
  seq,
  standing: c.standing ?? DEFAULT_FACT_STANDING,
});

interface AttachmentValue {
  personId: string;
  role: string;
  character?: string;
  billing?: string;
  attachedAt?: PartialDate;
  standing?: string;
}

const personRow = (workId: string, attachmentId: string, a: AttachmentValue, seq: string): Row => ({
  work_id: workId,
  attachment_id: attachmentId,
  person_id: a.personId,
  role: a.role,
  character: a.character || null,
  billing: a.billing || null,
  attached_at: a.attachedAt ?? null,
  seq,
  standing: a.standing ?? DEFAULT_FACT_STANDING,
});

/** The card's companies, in its order. */
export function companiesInOrder(rows: readonly Row[]): StatusCompany[] {
  return bySeq(rows).map((r) => ({
    creditId: r.credit_id as string,
    organizationId: r.organization_id as string,
    role: r.role as string,
    ...(r.country ? { country: r.country as string } : {}),
    ...(r.territory ? { territory: r.territory as string } : {}),
    ...(r.from_date ? { from: r.from_date as PartialDate } : {}),
    ...(r.to_date ? { to: r.to_date as PartialDate } : {}),
    standing: (r.standing as string | null) ?? DEFAULT_FACT_STANDING,
  }));
}

/** The card's people, in its order. */
export function peopleInOrder(rows: readonly Row[]): StatusPerson[] {
  return bySeq(rows).map((r) => ({
    attachmentId: r.attachment_id as string,
    personId: r.person_id as string,
    role: r.role as string,
    ...(r.character ? { character: r.character as string } : {}),
    ...(r.billing ? { billing: r.billing as string } : {}),
    ...(r.attached_at ? { attachedAt: r.attached_at as PartialDate } : {}),
    standing: (r.standing as string | null) ?? DEFAULT_FACT_STANDING,
  }));
}

const bySeq = (rows: readonly Row[]) => [...rows].sort((a, b) => ((a.seq as string) < (b.seq as string) ? -1 : (a.seq as string) > (b.seq as string) ? 1 : 0));

/**
 * Where a credit or attachment stands: on the card (its row), set aside (deprecated, or detached), or unknown to the
 * work. Found by key, set aside first: a fact set aside never comes back to the card (every event that closes a card
 * row puts the fact's set-aside row).
 */
interface Standing {
  seq: string;
  onCard: boolean;
  current: boolean;
  detached: boolean;
}

function creditStanding(rows: StreamRows, id: string): Standing | undefined {
  const aside = asideOf(rows, 'company-credit', id);
  if (aside) return { seq: aside.seq, onCard: false, current: aside.current, detached: false };
  const row = rows.get(COMPANIES, id);
  return row && { seq: row.seq as string, onCard: true, current: true, detached: false };
}

function attachmentStanding(rows: StreamRows, id: string): Standing | undefined {
  const aside = asideOf(rows, 'talent-attachment', id);
  if (aside) return { seq: aside.seq, onCard: false, current: aside.current, detached: aside.detached };
  const row = rows.get(PEOPLE, id);
  return row && { seq: row.seq as string, onCard: true, current: true, detached: false };
}

type Key = readonly [table: string, key: string];
const creditKeys = (id: string): Key[] => [[COMPANIES, id], [SET_ASIDE, asideKey('company-credit', id)]];
const attachmentKeys = (id: string): Key[] => [[PEOPLE, id], [SET_ASIDE, asideKey('talent-attachment', id)]];
const releaseKeys = (id: string): Key[] => [[STATUS, CARD], [CURRENT_RELEASES, RELEASES], [SET_ASIDE, asideKey('release', id)]];
const keys = (...list: Key[]): RowReads => ({ keys: list });

/** A credit or attachment leaves the card (corrected, moved out, retracted): its row closes, its standing is set aside. */
function deprecateOnCard(workId: string, table: string, type: 'company-credit' | 'talent-attachment', id: string, standing: Standing): RowChange[] {
  return [...(standing.onCard ? [close(table, id)] : []), putAside({ work_id: workId, fact_type: type, fact_id: id, seq: standing.seq, current: false, detached: standing.detached })];
}

// ---- recomputing the aggregates of dated facts -------------------------------------------------------------------

/**
 * The aggregates over the work's dated facts, from all of them (listed: only when the fact the card shows was removed
 * and the replacement, if any, does not take its place, as the handler's moreReads said). `changed` are this event's
 * puts, applied over the list.
 */
function recompute(rows: StreamRows, changed: readonly DatedFact[]) {
  const facts = new Map<string, DatedFact>(rows.list(DATED).map(([key, row]) => [key, row as unknown as DatedFact]));
  for (const fact of changed) facts.set(datedKey(fact.fact_type, fact.fact_id), fact);
  let status: DatedFact | undefined;
  let milestone: DatedFact | undefined;
  let development: DevelopmentRef | null = null;
  let original: DatedFact | undefined;
  for (const fact of facts.values()) {
    if (!fact.current) continue;
    if (fact.fact_type === 'status-change') {
      const value = fact.value as StatusChangeValue;
      if (!status || fact.seq > status.seq) status = fact;
      if (value.to === 'in-development' && value.effective) {
        const candidate: DevelopmentRef = { factType: 'status-change', id: fact.fact_id, group: 1, seq: fact.seq, date: value.effective };
        if (earlierStart(candidate, development)) development = candidate;
      }
    } else if (fact.fact_type === 'milestone') {
      const value = fact.value as MilestoneValue;
      const shown = milestone?.value as MilestoneValue | undefined;
      if (!milestone || sortKeyOf(value.date) > sortKeyOf(shown!.date) || (sortKeyOf(value.date) === sortKeyOf(shown!.date) && fact.seq > milestone.seq)) milestone = fact;
      if (DEVELOPMENT_MILESTONES.includes(value.kind)) {
        const candidate: DevelopmentRef = { factType: 'milestone', id: fact.fact_id, group: 0, seq: fact.seq, date: value.date };
        if (earlierStart(candidate, development)) development = candidate;
      }
    } else if ((ORIGINAL_RELATIONS as readonly string[]).includes((fact.value as RelationValue).relation)) {
      if (!original || fact.seq < original.seq) original = fact;
    }
  }
  return {
    status: status ? statusRef(status) : null,
    latestMilestone: milestone ? milestoneOf(milestone) : null,
    developmentStart: development,
    original: original ? originalRef(original) : null,
  };
}

const statusRef = (fact: DatedFact): StatusRef => {
  const value = fact.value as StatusChangeValue;
  return { id: fact.fact_id, seq: fact.seq, to: value.to, effective: value.effective };
};
const milestoneOf = (fact: DatedFact): StatusMilestone => {
  const value = fact.value as MilestoneValue;
  return { milestoneId: fact.fact_id, label: value.label, kind: value.kind, date: value.date };
};
const originalRef = (fact: DatedFact): OriginalRef => {
  const value = fact.value as RelationValue;
  return { id: fact.fact_id, relation: value.relation, targetWorkId: value.targetWorkId };
};
const isOriginal = (relation: string) => (ORIGINAL_RELATIONS as readonly string[]).includes(relation);

const statusCandidate = (fact: DatedFact): DevelopmentRef | null => {
  const value = fact.value as StatusChangeValue;
  return value.to === 'in-development' && value.effective ? { factType: 'status-change', id: fact.fact_id, group: 1, seq: fact.seq, date: value.effective } : null;
};
const milestoneCandidate = (fact: DatedFact): DevelopmentRef | null => {
  const value = fact.value as MilestoneValue;
  return DEVELOPMENT_MILESTONES.includes(value.kind) ? { factType: 'milestone', id: fact.fact_id, group: 0, seq: fact.seq, date: value.date } : null;
};

// ---- handlers --------------------------------------------------------------------------------------------------

type Work<K extends keyof WorkEventDataMap> = ProjectedEvent<K, WorkEventDataMap[K]>;

const cardReads: RowReads = { keys: [[STATUS, CARD]] };
const readCard = (rows: StreamRows, event: ProjectedEvent) => cardOf(required(rows, STATUS, CARD, event));

// ---- when a fix of a dated fact lists the dated facts ----------------------------------------------------------
// apply recomputes an aggregate from every dated fact exactly when one of these says so, and moreReads loads the
// table exactly then: a fix of a fact no aggregate shows reads its own few rows only.

const LIST_DATED: RowReads = { tables: [DATED] };

/**
 * A handler's moreReads: the work's dated facts when `lists` (given the card) says apply recomputes from them. It does
 * not throw: without a card, or with a value `lists` cannot read, it reads nothing more (apply, which computes the
 * same, then refuses the event).
 */
function listDatedWhen<E extends ProjectedEvent>(lists: (card: Card, event: E, rows: StreamRows) => boolean): (event: E, rows: StreamRows) => RowReads {
  return (event, rows) => {
    try {
      const row = rows.get(STATUS, CARD);
      return row && lists(cardOf(row), event, rows) ? LIST_DATED : {};
    } catch {
      return {};
    }
  };
}

const isDatedType = (type: string): type is DatedType => type === 'relation' || type === 'status-change' || type === 'milestone';
const showsStart = (card: Card, type: 'status-change' | 'milestone', id: string) => card.developmentStart?.factType === type && card.developmentStart.id === id;

/** A relation correction: the corrected relation is the original the card shows (the first current one is recomputed). */
const relationFixLists = (card: Card, relationId: string) => card.original?.id === relationId;

/**
 * A status-change correction: the corrected change is the development start and its replacement is no start as early
 * (it sits where the corrected change did, so it keeps the place on a tie). The status itself never needs the list.
 */
function statusFixLists(card: Card, statusChangeId: string, replacement: DatedFact): boolean {
  if (!showsStart(card, 'status-change', statusChangeId)) return false;
  const candidate = statusCandidate(replacement);
  return !(candidate && sortKeyOf(candidate.date) <= sortKeyOf(card.developmentStart!.date));
}

/** A milestone correction: the corrected milestone is the latest and its (appended) replacement is earlier. */
const milestoneFixListsLatest = (card: Card, milestoneId: string, replacement: DatedFact) =>
  card.latestMilestone?.milestoneId === milestoneId && sortKeyOf((replacement.value as MilestoneValue).date) < sortKeyOf(card.latestMilestone.date);

/** A milestone correction: the corrected milestone is the development start and its (appended) replacement is no earlier start. */
function milestoneFixListsStart(card: Card, milestoneId: string, replacement: DatedFact): boolean {
  if (!showsStart(card, 'milestone', milestoneId)) return false;
  const candidate = milestoneCandidate(replacement);
  return !(candidate && sortKeyOf(candidate.date) < sortKeyOf(card.developmentStart!.date));
}

/** A retraction of a dated fact: the fact is current and an aggregate of the card shows it. */
function retractionLists(card: Card, fact: { type: DatedType; id: string }, old: DatedFact | undefined): boolean {
  if (!old?.current) return false;
  return (
    (fact.type === 'relation' && card.original?.id === fact.id) ||
    (fact.type === 'status-change' && card.status?.id === fact.id) ||
    (fact.type === 'milestone' && card.latestMilestone?.milestoneId === fact.id) ||
    (fact.type !== 'relation' && showsStart(card, fact.type, fact.id))
  );
}

/** The replacement of a corrected status change: right after the corrected one in the work's order. */
function statusReplacement({ data, streamVersion }: Work<'WorkStatusChangeCorrected'>, workId: string, old: DatedFact): DatedFact {
  const { replacementStatusChangeId, replacement } = data;
  return {
    work_id: workId,
    fact_type: 'status-change',
    fact_id: replacementStatusChangeId,
    seq: replacementSeq(old.seq, streamVersion),
    current: true,
    value: { to: replacement.to, effective: replacement.effective ?? null },
  };
}

/** The replacement of a corrected milestone: appended to the work's milestones. */
function milestoneReplacement({ data, streamVersion }: Work<'MilestoneCorrected'>, workId: string): DatedFact {
  const { replacementMilestoneId, replacement } = data;
  return {
    work_id: workId,
    fact_type: 'milestone',
    fact_id: replacementMilestoneId,
    seq: seqOf(streamVersion),
    current: true,
    value: { label: replacement.label, kind: replacement.kind, date: replacement.date },
  };
}

/** A handler that changes the card alone. */
function onCard<K extends keyof WorkEventDataMap>(change: (card: Card, event: Work<K>) => Card): EventHandler<Work<K>> {
  return { reads: () => cardReads, apply: (event, rows) => [putCard(change(readCard(rows, event), event))] };
}

/** A new status change (appended, so the latest): the card shows it; it may start development. */
function stateStatusChange(card: Card, fact: DatedFact): Card {
  const candidate = statusCandidate(fact);
  return { ...card, status: statusRef(fact), developmentStart: candidate && earlierStart(candidate, card.developmentStart) ? candidate : card.developmentStart };
}

const knownTitle = (t: { titleId: string; text: string; language: string; class: string; territory?: string }, primary: boolean): KnownTitle => ({
  titleId: t.titleId,
  text: t.text,
  language: t.language,
  class: t.class,
  ...(t.territory ? { territory: t.territory } : {}),
  primary,
  current: true,
});

const titleIndex = (card: Card, titleId: string) => card.knownTitles.findIndex((t) => t.titleId === titleId);

/** Details fields as the card shows them (an absent field and a null one show the same). */
type DetailsChanges = Partial<Record<'kind' | 'originalLanguage' | 'countries' | 'productionYear' | 'externalIds', unknown>>;
function withDetails(card: Card, changes: DetailsChanges, removed: readonly string[] = []): Card {
  const next = { ...card };
  const set = (key: keyof DetailsChanges, value: unknown) => {
    if (key === 'kind') next.kind = (value as string | null | undefined) ?? null;
    else if (key === 'originalLanguage') next.originalLanguage = (value as string | null | undefined) ?? null;
    else if (key === 'countries') next.countries = (value as string[] | null | undefined) ?? [];
    else if (key === 'productionYear') next.productionYear = (value as number | null | undefined) ?? null;
    else if (key === 'externalIds') next.externalIds = { ...((value as Record<string, string> | null | undefined) ?? {}) };
  };
  for (const [key, value] of Object.entries(changes)) set(key as keyof DetailsChanges, value);
  for (const key of removed) set(key as keyof DetailsChanges, undefined);
  return next;
}

/**
 * Reads of a fix (clarification or retraction) of `fact`. A clarification's note is keyed by its event; a retraction
 * may replace the fact's retraction note. (A retraction of the dated fact an aggregate shows also lists the dated
 * facts: WorkFactRetracted's moreReads.)
 */
function fixReads(fact: WorkFactRef, eventId: string, retraction: boolean): RowReads {
  const note: Key[] = [
    retraction
      ? fact.type === 'work'
        ? [NOTES, WITHDRAWN_NOTE]
        : noteRead('retracted', fact.type, fact.id)
      : [NOTES, fact.type === 'work' ? workNoteKey('clarified', eventId) : clarifiedKey(fact.type, fact.id, eventId)],
  ];
  switch (fact.type) {
    case 'relation':
    case 'status-change':
    case 'milestone':
      return keys([STATUS, CARD], [DATED, datedKey(fact.type, fact.id)], ...note);
    case 'company-credit':
      return keys([STATUS, CARD], ...creditKeys(fact.id), ...note);
    case 'talent-attachment':
      return keys([STATUS, CARD], ...attachmentKeys(fact.id), ...note);
    case 'release':
      return keys(...releaseKeys(fact.id), ...note);
    default:
      return keys([STATUS, CARD], ...note);
  }
}

const handlers: HandlersFor<'work'> = {
  WorkFactStandingChanged: {
    reads: ({ data: { fact } }) =>
      fact.type === 'work' ? keys([STATUS, CARD]) : fact.type === 'company-credit' ? keys([COMPANIES, fact.id]) : fact.type === 'talent-attachment' ? keys([PEOPLE, fact.id]) : {},
    apply: ({ data: { fact, standing } }, rows) => {
      const table = fact.type === 'work' ? STATUS : fact.type === 'company-credit' ? COMPANIES : fact.type === 'talent-attachment' ? PEOPLE : null;
      const key = fact.type === 'work' ? CARD : fact.id;
      const row = table ? rows.get(table, key) : undefined;
      // Standings of the card's other facts (titles, dates) are not shown on it; a fact no longer on the card keeps its row closed.
      return table && row ? [put(table, key, { ...row, standing })] : [];
    },
  },
  WorkRegistered: {
    reads: (event) => keys([STATUS, CARD], [DATED, datedKey('status-change', event.data.statusChangeId)]),
    apply: (event) => {
      const d = event.data;
      const status: DatedFact = {
        work_id: d.workId,
        fact_type: 'status-change',
        fact_id: d.statusChangeId,
        seq: seqOf(event.streamVersion),
        current: true,
        value: { to: d.status, effective: d.statusEffective ?? null },
      };
      const card: Card = withDetails(
        {
          workId: d.workId,
          kind: null,
          originalLanguage: null,
          countries: [],
          productionYear: null,
          externalIds: {},
          knownTitles: d.titles.map((t) => knownTitle(t, t.primary)),
          status: null,
          latestMilestone: null,
          developmentStart: null,
          original: null,
          firstRelease: null,
          withdrawn: null,
          mergedInto: null,
          standing: d.standing ?? DEFAULT_FACT_STANDING,
        },
        { kind: d.kind, originalLanguage: d.originalLanguage, countries: d.countries, productionYear: d.productionYear, externalIds: d.externalIds },
      );
      return [putCard(stateStatusChange(card, status)), putDated(status)];
    },
  },

  WorkDetailsUpdated: onCard((card, { data }) => withDetails(card, { ...data.changes, externalIds: { ...card.externalIds, ...(data.changes.externalIds ?? {}) } })),

  WorkDetailsCorrected: {
    reads: (event) => keys([STATUS, CARD], [NOTES, workNoteKey('details-corrected', event.eventId)]),
    apply: (event, rows) => {
      const card = readCard(rows, event);
      const { changes, previous, note } = event.data;
      const removed = Object.keys(previous).filter((k) => !(k in changes));
      return [putCard(withDetails(card, changes as DetailsChanges, removed)), workNote(event, card.workId, 'details-corrected', note)];
    },
  },

  TitleAdded: onCard((card, { data }) => ({ ...card, knownTitles: [...card.knownTitles, knownTitle(data, false)] })),

  PrimaryTitleSet: onCard((card, { data }) => ({ ...card, knownTitles: card.knownTitles.map((t) => ({ ...t, primary: t.titleId === data.titleId })) })),

  TitleCorrected: {
    reads: (event) => keys([STATUS, CARD], noteRead('superseded', 'title', event.data.titleId)),
    apply: (event, rows) => {
      const card = readCard(rows, event);
      const { titleId, replacementTitleId, replacement, note } = event.data;
      const index = titleIndex(card, titleId);
      const old = card.knownTitles[index];
      const knownTitles = [
        ...card.knownTitles.map((t) => (t.titleId === titleId ? { ...t, current: false, primary: false } : t)),
        knownTitle({ titleId: replacementTitleId, ...replacement }, old?.primary ?? false),
      ];
      return [
        putCard({ ...card, knownTitles }),
        ...(old ? [factNote(event, card.workId, { type: 'title', id: titleId, seq: pad(index) }, 'corrected', note, { replacementId: replacementTitleId })] : []),
      ];
    },
  },

  WorkRelated: {
    reads: (event) => keys([STATUS, CARD], [DATED, datedKey('relation', event.data.relationId)]),
    apply: (event, rows) => {
      const card = readCard(rows, event);
      const { relationId, relation, targetWorkId } = event.data;
      const fact: DatedFact = { work_id: card.workId, fact_type: 'relation', fact_id: relationId, seq: seqOf(event.streamVersion), current: true, value: { relation, targetWorkId } };
      // the first current original relation is shown: a later one changes nothing while one is shown
      const original = card.original ?? (isOriginal(relation) ? originalRef(fact) : null);
      return [putDated(fact), putCard({ ...card, original })];
    },
  },

  WorkRelationCorrected: {
    reads: ({ data }) =>
      keys([STATUS, CARD], [DATED, datedKey('relation', data.relationId)], [DATED, datedKey('relation', data.replacementRelationId)], noteRead('superseded', 'relation', data.relationId)),
    moreReads: listDatedWhen((card, { data }) => relationFixLists(card, data.relationId)),
    apply: (event, rows) => {
      const card = readCard(rows, event);
      const { relationId, replacementRelationId, replacement, note } = event.data;
      const old = datedOf(rows, 'relation', relationId);
      const fact: DatedFact = {
        work_id: card.workId,
        fact_type: 'relation',
        fact_id: replacementRelationId,
        seq: seqOf(event.streamVersion),
        current: true,
        value: { relation: replacement.relation, targetWorkId: replacement.targetWorkId },
      };
      const changed = [...(old ? [{ ...old, current: false }] : []), fact];
      let original = card.original;
      if (relationFixLists(card, relationId)) original = recompute(rows, changed).original;
      else if (!original && isOriginal(replacement.relation)) original = originalRef(fact);
      return [
        ...changed.map(putDated),
        putCard({ ...card, original }),
        ...(old ? [factNote(event, card.workId, { type: 'relation', id: relationId, seq: old.seq }, 'corrected', note, { replacementId: replacementRelationId })] : []),
      ];
    },
  },

  WorkStatusChanged: {
    reads: (event) => keys([STATUS, CARD], [DATED, datedKey('status-change', event.data.statusChangeId)]),
    apply: (event, rows) => {
      const card = readCard(rows, event);
      const { statusChangeId, to, effective } = event.data;
      const fact: DatedFact = { work_id: card.workId, fact_type: 'status-change', fact_id: statusChangeId, seq: seqOf(event.streamVersion), current: true, value: { to, effective: effective ?? null } };
      return [putDated(fact), putCard(stateStatusChange(card, fact))];
    },
  },

  WorkStatusChangeCorrected: {
    reads: ({ data }) =>
      keys(
        [STATUS, CARD],
        [DATED, datedKey('status-change', data.statusChangeId)],
        [DATED, datedKey('status-change', data.replacementStatusChangeId)],
        noteRead('superseded', 'status-change', data.statusChangeId),
      ),
    // listed only when the corrected change is the development start and its replacement does not take its place
    moreReads: listDatedWhen((card, event, rows) => {
      const old = datedOf(rows, 'status-change', event.data.statusChangeId);
      return old !== undefined && statusFixLists(card, event.data.statusChangeId, statusReplacement(event, card.workId, old));
    }),
    apply: (event, rows) => {
      const card = readCard(rows, event);
      const { statusChangeId, replacementStatusChangeId, note } = event.data;
      const old = datedOf(rows, 'status-change', statusChangeId);
      // evolve inserts the replacement right after the corrected change: without it, nothing changes
      if (!old) return [];
      const fact = statusReplacement(event, card.workId, old);
      const changed = [{ ...old, current: false }, fact];
      // The replacement sits right after the corrected change: it is the latest current one if the corrected one was,
      // or if it comes after the one shown.
      const status = !card.status || fact.seq > card.status.seq ? statusRef(fact) : card.status;
      const candidate = statusCandidate(fact);
      let developmentStart = card.developmentStart;
      if (showsStart(card, 'status-change', statusChangeId)) {
        developmentStart = statusFixLists(card, statusChangeId, fact) ? recompute(rows, changed).developmentStart : candidate;
      } else if (candidate && earlierStart(candidate, developmentStart)) {
        developmentStart = candidate;
      }
      return [
        ...changed.map(putDated),
        putCard({ ...card, status, developmentStart }),
        factNote(event, card.workId, { type: 'status-change', id: statusChangeId, seq: old.seq }, 'corrected', note, { replacementId: replacementStatusChangeId }),
      ];
    },
  },

  MilestoneRecorded: {
    reads: (event) => keys([STATUS, CARD], [DATED, datedKey('milestone', event.data.milestoneId)]),
    apply: (event, rows) => {
      const card = readCard(rows, event);
      const { milestoneId, label, kind, date } = event.data;
      const fact: DatedFact = { work_id: card.workId, fact_type: 'milestone', fact_id: milestoneId, seq: seqOf(event.streamVersion), current: true, value: { label, kind, date } };
      const candidate = milestoneCandidate(fact);
      return [
        putDated(fact),
        putCard({
          ...card,
          latestMilestone: laterMilestone(date, card.latestMilestone) ? milestoneOf(fact) : card.latestMilestone,
          developmentStart: candidate && earlierStart(candidate, card.developmentStart) ? candidate : card.developmentStart,
        }),
      ];
    },
  },

  MilestoneCorrected: {
    reads: ({ data }) =>
      keys([STATUS, CARD], [DATED, datedKey('milestone', data.milestoneId)], [DATED, datedKey('milestone', data.replacementMilestoneId)], noteRead('superseded', 'milestone', data.milestoneId)),
    // listed only when the corrected milestone is the latest or the development start and its replacement does not take its place
    moreReads: listDatedWhen((card, event) => {
      const fact = milestoneReplacement(event, card.workId);
      return milestoneFixListsLatest(card, event.data.milestoneId, fact) || milestoneFixListsStart(card, event.data.milestoneId, fact);
    }),
    apply: (event, rows) => {
      const card = readCard(rows, event);
      const { milestoneId, replacementMilestoneId, replacement, note } = event.data;
      const old = datedOf(rows, 'milestone', milestoneId);
      const fact = milestoneReplacement(event, card.workId);
      const changed = [...(old ? [{ ...old, current: false }] : []), fact];
      const candidate = milestoneCandidate(fact);
      let latestMilestone = card.latestMilestone;
      let developmentStart = card.developmentStart;
      let listed: ReturnType<typeof recompute> | undefined;
      const all = () => (listed ??= recompute(rows, changed));
      if (card.latestMilestone?.milestoneId === milestoneId) {
        // the replacement is appended: it stays the latest if it is no earlier than the corrected one
        latestMilestone = milestoneFixListsLatest(card, milestoneId, fact) ? all().latestMilestone : milestoneOf(fact);
      } else if (laterMilestone(replacement.date, latestMilestone)) {
        latestMilestone = milestoneOf(fact);
      }
      if (showsStart(card, 'milestone', milestoneId)) {
        developmentStart = milestoneFixListsStart(card, milestoneId, fact) ? all().developmentStart : candidate;
      } else if (candidate && earlierStart(candidate, developmentStart)) {
        developmentStart = candidate;
      }
      return [
        ...changed.map(putDated),
        putCard({ ...card, latestMilestone, developmentStart }),
        ...(old ? [factNote(event, card.workId, { type: 'milestone', id: milestoneId, seq: old.seq }, 'corrected', note, { replacementId: replacementMilestoneId })] : []),
      ];
    },
  },

  CompanyCreditAdded: {
    reads: (event) => keys([COMPANIES, event.data.creditId]),
    apply: (event) => {
      const { workId, creditId, ...value } = event.data;
      return [put(COMPANIES, creditId, companyRow(workId, creditId, value, seqOf(event.streamVersion)))];
    },
  },

  CompanyCreditEnded: {
    reads: (event) => keys(...creditKeys(event.data.creditId)),
    apply: (event, rows) => {
      // a credit no longer on the card changes nothing the card shows
      if (!creditStanding(rows, event.data.creditId)?.onCard) return [];
      const row = rows.get(COMPANIES, event.data.creditId)!;
      return [put(COMPANIES, event.data.creditId, { ...row, to_date: event.data.to ?? null })];
    },
  },

  CompanyCreditCorrected: {
    reads: ({ data }) => keys(...creditKeys(data.creditId), [COMPANIES, data.replacementCreditId], noteRead('superseded', 'company-credit', data.creditId)),
    apply: (event, rows) => {
      const { workId, creditId, replacementCreditId, replacement, note } = event.data;
      const old = creditStanding(rows, creditId);
      return [
        ...(old ? deprecateOnCard(workId, COMPANIES, 'company-credit', creditId, old) : []),
        ...(old ? [factNote(event, workId, { type: 'company-credit', id: creditId, seq: old.seq }, 'corrected', note, { replacementId: replacementCreditId })] : []),
        put(COMPANIES, replacementCreditId, companyRow(workId, replacementCreditId, replacement, seqOf(event.streamVersion))),
      ];
    },
  },

  CompanyCreditMovedOut: {
    reads: ({ data }) => keys(...creditKeys(data.creditId), noteRead('superseded', 'company-credit', data.creditId)),
    apply: (event, rows) => {
      const { workId, creditId, targetWorkId, targetCreditId, note } = event.data;
      const old = creditStanding(rows, creditId);
      if (!old) return [];
      return [
        ...deprecateOnCard(workId, COMPANIES, 'company-credit', creditId, old),
        factNote(event, workId, { type: 'company-credit', id: creditId, seq: old.seq }, 'moved-out', note, { replacementId: targetCreditId, otherWorkId: targetWorkId }),
      ];
    },
  },

  CompanyCreditMovedIn: {
    reads: ({ data }) => keys([COMPANIES, data.creditId], noteRead('moved-in', 'company-credit', data.creditId)),
    apply: (event) => {
      const { workId, creditId, moveId: _moveId, sourceWorkId, sourceCreditId: _sourceCreditId, note, ...value } = event.data;
      const seq = seqOf(event.streamVersion);
      return [put(COMPANIES, creditId, companyRow(workId, creditId, value, seq)), factNote(event, workId, { type: 'company-credit', id: creditId, seq }, 'moved-in', note, { otherWorkId: sourceWorkId })];
    },
  },

  TalentAttached: {
    reads: (event) => keys([PEOPLE, event.data.attachmentId]),
    apply: (event) => {
      const { workId, attachmentId, ...value } = event.data;
      return [put(PEOPLE, attachmentId, personRow(workId, attachmentId, value, seqOf(event.streamVersion)))];
    },
  },

  TalentDetached: {
    reads: (event) => keys(...attachmentKeys(event.data.attachmentId)),
    apply: (event, rows) => {
      const { workId, attachmentId } = event.data;
      const standing = attachmentStanding(rows, attachmentId);
      if (!standing) return [];
      return [...(standing.onCard ? [close(PEOPLE, attachmentId)] : []), putAside({ work_id: workId, fact_type: 'talent-attachment', fact_id: attachmentId, seq: standing.seq, current: standing.current, detached: true })];
    },
  },

  TalentAttachmentCorrected: {
    reads: ({ data }) =>
      keys(...attachmentKeys(data.attachmentId), ...attachmentKeys(data.replacementAttachmentId), noteRead('superseded', 'talent-attachment', data.attachmentId)),
    apply: (event, rows) => {
      const { workId, attachmentId, replacementAttachmentId, replacement, note } = event.data;
      const old = attachmentStanding(rows, attachmentId);
      const seq = seqOf(event.streamVersion);
      // a detachment stays true of the corrected attachment
      const added = old?.detached
        ? putAside({ work_id: workId, fact_type: 'talent-attachment', fact_id: replacementAttachmentId, seq, current: true, detached: true })
        : put(PEOPLE, replacementAttachmentId, personRow(workId, replacementAttachmentId, replacement, seq));
      return [
        ...(old ? deprecateOnCard(workId, PEOPLE, 'talent-attachment', attachmentId, old) : []),
        ...(old ? [factNote(event, workId, { type: 'talent-attachment', id: attachmentId, seq: old.seq }, 'corrected', note, { replacementId: replacementAttachmentId })] : []),
        added,
      ];
    },
  },

  TalentAttachmentMovedOut: {
    reads: ({ data }) => keys(...attachmentKeys(data.attachmentId), noteRead('superseded', 'talent-attachment', data.attachmentId)),
    apply: (event, rows) => {
      const { workId, attachmentId, targetWorkId, targetAttachmentId, note } = event.data;
      const old = attachmentStanding(rows, attachmentId);
      if (!old) return [];
      return [
        ...deprecateOnCard(workId, PEOPLE, 'talent-attachment', attachmentId, old),
        factNote(event, workId, { type: 'talent-attachment', id: attachmentId, seq: old.seq }, 'moved-out', note, { replacementId: targetAttachmentId, otherWorkId: targetWorkId }),
      ];
    },
  },

  TalentAttachmentMovedIn: {
    reads: ({ data }) => keys([PEOPLE, data.attachmentId], noteRead('moved-in', 'talent-attachment', data.attachmentId)),
    apply: (event) => {
      const { workId, attachmentId, moveId: _moveId, sourceWorkId, sourceAttachmentId: _sourceAttachmentId, note, ...value } = event.data;
      const seq = seqOf(event.streamVersion);
      return [
        put(PEOPLE, attachmentId, personRow(workId, attachmentId, value, seq)),
        factNote(event, workId, { type: 'talent-attachment', id: attachmentId, seq }, 'moved-in', note, { otherWorkId: sourceWorkId }),
      ];
    },
  },

  ReleaseScheduled: {
    reads: () => keys([STATUS, CARD], [CURRENT_RELEASES, RELEASES]),
    apply: (event, rows) => {
      const card = readCard(rows, event);
      const { releaseId, territory, date, type, status } = event.data;
      const releases = [...releasesOf(rows), { releaseId, seq: seqOf(event.streamVersion), territory, date, type, status }];
      return [putReleases(card.workId, releases), putCard({ ...card, firstRelease: firstReleaseOf(releases) })];
    },
  },

  ReleaseMoved: onRelease((r, { data }) => ({ ...r, date: data.date, status: 'moved' })),
  ReleaseOccurred: onRelease((r, { data }) => ({ ...r, date: data.date, status: 'occurred' })),
  ReleaseCancelled: onRelease((r) => ({ ...r, status: 'cancelled' })),

  ReleaseCorrected: {
    reads: ({ data }) => keys(...releaseKeys(data.releaseId), noteRead('superseded', 'release', data.releaseId)),
    apply: (event, rows) => {
      const card = readCard(rows, event);
      const { releaseId, replacementReleaseId, replacement, note } = event.data;
      const current = releasesOf(rows);
      const onCard = current.find((r) => r.releaseId === releaseId);
      const aside = asideOf(rows, 'release', releaseId);
      const oldSeq = onCard?.seq ?? aside?.seq;
      const releases = [
        ...current.filter((r) => r.releaseId !== releaseId),
        { releaseId: replacementReleaseId, seq: seqOf(event.streamVersion), territory: replacement.territory, date: replacement.date, type: replacement.type, status: replacement.status },
      ];
      return [
        ...(onCard ? [putAside({ work_id: card.workId, fact_type: 'release', fact_id: releaseId, seq: onCard.seq, current: false, detached: false })] : []),
        ...(oldSeq !== undefined ? [factNote(event, card.workId, { type: 'release', id: releaseId, seq: oldSeq }, 'corrected', note, { replacementId: replacementReleaseId })] : []),
        putReleases(card.workId, releases),
        putCard({ ...card, firstRelease: firstReleaseOf(releases) }),
      ];
    },
  },

  WorkFactClarified: {
    reads: (event) => fixReads(event.data.fact, event.eventId, false),
    apply: (event, rows) => {
      const card = readCard(rows, event);
      const { fact, note } = event.data;
      if (fact.type === 'work') return [workNote(event, card.workId, 'clarified', note)];
      const seq = factSeq(rows, card, fact);
      return seq === undefined ? [] : [factNote(event, card.workId, { type: fact.type, id: fact.id, seq }, 'clarified', note)];
    },
  },

  WorkFactRetracted: {
    reads: (event) => fixReads(event.data.fact, event.eventId, true),
    // the dated facts are listed only when the retracted fact is the one an aggregate of the card shows
    moreReads: listDatedWhen((card, { data: { fact } }, rows) => isDatedType(fact.type) && retractionLists(card, { type: fact.type, id: fact.id }, datedOf(rows, fact.type, fact.id))),
    apply: (event, rows) => retractFact(event, rows),
  },

  // A duplicate's card says which work it was merged into; the survivor's rows are unchanged (queries resolve a
  // reference to the duplicate through merged_into, and lists hide the duplicate's card).
  WorkMerged: {
    reads: () => keys([STATUS, CARD]),
    apply: (event, rows) => [putCard({ ...readCard(rows, event), mergedInto: event.data.survivorId })],
  },
  WorkUnmerged: {
    reads: () => keys([STATUS, CARD]),
    apply: (event, rows) => [putCard({ ...readCard(rows, event), mergedInto: null })],
  },
  WorkAbsorbed: { apply: () => [] },
  WorkAbsorptionReverted: { apply: () => [] },

  WorkRetracted: {
    reads: () => keys([STATUS, CARD], [NOTES, WITHDRAWN_NOTE]),
    apply: (event, rows) => {
      const card = readCard(rows, event);
      return [putCard({ ...card, withdrawn: { note: event.data.note ?? null } }), workNote(event, card.workId, 'withdrawn', event.data.note)];
    },
  },
};

/** A change to one current release (moved, occurred, cancelled): the first release is recomputed from the current ones. */
function onRelease<K extends 'ReleaseMoved' | 'ReleaseOccurred' | 'ReleaseCancelled'>(change: (release: CurrentRelease, event: Work<K>) => CurrentRelease): EventHandler<Work<K>> {
  return {
    reads: () => keys([STATUS, CARD], [CURRENT_RELEASES, RELEASES]),
    apply: (event, rows) => {
      const current = releasesOf(rows);
      // a release no longer current (corrected, retracted) changes nothing the card shows
      if (!current.some((r) => r.releaseId === event.data.releaseId)) return [];
      const card = readCard(rows, event);
      const releases = current.map((r) => (r.releaseId === event.data.releaseId ? change(r, event) : r));
      return [putReleases(card.workId, releases), putCard({ ...card, firstRelease: firstReleaseOf(releases) })];
    },
  };
}

/** The order of a fact among the work's facts of its type, or undefined if the work never stated it. */
function factSeq(rows: StreamRows, card: Card, fact: WorkFactRef): string | undefined {
  switch (fact.type) {
    case 'title': {
      const index = titleIndex(card, fact.id);
      return index < 0 ? undefined : pad(index);
    }
    case 'relation':
    case 'status-change':
    case 'milestone':
      return datedOf(rows, fact.type, fact.id)?.seq;
    case 'company-credit':
      return creditStanding(rows, fact.id)?.seq;
    case 'talent-attachment':
      return attachmentStanding(rows, fact.id)?.seq;
    case 'release':
      return releasesOf(rows).find((r) => r.releaseId === fact.id)?.seq ?? asideOf(rows, 'release', fact.id)?.seq;
    default:
      return undefined;
  }
}

/** A retracted fact is deprecated with its note; the aggregate that showed it goes back (listing the dated facts only then). */
function retractFact(event: Work<'WorkFactRetracted'>, rows: StreamRows): RowChange[] {
  const card = readCard(rows, event);
  const { fact, note } = event.data;
  const workId = card.workId;
  const noted = (seq: string) => factNote(event, workId, { type: fact.type as keyof typeof NOTE_GROUP, id: fact.id, seq }, 'retracted', note);
  switch (fact.type) {
    case 'work':
      return [putCard({ ...card, withdrawn: { note: note ?? null } }), workNote(event, workId, 'withdrawn', note)];
    case 'title': {
      const index = titleIndex(card, fact.id);
      if (index < 0) return [];
      // the primary flag stays on a retracted title (the card falls back to the first current title)
      return [putCard({ ...card, knownTitles: card.knownTitles.map((t) => (t.titleId === fact.id ? { ...t, current: false } : t)) }), noted(pad(index))];
    }
    case 'relation':
    case 'status-change':
    case 'milestone': {
      const old = datedOf(rows, fact.type, fact.id);
      if (!old) return [];
      const changed = [{ ...old, current: false }];
      let next = card;
      if (retractionLists(card, { type: fact.type, id: fact.id }, old)) {
        const all = recompute(rows, changed);
        next = {
          ...card,
          ...(fact.type === 'relation' ? { original: all.original } : {}),
          ...(fact.type === 'status-change' ? { status: all.status } : {}),
          ...(fact.type === 'milestone' ? { latestMilestone: all.latestMilestone } : {}),
          developmentStart: all.developmentStart,
        };
      }
      return [...changed.map(putDated), putCard(next), noted(old.seq)];
    }
    case 'company-credit': {
      const old = creditStanding(rows, fact.id);
      return old ? [...deprecateOnCard(workId, COMPANIES, 'company-credit', fact.id, old), noted(old.seq)] : [];
    }
    case 'talent-attachment': {
      const old = attachmentStanding(rows, fact.id);
      return old ? [...deprecateOnCard(workId, PEOPLE, 'talent-attachment', fact.id, old), noted(old.seq)] : [];
    }
    case 'release': {
      const current = releasesOf(rows);
      const onCard = current.find((r) => r.releaseId === fact.id);
      if (onCard) {
        const releases = current.filter((r) => r.releaseId !== fact.id);
        return [
          putAside({ work_id: workId, fact_type: 'release', fact_id: fact.id, seq: onCard.seq, current: false, detached: false }),
          putReleases(workId, releases),
          putCard({ ...card, firstRelease: firstReleaseOf(releases) }),
          noted(onCard.seq),
        ];
      }
      const aside = asideOf(rows, 'release', fact.id);
      return aside ? [noted(aside.seq)] : [];
    }
    default:
      return [];
  }
}

export const projectStatusProjection: Projection = {
  name: 'project-status',
  tables: PROJECT_STATUS_TABLES,
  handlers: { work: handlers },
};
