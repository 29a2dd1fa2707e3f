/**
 * Timeline: every dated fact of a work as an entry (status changes, milestones, attachments and detachments, credit
 * starts and ends, releases), and each deal's announcement and status changes on every work it covers — what
 * workTimelineRows / dealTimelineRows show of the folded streams, kept event by event.
 *
 * Work streams: a typical event reads and writes O(1) rows by key. Every timeline fact of the work (status change,
 * milestone, talent attachment, company credit, release) has a hidden row in `timeline_facts`, keyed
 * `<fact type>:<fact id>`, holding what its entries are made of — the value, the annotations displayNote and the flags
 * read (superseded / retracted / moved from / the note of the correction that produced it), and `seq`. An event that
 * changes a fact reads that row and the fact's one or two entries (attached/detached, credit from/to) by key, and
 * writes the row and the entries again (an entry equal to the open one opens no version). A fact without a date has
 * a hidden row and no entry until an event dates it (a detachment, a credit's end, a correction).
 *
 * `seq` orders the entries of one owner stated on the same day. The reference numbers a work's entries by the place of
 * the stating event in factsByEventId, which gets one key per event: `streamVersion - 1`, the same number.
 *
 * Deal streams are small (a handful of works and status changes): the deal's hidden row `deal` holds the little of
 * the deal state the entries show, and every deal event that changes the timeline renders the deal's entries again
 * and lists the deal's open entries to close the ones that are gone. `seq` of a deal entry is, as in the reference,
 * its place in the deal's list of entries (works in order, each with its announcement then its status changes).
 *
 * Withdrawing a whole work (WorkRetracted, or retracting the 'work' fact) changes no entry: the reference's work
 * timeline does not read `withdrawn` (the work's withdrawal shows in project_status). A clarification of a timeline
 * fact adds its note to the fact's entries (`details.clarifications`); the fact stays current.
 */
import type { PartialDate } from '../../../contracts/src/envelope.js';
import type { DealEventDataMap } from '../../../contracts/src/events/deal.events.js';
import type { WorkEventDataMap } from '../../../contracts/src/events/work.events.js';
import {
  close,
  ignore,
  put,
  required,
  type EventHandler,
  type HandlersFor,
  type ProjectedEvent,
  type Projection,
  type Row,
  type RowChange,
  type RowReads,
  type StreamRows,
  type TableSpec,
} from '../engine/projection.js';
import { citedSource, type CitedSource } from '../shared/cited-source.js';
import { sortKeyOf } from '../shared/dates.js';
import type { TimelineEntryRow, TimelineKind } from './timeline.types.js';

/** The reference's row minus owner_stream (the engine keeps the owner). */
export type TimelineEntry = Omit<TimelineEntryRow, 'owner_stream'>;

export const TIMELINE_ENTRIES: TableSpec = {
  name: 'timeline_entries',
  columns: {
    entry_key: 'text',
    work_id: 'text',
    kind: 'text',
    label: 'text',
    occurred_at: 'text',
    precision: 'text',
    sort_key: 'date',
    seq: 'integer',
    fact_type: 'text',
    fact_id: 'text',
    subject_type: 'text',
    subject_id: 'text',
    details: 'jsonb',
    corrected: 'boolean',
    retracted: 'boolean',
    note: 'text',
    source: 'jsonb',
  } satisfies { readonly [K in keyof TimelineEntry]: TableSpec['columns'][string] },
};

/**
 * Hidden state, never queried: per work stream one row per timeline fact (`<fact type>:<fact id>`), per deal stream
 * one row `deal`. `fact` is the JSON of what the fact's entries are rendered from (FactState / DealTimelineState).
 */
export const TIMELINE_FACTS: TableSpec = {
  name: 'timeline_facts',
  keepsHistory: false,
  columns: { fact_type: 'text', fact_id: 'text', fact: 'jsonb' },
};

const ENTRIES = TIMELINE_ENTRIES.name;
const FACTS = TIMELINE_FACTS.name;

// ---- work facts ------------------------------------------------------------------------------------------------

const TIMELINE_FACT_TYPES = ['status-change', 'milestone', 'talent-attachment', 'company-credit', 'release'] as const;
type TimelineFactType = (typeof TIMELINE_FACT_TYPES)[number];
const isTimelineFactType = (type: string): type is TimelineFactType => (TIMELINE_FACT_TYPES as readonly string[]).includes(type);

