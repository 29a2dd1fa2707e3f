/**
 * Reference (timeline): what the model shows, computed from a stream's whole folded domain state. Tests only: the
 * engine's handlers (../../timeline/timeline.handlers.ts) must give the same rows event by event.
 */
import type { PartialDate } from '../../../../contracts/src/envelope.js';
import { streamIdFor } from '../../../../contracts/src/streams.js';
import type { DealState } from '../../../../domain/src/deal/deal.state.js';
import { eventIdsInOrder, type FactAnnotations, type FactsByEvent } from '../../../../domain/src/shared/facts.js';
import type { WorkState } from '../../../../domain/src/work/work.state.js';
import { citedSource, type CitedSource } from '../../shared/cited-source.js';
import { sortKeyOf } from '../../shared/dates.js';
import { displayNote } from './notes.js';
import type { TableColumns } from '../../shared/columns.js';
import { TimelineEntryRow } from '../../timeline/timeline.types.js';
import type { PublishedEvent } from '../../../../contracts/src/published-event.js';

export const TIMELINE_COLUMNS: TableColumns<TimelineEntryRow> = {
  owner_stream: 'text',
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
};

type Entry = Omit<TimelineEntryRow, 'owner_stream' | 'work_id' | 'occurred_at' | 'precision' | 'sort_key' | 'seq' | 'corrected' | 'retracted' | 'note' | 'source'>;

/** The source an entry cites, by the id of its fact (work facts) or of the event that stated it (deal entries). */
export type SourceLookup = (id: string) => CitedSource | null;
const NO_SOURCES: SourceLookup = () => null;

/** Ids of the work facts an event data names (the fact it states, changes, corrects or replaces it with). */
function factIdsNamed(data: Record<string, unknown>): string[] {
  const named = ['statusChangeId', 'milestoneId', 'attachmentId', 'creditId', 'releaseId'];
  const ids = Object.entries(data).filter(([key, v]) => typeof v === 'string' && (named.includes(key) || /^replacement[A-Za-z]*Id$/.test(key))).map(([, v]) => v as string);
  const fact = data.fact as { id?: string } | undefined;
  return fact?.id ? [...ids, fact.id] : ids;
}

/**
 * A work fact's source: that of the last event of the stream naming the fact — the one that stated it, dated, ended,
 * moved, corrected (both the fact and its replacement), retracted or clarified it. Standing changes have entries of
 * their own and change no other entry's source.
 */
export function workFactSources(events: readonly PublishedEvent[]): SourceLookup {
  const byFact = new Map<string, CitedSource | null>();
  for (const e of events) {
    if (e.type === 'WorkFactStandingChanged') continue;
    for (const id of factIdsNamed(e.data as Record<string, unknown>)) byFact.set(id, citedSource((e.metadata as { source?: object }).source));
  }
  return (id) => byFact.get(id) ?? null;
}

/** Each event's source by its id. */
export function eventSources(events: readonly PublishedEvent[]): SourceLookup {
  const byEvent = new Map(events.map((e) => [e.eventId, citedSource((e.metadata as { source?: object }).source)]));
  return (id) => byEvent.get(id) ?? null;
}

/**
 * The position of an event in the stream, from the order facts were recorded in factsByEventId (one entry per event,
 * oldest first). Entries on one day read in that order.
 */
function eventOrder(factsByEventId: FactsByEvent<unknown>): (eventId: string) => number {
  const index = new Map(eventIdsInOrder(factsByEventId).map((id, i) => [id, i]));
  return (eventId) => index.get(eventId) ?? index.size;
}

function flags(fact: FactAnnotations, note: string | null): Pick<TimelineEntryRow, 'corrected' | 'retracted' | 'note'> {
  return { corrected: fact.supersededBy !== undefined, retracted: fact.retracted !== undefined, note };
}

function dated(date: PartialDate): Pick<TimelineEntryRow, 'occurred_at' | 'precision' | 'sort_key'> {
  return { occurred_at: date.date, precision: date.precision, sort_key: sortKeyOf(date) };
}

/**
 * A work's dated facts. Deprecated facts stay on the timeline flagged `corrected` or `retracted` with the editor's
 * note; a correction's replacement appears at its own (possibly new) date carrying the same note, so a fixed fact
 * visibly moves. Undated facts (an attachment without attachedAt) are not timeline entries.
 */