/** What displayNote and the flags read of a fact (FactAnnotations and movedFrom, kept to what the timeline shows). */
interface Annotations {
  /** `streamVersion - 1` of the event that stated the fact: its index in the reference's factsByEventId. */
  seq: number;
  /** A correction's replacement: the id of the fact it corrects. */
  supersedes?: string;
  /** Replaced by a correction (or, with workId, moved to another work). A later one overwrites it, as in evolve. */
  supersededBy?: { note: string; workId?: string };
  retracted?: { note: string };
  movedFrom?: { workId: string; note: string };
  /** Notes of the clarifications of this fact, in order (a replacement starts without). */
  clarifications?: string[];
  /**
   * A replacement's note as displayNote finds it: the supersededBy note of the fact it supersedes, i.e. the note of
   * the correction that produced it (the corrected fact cannot be superseded again by a decided event; see the spec).
   */
  inheritedNote?: string;
  /** The public part of the source of the last event that stated or changed the fact (standing changes aside). */
  source?: CitedSource;
}

interface StatusFact extends Annotations {
  from: string | null;
  to: string;
  effective?: PartialDate;
  reason?: string;
}
interface MilestoneFact extends Annotations {
  label: string;
  kind: string;
  date: PartialDate;
}
interface AttachmentFact extends Annotations {
  personId: string;
  role: string;
  character?: string;
  billing?: string;
  attachedAt?: PartialDate;
  /** `seq` of the detachment: the detached entry is ordered by the event that detached (carried to a replacement). */
  detached?: { reason: string; detachedAt?: PartialDate; seq: number };
}
interface CreditFact extends Annotations {
  organizationId: string;
  role: string;
  country?: string;
  territory?: string;
  from?: PartialDate;
  to?: PartialDate;
  endReason?: string;
}
interface ReleaseFact extends Annotations {
  territory: string;
  date: PartialDate;
  type: string;
  status: string;
  distributorId?: string;
  festival?: string;
  previousDates: PartialDate[];
  statusReason?: string;
}

interface FactOf {
  'status-change': StatusFact;
  milestone: MilestoneFact;
  'talent-attachment': AttachmentFact;
  'company-credit': CreditFact;
  release: ReleaseFact;
}
type FactState = FactOf[TimelineFactType];
type ValueOf<T extends TimelineFactType> = Omit<FactOf[T], keyof Annotations>;

/** Drops keys whose value is undefined (evolve's `compact`), so a fact reads the same after a JSON round trip. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const factKey = (type: TimelineFactType, id: string) => `${type}:${id}`;

/** Every entry a fact can have (its hidden row aside). */
function entryKeysOf(type: TimelineFactType, id: string): string[] {
  switch (type) {
    case 'talent-attachment':
      return [`talent-attachment:${id}:attached`, `talent-attachment:${id}:detached`];
    case 'company-credit':
      return [`company-credit:${id}:from`, `company-credit:${id}:to`];
    default:
      return [`${type}:${id}`];
  }
}

/** displayNote: why the fact is not current, else (moved in) the move's note, else (a replacement) its correction's. */
function noteOf(fact: Annotations): string | null {
  if (fact.retracted) return fact.retracted.note;
  if (fact.supersededBy) return fact.supersededBy.note;
  if (fact.movedFrom) return fact.movedFrom.note;
  if (fact.supersedes) return fact.inheritedNote ?? null;
  return null;
}

type EntryFields = Pick<TimelineEntry, 'entry_key' | 'kind' | 'label' | 'fact_type' | 'fact_id' | 'subject_type' | 'subject_id' | 'details'>;

function entry(workId: string, date: PartialDate, fields: EntryFields, seq: number, flags: Pick<TimelineEntry, 'corrected' | 'retracted' | 'note' | 'source'>): [string, TimelineEntry] {
  return [fields.entry_key, { ...fields, work_id: workId, occurred_at: date.date, precision: date.precision, sort_key: sortKeyOf(date), seq, ...flags }];
}

/** A fact's entries, as workTimelineRows renders them from the folded work. */
function entriesOf(workId: string, type: TimelineFactType, id: string, fact: FactState): [string, TimelineEntry][] {
  const flags = { corrected: fact.supersededBy !== undefined, retracted: fact.retracted !== undefined, note: noteOf(fact), source: fact.source ?? null };
  const out: [string, TimelineEntry][] = [];
  const push = (date: PartialDate | undefined, fields: EntryFields, seq = fact.seq) => {
    const details = fact.clarifications?.length ? { ...fields.details, clarifications: fact.clarifications } : fields.details;
    if (date) out.push(entry(workId, date, { ...fields, details }, seq, flags));
  };
  switch (type) {
    case 'status-change': {
      const s = fact as StatusFact;
      push(s.effective, {
        entry_key: `status-change:${id}`,
        kind: 'status',
        label: s.from ? `Status: ${s.from} → ${s.to}` : `Registered as ${s.to}`,
        fact_type: 'status-change',
        fact_id: id,
        subject_type: null,
        subject_id: null,
        details: { from: s.from, to: s.to, ...(s.reason ? { reason: s.reason } : {}) },
      });
      break;
    }
    case 'milestone': {
      const m = fact as MilestoneFact;
      push(m.date, { entry_key: `milestone:${id}`, kind: 'milestone', label: m.label, fact_type: 'milestone', fact_id: id, subject_type: null, subject_id: null, details: { milestoneKind: m.kind } });
      break;
    }
    case 'talent-attachment': {
      const a = fact as AttachmentFact;
      const details = {
        role: a.role,
        ...(a.character ? { character: a.character } : {}),
        ...(a.billing ? { billing: a.billing } : {}),
        ...(a.supersededBy?.workId ? { movedToWorkId: a.supersededBy.workId } : {}),
        ...(a.movedFrom ? { movedFromWorkId: a.movedFrom.workId } : {}),
      };
      const common = { fact_type: 'talent-attachment', fact_id: id, subject_type: 'person' as const, subject_id: a.personId };
      push(a.attachedAt, { entry_key: `talent-attachment:${id}:attached`, kind: 'talent-attached', label: `${a.role} attached`, ...common, details });
      if (a.detached) {
        push(a.detached.detachedAt, { entry_key: `talent-attachment:${id}:detached`, kind: 'talent-detached', label: `${a.role} detached`, ...common, details: { ...details, reason: a.detached.reason } }, a.detached.seq);
      }
      break;
    }
    case 'company-credit': {
      const c = fact as CreditFact;
      const details = {
        role: c.role,
        ...(c.country ? { country: c.country } : {}),
        ...(c.territory ? { territory: c.territory } : {}),
        ...(c.supersededBy?.workId ? { movedToWorkId: c.supersededBy.workId } : {}),
        ...(c.movedFrom ? { movedFromWorkId: c.movedFrom.workId } : {}),
      };
      const common = { fact_type: 'company-credit', fact_id: id, subject_type: 'organization' as const, subject_id: c.organizationId };
      push(c.from, { entry_key: `company-credit:${id}:from`, kind: 'company-credit-start', label: `${c.role} from`, ...common, details });
      // The end is ordered by the credit's statement, not by the event that ended it (as the reference does).
      push(c.to, { entry_key: `company-credit:${id}:to`, kind: 'company-credit-end', label: `${c.role} until`, ...common, details: { ...details, ...(c.endReason ? { reason: c.endReason } : {}) } });
      break;
    }
    case 'release': {
      const r = fact as ReleaseFact;
      push(r.date, {
        entry_key: `release:${id}`,
        kind: 'release',
        label: `${r.festival ? `${r.festival}: ` : ''}${r.type} release in ${r.territory} (${r.status})`,
        fact_type: 'release',
        fact_id: id,
        subject_type: r.distributorId ? 'organization' : null,
        subject_id: r.distributorId ?? null,
        details: {
          territory: r.territory,
          type: r.type,
          status: r.status,
          ...(r.festival ? { festival: r.festival } : {}),
          ...(r.previousDates.length ? { previousDates: r.previousDates } : {}),
          ...(r.statusReason ? { reason: r.statusReason } : {}),
        },
      });
      break;
    }
  }
  return out;
}

/** The rows an event that changes fact (type, id) reads: its hidden row and every entry it can have, by key. */
function factReads(type: TimelineFactType, id: string): RowReads {
  return { keys: [[FACTS, factKey(type, id)] as const, ...entryKeysOf(type, id).map((key) => [ENTRIES, key] as const)] };
}

function readFact<T extends TimelineFactType>(rows: StreamRows, type: T, id: string, event: ProjectedEvent): FactOf[T] {
  return (required(rows, FACTS, factKey(type, id), event).fact as FactOf[T]);
}

/**
 * The hidden row and the entries of a fact as `next` says; entries `previous` had and `next` has not are closed (a
 * fact loses an entry only when an event takes its date away, e.g. a second detachment without a date).
 */