export function workTimelineRows(state: WorkState, sourceOfFact: SourceLookup = NO_SOURCES): TimelineEntryRow[] {
  if (!state.workId) return [];
  const workId = state.workId;
  const owner = streamIdFor('work', workId);
  const rows: TimelineEntryRow[] = [];
  const order = eventOrder(state.factsByEventId);
  const push = (date: PartialDate | undefined, entry: Entry, fact: FactAnnotations, note: string | null, statedIn = fact.statedBy) => {
    if (!date) return;
    // a clarified fact stays current; its entries carry the clarifications' notes
    const details = fact.clarifications.length > 0 ? { ...entry.details, clarifications: fact.clarifications.map((c) => c.note) } : entry.details;
    rows.push({ owner_stream: owner, work_id: workId, ...entry, details, ...dated(date), seq: order(statedIn), ...flags(fact, note), source: sourceOfFact(entry.fact_id) });
  };

  for (const s of state.statusHistory) {
    const note = displayNote(s, state.statusHistory, (x) => x.statusChangeId);
    push(
      s.effective,
      {
        entry_key: `status-change:${s.statusChangeId}`,
        kind: 'status',
        label: s.from ? `Status: ${s.from} → ${s.to}` : `Registered as ${s.to}`,
        fact_type: 'status-change',
        fact_id: s.statusChangeId,
        subject_type: null,
        subject_id: null,
        details: { from: s.from, to: s.to, ...(s.reason ? { reason: s.reason } : {}) },
      },
      s,
      note,
    );
  }
  for (const m of state.milestones) {
    push(
      m.date,
      { entry_key: `milestone:${m.milestoneId}`, kind: 'milestone', label: m.label, fact_type: 'milestone', fact_id: m.milestoneId, subject_type: null, subject_id: null, details: { milestoneKind: m.kind } },
      m,
      displayNote(m, state.milestones, (x) => x.milestoneId),
    );
  }
  for (const a of state.attachments) {
    const note = displayNote(a, state.attachments, (x) => x.attachmentId, a.movedFrom);
    const details = { role: a.role, ...(a.character ? { character: a.character } : {}), ...(a.billing ? { billing: a.billing } : {}), ...(a.supersededBy?.workId ? { movedToWorkId: a.supersededBy.workId } : {}), ...(a.movedFrom ? { movedFromWorkId: a.movedFrom.workId } : {}) };
    push(
      a.attachedAt,
      { entry_key: `talent-attachment:${a.attachmentId}:attached`, kind: 'talent-attached', label: `${a.role} attached`, fact_type: 'talent-attachment', fact_id: a.attachmentId, subject_type: 'person', subject_id: a.personId, details },
      a,
      note,
    );
    if (a.detached) {
      push(
        a.detached.detachedAt,
        {
          entry_key: `talent-attachment:${a.attachmentId}:detached`,
          kind: 'talent-detached',
          label: `${a.role} detached`,
          fact_type: 'talent-attachment',
          fact_id: a.attachmentId,
          subject_type: 'person',
          subject_id: a.personId,
          details: { ...details, reason: a.detached.reason },
        },
        a,
        note,
        a.detached.eventId,
      );
    }
  }
  for (const c of state.credits) {
    const note = displayNote(c, state.credits, (x) => x.creditId, c.movedFrom);
    const details = { role: c.role, ...(c.country ? { country: c.country } : {}), ...(c.territory ? { territory: c.territory } : {}), ...(c.supersededBy?.workId ? { movedToWorkId: c.supersededBy.workId } : {}), ...(c.movedFrom ? { movedFromWorkId: c.movedFrom.workId } : {}) };
    push(
      c.from,
      { entry_key: `company-credit:${c.creditId}:from`, kind: 'company-credit-start', label: `${c.role} from`, fact_type: 'company-credit', fact_id: c.creditId, subject_type: 'organization', subject_id: c.organizationId, details },
      c,
      note,
    );
    push(
      c.to,
      {
        entry_key: `company-credit:${c.creditId}:to`,
        kind: 'company-credit-end',
        label: `${c.role} until`,
        fact_type: 'company-credit',
        fact_id: c.creditId,
        subject_type: 'organization',
        subject_id: c.organizationId,
        details: { ...details, ...(c.endReason ? { reason: c.endReason } : {}) },
      },
      c,
      note,
    );
  }
  for (const r of state.releases) {
    push(
      r.date,
      {
        entry_key: `release:${r.releaseId}`,
        kind: 'release',
        label: `${r.festival ? `${r.festival}: ` : ''}${r.type} release in ${r.territory} (${r.status})`,
        fact_type: 'release',
        fact_id: r.releaseId,
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
      },
      r,
      displayNote(r, state.releases, (x) => x.releaseId),
    );
  }
  return rows;
}