function factChanges(event: ProjectedEvent, type: TimelineFactType, id: string, changed: FactState, previous?: FactState): RowChange[] {
  const workId = workIdOf(event);
  const next = compact({ ...changed, source: citedSource(event.metadata.source) ?? undefined }) as FactState;
  const entries = entriesOf(workId, type, id, next);
  const changes: RowChange[] = [put(FACTS, factKey(type, id), { fact_type: type, fact_id: id, fact: compact(next) })];
  const kept = new Set(entries.map(([key]) => key));
  if (previous) for (const [key] of entriesOf(workId, type, id, previous)) if (!kept.has(key)) changes.push(close(ENTRIES, key));
  for (const [key, row] of entries) changes.push(put(ENTRIES, key, row));
  return changes;
}

type Work<K extends keyof WorkEventDataMap> = ProjectedEvent<K, WorkEventDataMap[K]>;
const workIdOf = (event: ProjectedEvent) => (event.data as { workId: string }).workId;
const seqOf = (event: ProjectedEvent) => event.streamVersion - 1;

/** A fact the event states (a new id on the work: nothing to read). */
function stating<K extends keyof WorkEventDataMap, T extends TimelineFactType>(type: T, state: (event: Work<K>) => { id: string; fact: ValueOf<T> & Partial<Annotations> }): EventHandler<Work<K>> {
  return {
    apply: (event) => {
      const { id, fact } = state(event);
      return factChanges(event, type, id, compact({ ...fact, seq: seqOf(event) }) as unknown as FactState);
    },
  };
}

/** An event that changes one fact of the work (which must be there: else it is dead-lettered). */
function changing<K extends keyof WorkEventDataMap, T extends TimelineFactType>(type: T, idOf: (data: WorkEventDataMap[K]) => string, change: (fact: FactOf[T], event: Work<K>) => FactOf[T]): EventHandler<Work<K>> {
  return {
    reads: (event) => factReads(type, idOf(event.data)),
    apply: (event, rows) => {
      const id = idOf(event.data);
      const old = readFact(rows, type, id, event);
      return factChanges(event, type, id, compact(change(old, event)) as FactState, old);
    },
  };
}

/**
 * A correction: the fact is deprecated (its supersededBy replaced by this correction, whatever it was: evolve's
 * deprecatedBySupersession), and the replacement is stated with its own (maybe new) date and the correction's note.
 */
function correcting<K extends keyof WorkEventDataMap, T extends TimelineFactType>(
  type: T,
  ids: (data: WorkEventDataMap[K]) => { id: string; replacementId: string; note: string },
  replacement: (old: FactOf[T], event: Work<K>) => ValueOf<T>,
): EventHandler<Work<K>> {
  return {
    reads: (event) => factReads(type, ids(event.data).id),
    apply: (event, rows) => {
      const { id, replacementId, note } = ids(event.data);
      const old = readFact(rows, type, id, event);
      const deprecated = { ...old, supersededBy: { note } } as FactState;
      const stated = compact({ ...replacement(old, event), seq: seqOf(event), supersedes: id, inheritedNote: note }) as unknown as FactState;
      return [...factChanges(event, type, id, deprecated, old), ...factChanges(event, type, replacementId, stated)];
    },
  };
}

const workHandlers: HandlersFor<'work'> = {
  WorkRegistered: stating('status-change', ({ data }) => ({ id: data.statusChangeId, fact: { from: null, to: data.status, effective: data.statusEffective } })),
  WorkStatusChanged: stating('status-change', ({ data }) => ({ id: data.statusChangeId, fact: { from: data.from, to: data.to, effective: data.effective, reason: data.reason } })),
  MilestoneRecorded: stating('milestone', ({ data }) => ({ id: data.milestoneId, fact: { label: data.label, kind: data.kind, date: data.date } })),
  TalentAttached: stating('talent-attachment', ({ data }) => ({
    id: data.attachmentId,
    fact: { personId: data.personId, role: data.role, character: data.character, billing: data.billing, attachedAt: data.attachedAt },
  })),
  CompanyCreditAdded: stating('company-credit', ({ data }) => ({
    id: data.creditId,
    fact: { organizationId: data.organizationId, role: data.role, country: data.country, territory: data.territory, from: data.from, to: data.to },
  })),
  ReleaseScheduled: stating('release', ({ data }) => ({
    id: data.releaseId,
    fact: { territory: data.territory, date: data.date, type: data.type, status: data.status, distributorId: data.distributorId, festival: data.festival, previousDates: [] },
  })),

  TalentDetached: changing('talent-attachment', (d) => d.attachmentId, (a, { data, streamVersion }) => ({ ...a, detached: compact({ reason: data.reason, detachedAt: data.detachedAt, seq: streamVersion - 1 }) })),
  // compact({ ...c, to, endReason: reason }): an end without a reason drops an earlier one.
  CompanyCreditEnded: changing('company-credit', (d) => d.creditId, (c, { data }) => ({ ...c, to: data.to, endReason: data.reason })),
  ReleaseMoved: changing('release', (d) => d.releaseId, (r, { data }) => ({ ...r, date: data.date, status: 'moved', previousDates: [...r.previousDates, data.previousDate], statusReason: data.reason })),
  ReleaseOccurred: changing('release', (d) => d.releaseId, (r, { data }) => ({ ...r, date: data.date, status: 'occurred' })),
  ReleaseCancelled: changing('release', (d) => d.releaseId, (r, { data }) => ({ ...r, status: 'cancelled', statusReason: data.reason })),

  WorkStatusChangeCorrected: correcting(
    'status-change',
    (d) => ({ id: d.statusChangeId, replacementId: d.replacementStatusChangeId, note: d.note }),
    (old, { data: { replacement } }) => ({ from: old.from ?? null, to: replacement.to, effective: replacement.effective, reason: replacement.reason }),
  ),
  MilestoneCorrected: correcting(
    'milestone',
    (d) => ({ id: d.milestoneId, replacementId: d.replacementMilestoneId, note: d.note }),
    (_old, { data: { replacement } }) => ({ label: replacement.label, kind: replacement.kind, date: replacement.date }),
  ),
  TalentAttachmentCorrected: correcting(
    'talent-attachment',
    (d) => ({ id: d.attachmentId, replacementId: d.replacementAttachmentId, note: d.note }),
    // a detachment stays true of the corrected attachment (and keeps its place: the detaching event)
    (old, { data: { replacement: r } }) => ({ personId: r.personId, role: r.role, character: r.character, billing: r.billing, attachedAt: r.attachedAt, detached: old.detached }),
  ),
  CompanyCreditCorrected: correcting(
    'company-credit',
    (d) => ({ id: d.creditId, replacementId: d.replacementCreditId, note: d.note }),
    (old, { data: { replacement: r } }) => ({ organizationId: r.organizationId, role: r.role, country: r.country, territory: r.territory, from: r.from, to: r.to, endReason: old.endReason }),
  ),
  ReleaseCorrected: correcting(
    'release',
    (d) => ({ id: d.releaseId, replacementId: d.replacementReleaseId, note: d.note }),
    (_old, { data: { replacement: r } }) => ({ territory: r.territory, date: r.date, type: r.type, status: r.status, distributorId: r.distributorId, festival: r.festival, previousDates: [] }),
  ),

  WorkFactRetracted: {
    reads: ({ data: { fact } }) => (isTimelineFactType(fact.type) ? factReads(fact.type, fact.id) : {}),
    apply: (event, rows) => {
      const { fact, note } = event.data;
      if (!isTimelineFactType(fact.type)) return [];
      const old = readFact(rows, fact.type, fact.id, event);
      // A retraction overwrites an earlier one and wins over a supersession (displayNote), which stays flagged.
      return factChanges(event, fact.type, fact.id, { ...old, retracted: { note } }, old);
    },
  },

  CompanyCreditMovedOut: changing('company-credit', (d) => d.creditId, (c, { data }) => ({ ...c, supersededBy: { note: data.note, workId: data.targetWorkId } })),
  TalentAttachmentMovedOut: changing('talent-attachment', (d) => d.attachmentId, (a, { data }) => ({ ...a, supersededBy: { note: data.note, workId: data.targetWorkId } })),
  CompanyCreditMovedIn: stating('company-credit', ({ data }) => ({
    id: data.creditId,
    fact: { organizationId: data.organizationId, role: data.role, country: data.country, territory: data.territory, from: data.from, to: data.to, movedFrom: { workId: data.sourceWorkId, note: data.note } },
  })),
  TalentAttachmentMovedIn: stating('talent-attachment', ({ data }) => ({
    id: data.attachmentId,
    fact: { personId: data.personId, role: data.role, character: data.character, billing: data.billing, attachedAt: data.attachedAt, movedFrom: { workId: data.sourceWorkId, note: data.note } },
  })),

  WorkFactClarified: {
    reads: ({ data: { fact } }) => (isTimelineFactType(fact.type) ? factReads(fact.type, fact.id) : {}),
    apply: (event, rows) => {
      const { fact, note } = event.data;
      if (!isTimelineFactType(fact.type)) return [];
      const old = readFact(rows, fact.type, fact.id, event);
      return factChanges(event, fact.type, fact.id, { ...old, clarifications: [...(old.clarifications ?? []), note] }, old);
    },
  },

  WorkFactStandingChanged: { apply: (event) => [put(ENTRIES, standingEntryKey(event.eventId), standingEntry(event))] },

  // Not on the timeline: the work's details, titles, relations, and its withdrawal (see above).
  WorkDetailsUpdated: ignore,
  TitleAdded: ignore,
  PrimaryTitleSet: ignore,
  WorkRelated: ignore,
  WorkDetailsCorrected: ignore,
  TitleCorrected: ignore,
  WorkRelationCorrected: ignore,
  WorkRetracted: ignore,
  // Merges: queries resolve a reference to a merged work through project_status.merged_into; no row here changes.
  WorkMerged: ignore,
  WorkAbsorbed: ignore,
  WorkUnmerged: ignore,
  WorkAbsorptionReverted: ignore,
};