/**
 * A deal's entries on each work it touches (owned by the deal stream): its announcement and its status changes.
 * A deal work that was corrected away or retracted keeps its entries, flagged; a withdrawn deal flags everything.
 */

export function dealTimelineRows(state: DealState, sourceOfEvent: SourceLookup = NO_SOURCES): TimelineEntryRow[] {
  if (!state.dealId || !state.details) return [];
  const dealId = state.dealId;
  const details = state.details;
  const owner = streamIdFor('deal', dealId);
  const name = details.name ? `'${details.name}' ` : '';
  const rows: TimelineEntryRow[] = [];
  state.works.forEach((w, index) => {
    const workNote = displayNote(w, state.works, (x) => x.workId);
    const base = { owner_stream: owner, work_id: w.workId, fact_type: 'deal', fact_id: dealId, subject_type: 'deal' as const, subject_id: dealId };
    const withdrawn = state.withdrawn;
    const entryFlags = (fact: FactAnnotations, note: string | null) =>
      withdrawn ? { corrected: fact.supersededBy !== undefined || w.supersededBy !== undefined, retracted: true, note: withdrawn.note } : {
        corrected: fact.supersededBy !== undefined || w.supersededBy !== undefined,
        retracted: fact.retracted !== undefined || w.retracted !== undefined,
        note: note ?? workNote,
      };
    const correctedAnnouncement = state.detailsCorrections.filter((c) => 'announcedAt' in c.changes).at(-1);
    rows.push({
      ...base,
      entry_key: `deal:${dealId}:work:${index}:${w.workId}:announced`,
      kind: 'deal-announced',
      label: `${details.type} deal ${name}announced`,
      ...dated(details.announcedAt),
      seq: rows.length,
      details: { dealType: details.type, ...(details.name ? { dealName: details.name } : {}), workRole: w.role, ...(w.territory ? { territory: w.territory } : {}), territories: details.territories },
      ...entryFlags(w, correctedAnnouncement?.note ?? null),
      source: sourceOfEvent(w.statedBy),
    });
    for (const s of state.statusHistory) {
      if (s.from === null) continue; // the announcement itself
      const note = displayNote(s, state.statusHistory, (x) => x.statusChangeId);
      rows.push({
        ...base,
        entry_key: `deal:${dealId}:work:${index}:${w.workId}:status:${s.statusChangeId}`,
        kind: 'deal-status',
        label: `${details.type} deal ${name}${s.to}`,
        ...dated(s.effective),
        seq: rows.length,
        details: { dealType: details.type, ...(details.name ? { dealName: details.name } : {}), from: s.from, to: s.to, workRole: w.role, ...(s.reason ? { reason: s.reason } : {}) },
        ...entryFlags(s, note),
        source: sourceOfEvent(s.statedBy),
      });
    }
  });
  return rows;
}

export function isCurrentEntry(row: Pick<TimelineEntryRow, 'corrected' | 'retracted'>): boolean {
  return !row.corrected && !row.retracted;
}

/**
 * A work's standing entries: one per standing change of one of its facts, in the order recorded, dated by the
 * event's occurredAt or else the day it was recorded, carrying the change, its note and the source it cites. They
 * are a function of the standing-change events alone (a later fix of the fact does not rewrite what the desk learnt).
 */
export function standingTimelineRows(events: readonly PublishedEvent[]): TimelineEntryRow[] {
  return events
    .filter((e) => e.type === 'WorkFactStandingChanged')
    .map((e) => {
      const data = e.data as { workId: string; fact: { type: string; id: string }; standing: string; from: string };
      const metadata = e.metadata as { occurredAt?: PartialDate; note?: string; source: { publisher: string; url?: string; publishedAt?: string; kind?: string } };
      const date = metadata.occurredAt ?? { date: e.recordedAt.slice(0, 10), precision: 'day' as const };
      const source = citedSource(metadata.source);
      return {
        owner_stream: e.streamId,
        entry_key: `standing:${e.eventId}`,
        work_id: data.workId,
        kind: 'standing' as const,
        label: `${data.fact.type} ${data.standing} (was ${data.from})`,
        ...dated(date),
        seq: e.streamVersion - 1,
        fact_type: data.fact.type,
        fact_id: data.fact.id,
        subject_type: null,
        subject_id: null,
        details: { standing: data.standing, from: data.from, source: source ?? {} },
        corrected: false,
        retracted: false,
        note: metadata.note ?? null,
        source,
      };
    });
}