// ---- standings -------------------------------------------------------------------------------------------------

const standingEntryKey = (eventId: string) => `standing:${eventId}`;

/**
 * When a fact went from one standing to another (reported → confirmed, or denied): an entry of its own, dated when it
 * happened in the world (the event's occurredAt) or else the day the desk recorded it, carrying the source that changed
 * it. It is never rewritten: a later fix of the fact does not change what the desk learnt that day.
 */
function standingEntry(event: ProjectedEvent<'WorkFactStandingChanged', WorkEventDataMap['WorkFactStandingChanged']>): TimelineEntry {
  const { workId, fact, standing, from } = event.data;
  const date: PartialDate = event.metadata.occurredAt ?? { date: event.recordedAt.slice(0, 10), precision: 'day' };
  const source = citedSource(event.metadata.source);
  return {
    entry_key: standingEntryKey(event.eventId),
    work_id: workId,
    kind: 'standing',
    label: `${fact.type} ${standing} (was ${from})`,
    occurred_at: date.date,
    precision: date.precision,
    sort_key: sortKeyOf(date),
    seq: event.streamVersion - 1,
    fact_type: fact.type,
    fact_id: fact.id,
    subject_type: null,
    subject_id: null,
    // details.source stays (shown since the standing entries came); `source` is where every entry carries it now
    details: { standing, from, source: source ?? {} },
    corrected: false,
    retracted: false,
    note: event.metadata.note ?? null,
    source,
  };
}

// ---- deals -----------------------------------------------------------------------------------------------------

/** What displayNote and the flags read of a deal's work or status change. */
interface DealAnnotations {
  /** The public part of the source of the event that stated it. */
  source?: CitedSource;
  supersedes?: string;
  supersededBy?: { note: string };
  retracted?: { note: string };
}
interface DealWorkFact extends DealAnnotations {
  workId: string;
  role: string;
  territory?: string;
}
interface DealStatusFact extends DealAnnotations {
  statusChangeId: string;
  from: string | null;
  to: string;
  effective: PartialDate;
  reason?: string;
}

/** The deal state the entries are made of: the deal's works and status changes in evolve's order (bounded by the deal). */
interface DealTimelineState {
  dealId: string;
  details: { type: string; name?: string; territories?: string[]; announcedAt?: PartialDate };
  /** The note of the last details correction that changed announcedAt. */
  announcementNote: string | null;
  withdrawn: { note: string } | null;
  works: DealWorkFact[];
  statusHistory: DealStatusFact[];
}

const DEAL_KEY = 'deal';
/** The deal details the entries show; a details update or correction of other keys changes no entry. */
const SHOWN_DETAILS = ['type', 'name', 'territories', 'announcedAt'] as const;
const showsDetails = (...objects: object[]) => objects.some((o) => SHOWN_DETAILS.some((key) => key in o));
const shownDetails = (details: object): DealTimelineState['details'] =>
  Object.fromEntries(SHOWN_DETAILS.filter((key) => key in details).map((key) => [key, (details as Record<string, unknown>)[key]])) as DealTimelineState['details'];

/** displayNote over a deal's list: a replacement shows the supersededBy note of the first fact with the id it supersedes. */
function dealNote<F extends DealAnnotations>(fact: F, all: readonly F[], idOf: (f: F) => string): string | null {
  if (fact.retracted) return fact.retracted.note;
  if (fact.supersededBy) return fact.supersededBy.note;
  if (fact.supersedes) return all.find((f) => idOf(f) === fact.supersedes)?.supersededBy?.note ?? null;
  return null;
}

/** dealTimelineRows: the announcement and every later status change, on each work the deal ever named. */
function dealEntries(state: DealTimelineState): [string, TimelineEntry][] {
  const { dealId, details, withdrawn } = state;
  const name = details.name ? `'${details.name}' ` : '';
  const rows: [string, TimelineEntry][] = [];
  state.works.forEach((w, index) => {
    const workNote = dealNote(w, state.works, (x) => x.workId);
    const flags = (fact: DealAnnotations, note: string | null) => ({
      source: fact.source ?? null,
      corrected: fact.supersededBy !== undefined || w.supersededBy !== undefined,
      ...(withdrawn ? { retracted: true, note: withdrawn.note } : { retracted: fact.retracted !== undefined || w.retracted !== undefined, note: note ?? workNote }),
    });
    const add = (key: string, kind: TimelineKind, label: string, date: PartialDate, entryDetails: Record<string, unknown>, entryFlags: Pick<TimelineEntry, 'corrected' | 'retracted' | 'note' | 'source'>) =>
      rows.push([
        key,
        {
          entry_key: key,
          work_id: w.workId,
          kind,
          label,
          occurred_at: date.date,
          precision: date.precision,
          sort_key: sortKeyOf(date),
          seq: rows.length,
          fact_type: 'deal',
          fact_id: dealId,
          subject_type: 'deal',
          subject_id: dealId,
          details: entryDetails,
          ...entryFlags,
        },
      ]);
    const prefix = `deal:${dealId}:work:${index}:${w.workId}`;
    const dealName = details.name ? { dealName: details.name } : {};
    add(
      `${prefix}:announced`,
      'deal-announced',
      `${details.type} deal ${name}announced`,
      details.announcedAt as PartialDate,
      { dealType: details.type, ...dealName, workRole: w.role, ...(w.territory ? { territory: w.territory } : {}), territories: details.territories },
      flags(w, state.announcementNote),
    );
    for (const s of state.statusHistory) {
      if (s.from === null) continue; // the announcement itself
      add(
        `${prefix}:status:${s.statusChangeId}`,
        'deal-status',
        `${details.type} deal ${name}${s.to}`,
        s.effective,
        { dealType: details.type, ...dealName, from: s.from, to: s.to, workRole: w.role, ...(s.reason ? { reason: s.reason } : {}) },
        flags(s, dealNote(s, state.statusHistory, (x) => x.statusChangeId)),
      );
    }
  });
  return rows;
}

/** The deal's hidden row and its entries as `state` renders them; the deal's open entries not rendered are closed. */
function dealChanges(state: DealTimelineState, rows: StreamRows): RowChange[] {
  const entries = dealEntries(state);
  const kept = new Set(entries.map(([key]) => key));
  return [
    put(FACTS, DEAL_KEY, { fact_type: 'deal', fact_id: state.dealId, fact: state as unknown as Row }),
    ...rows.list(ENTRIES).flatMap(([key]) => (kept.has(key) ? [] : [close(ENTRIES, key)])),
    ...entries.map(([key, row]) => put(ENTRIES, key, row)),
  ];
}

type Deal<K extends keyof DealEventDataMap> = ProjectedEvent<K, DealEventDataMap[K]>;
/** A deal stream's reads: its hidden row, and its entries (a handful: works × status changes). */
const DEAL_READS: RowReads = { keys: [[FACTS, DEAL_KEY]], tables: [ENTRIES] };

/** A deal event that changes the timeline (`shows` false: this one does not, nothing is read). */
function onDeal<K extends keyof DealEventDataMap>(change: (state: DealTimelineState, event: Deal<K>) => DealTimelineState, shows: (event: Deal<K>) => boolean = () => true): EventHandler<Deal<K>> {
  return {
    reads: (event) => (shows(event) ? DEAL_READS : {}),
    apply: (event, rows) => {
      if (!shows(event)) return [];
      const state = required(rows, FACTS, DEAL_KEY, event).fact as DealTimelineState;
      return dealChanges(change(state, event), rows);
    },
  };
}

/** updateCurrentWork: only the first current entry with that work id changes. */
function onCurrentWork(works: readonly DealWorkFact[], workId: string, change: (w: DealWorkFact) => DealWorkFact): DealWorkFact[] {
  const index = works.findIndex((w) => w.workId === workId && !w.supersededBy && !w.retracted);
  return works.map((w, i) => (i === index ? change(w) : w));
}

const dealWork = (w: { workId: string; role: string; territory?: string }, event: ProjectedEvent): DealWorkFact =>
  compact({ workId: w.workId, role: w.role, territory: w.territory, source: citedSource(event.metadata.source) ?? undefined });
const statedSource = (event: ProjectedEvent) => compact({ source: citedSource(event.metadata.source) ?? undefined });

const dealHandlers: HandlersFor<'deal'> = {
  DealAnnounced: {
    reads: () => DEAL_READS,
    apply: (event, rows) =>
      dealChanges(
        {
          dealId: event.data.dealId,
          details: shownDetails(event.data),
          announcementNote: null,
          withdrawn: null,
          works: event.data.works.map((w) => dealWork(w, event)),
          statusHistory: [{ statusChangeId: event.data.statusChangeId, from: null, to: 'announced', effective: event.data.announcedAt, ...statedSource(event) }],
        },
        rows,
      ),
  },
  DealDetailsUpdated: onDeal(
    (state, { data }) => ({ ...state, details: { ...state.details, ...shownDetails(data.changes) } }),
    ({ data }) => showsDetails(data.changes),
  ),
  DealDetailsCorrected: onDeal(
    (state, { data: { changes, previous, note } }) => {
      // applyDetailsCorrection: keys in `previous` but not in `changes` were removed.
      const details: Record<string, unknown> = { ...state.details, ...shownDetails(changes) };
      for (const key of Object.keys(previous)) if (!(key in changes)) delete details[key];
      return { ...state, details: compact(details) as DealTimelineState['details'], announcementNote: 'announcedAt' in changes ? note : state.announcementNote };
    },
    ({ data }) => showsDetails(data.changes, data.previous),
  ),
  DealWorkAdded: onDeal((state, event) => ({ ...state, works: [...state.works, dealWork(event.data, event)] })),
  DealStatusChanged: onDeal((state, event) => ({
    ...state,
    statusHistory: [
      ...state.statusHistory,
      compact({ statusChangeId: event.data.statusChangeId, from: event.data.from, to: event.data.to, effective: event.data.effective, reason: event.data.reason, ...statedSource(event) }),
    ],
  })),
  DealWorkCorrected: onDeal((state, event) => ({
    ...state,
    // appended even when no current entry has the id (as evolve does)
    works: [...onCurrentWork(state.works, event.data.workId, (w) => ({ ...w, supersededBy: { note: event.data.note } })), { ...dealWork(event.data.replacement, event), supersedes: event.data.workId }],
  })),
  DealStatusChangeCorrected: onDeal((state, event) => {
    const { statusChangeId, replacementStatusChangeId, replacement, note } = event.data;
    return {
    ...state,
    // The replacement takes the corrected change's place (and its `from`).
    statusHistory: state.statusHistory.flatMap((s) =>
      s.statusChangeId === statusChangeId
        ? [
            { ...s, supersededBy: { note } },
            compact({ statusChangeId: replacementStatusChangeId, from: s.from, to: replacement.to, effective: replacement.effective, reason: replacement.reason, supersedes: statusChangeId, ...statedSource(event) }),
          ]
        : [s],
    ),
    };
  }),
  DealFactRetracted: onDeal(
    (state, { data: { fact, note } }) => {
      switch (fact.type) {
        case 'deal':
          return { ...state, withdrawn: { note } };
        case 'work':
          return { ...state, works: onCurrentWork(state.works, fact.id, (w) => ({ ...w, retracted: { note } })) };
        default:
          return { ...state, statusHistory: state.statusHistory.map((s) => (s.statusChangeId === fact.id ? { ...s, retracted: { note } } : s)) };
      }
    },
    ({ data: { fact } }) => fact.type !== 'party',
  ),
  DealRetracted: onDeal((state, { data }) => ({ ...state, withdrawn: { note: data.note } })),
  // Parties and clarifications are not on the timeline.
  DealPartyAdded: ignore,
  DealPartyCorrected: ignore,
  DealFactStandingChanged: ignore,
  DealFactClarified: ignore,
};

export const timelineProjection: Projection = {
  name: 'timeline',
  tables: [TIMELINE_ENTRIES, TIMELINE_FACTS],
  handlers: { work: workHandlers, deal: dealHandlers },
};
