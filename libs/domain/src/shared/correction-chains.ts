/**
 * Correction chains, for auditors: for each event, what it fixed (a correction, clarification, retraction or move:
 * the fact it names and the event(s) that stated that fact) and what later fixed it (the fixes naming a fact it
 * stated or changed). Computed from the events alone, in the same terms as the evolve functions:
 *
 * - A correction (`…Corrected`) deprecates fact `<x>Id` and states `replacement<X>Id` (DealWorkCorrected: the old
 *   workId, replaced by `replacement.workId`); a details correction (`…DetailsCorrected`, no fact id) fixes the keys
 *   in `changes` and `previous`, stated by the last event that stated each of them.
 * - A clarification / retraction (`…FactClarified`, `…FactRetracted`) names `data.fact` (resolved by decide, never
 *   `{ type: 'event' }`); `…Retracted` withdraws the aggregate itself (stated by its registration).
 * - A move is one correction recorded on two streams: `…MovedOut` on the source and `…MovedIn` on the target both fix
 *   the source fact, and the moved-in fact is the replacement.
 *
 * Facts are scoped by stream: the same id on two streams (a deal's "work" fact is a work id) are different facts.
 * Pure; pass the events of every stream involved, in global order (see `streamsToLoad`).
 */
import type { SourceCitation } from '../../../contracts/src/envelope.js';
import { parseStreamId, type AggregateType } from '../../../contracts/src/streams.js';

/** The event fields the chain needs (a StoredEvent or PublishedEvent has them). */
export interface ChainEvent {
  eventId: string;
  globalPosition: string;
  streamId: string;
  streamType: string;
  type: string;
  recordedAt: string;
  data: Record<string, unknown>;
  metadata?: { note?: string; actor?: { id: string; role: string }; source?: SourceCitation };
}

export interface FactInStream {
  streamId: string;
  type: string;
  id: string;
  /** Details facts (the aggregate's own attributes) only: the attribute keys concerned. */
  keys?: string[];
}

export interface ChainEventRef {
  eventId: string;
  globalPosition: string;
  streamId: string;
  type: string;
  recordedAt: string;
}

export type FixKind = 'correction' | 'clarification' | 'retraction' | 'move';

export interface FixDescription {
  kind: FixKind;
  /** The fact fixed. */
  fact: FactInStream;
  /** Corrections and moves: the fact that replaces it. */
  replacement?: FactInStream;
  /** The event(s) that stated the fixed fact (details: the last statement of each key), oldest first. */
  statedBy: ChainEventRef[];
  note?: string;
}

export interface FixedByEntry extends ChainEventRef {
  kind: FixKind;
  note?: string;
  /** Who recorded the fix, and the source it cites. */
  actor?: { id: string; role: string };
  source?: SourceCitation;
}

export interface CorrectionChain {
  /** Set on fixes: what this event fixed. */
  fixes?: FixDescription;
  /** Later fixes of a fact this event stated or changed, oldest first. Empty when nothing fixed it (yet). */
  fixedBy: FixedByEntry[];
}

/** How one event relates to facts. `keys: undefined` on a details fact means all of its keys. */
interface EventFacts {
  states: FactInStream[];
  modifies: FactInStream[];
  fix?: { kind: FixKind; fact: FactInStream; replacement?: FactInStream };
}

const SELF_TYPES: Record<AggregateType, string> = { work: 'work', organization: 'organization', person: 'person', deal: 'deal' };

/** Creation of an id fact: event type → [fact type, id field]. */
const STATES_ID: Record<string, [string, string]> = {
  TitleAdded: ['title', 'titleId'],
  WorkRelated: ['relation', 'relationId'],
  WorkStatusChanged: ['status-change', 'statusChangeId'],
  CompanyCreditAdded: ['company-credit', 'creditId'],
  TalentAttached: ['talent-attachment', 'attachmentId'],
  ReleaseScheduled: ['release', 'releaseId'],
  MilestoneRecorded: ['milestone', 'milestoneId'],
  OrganizationNameAdded: ['name', 'nameId'],
  PersonNameAdded: ['name', 'nameId'],
  DealPartyAdded: ['party', 'partyId'],
  DealWorkAdded: ['work', 'workId'],
  DealStatusChanged: ['status-change', 'statusChangeId'],
};

/** Changes to an existing id fact that are not fixes (new information about its life). */
const MODIFIES_ID: Record<string, [string, string]> = {
  PrimaryTitleSet: ['title', 'titleId'],
  CompanyCreditEnded: ['company-credit', 'creditId'],
  TalentDetached: ['talent-attachment', 'attachmentId'],
  ReleaseMoved: ['release', 'releaseId'],
  ReleaseOccurred: ['release', 'releaseId'],
  ReleaseCancelled: ['release', 'releaseId'],
  PrimaryOrganizationNameSet: ['name', 'nameId'],
  PrimaryPersonNameSet: ['name', 'nameId'],
};

/** Corrections of an id fact: [fact type, id field, replacement id field]. */
const CORRECTS_ID: Record<string, [string, string, string]> = {
  TitleCorrected: ['title', 'titleId', 'replacementTitleId'],
  WorkRelationCorrected: ['relation', 'relationId', 'replacementRelationId'],
  WorkStatusChangeCorrected: ['status-change', 'statusChangeId', 'replacementStatusChangeId'],
  CompanyCreditCorrected: ['company-credit', 'creditId', 'replacementCreditId'],
  TalentAttachmentCorrected: ['talent-attachment', 'attachmentId', 'replacementAttachmentId'],
  ReleaseCorrected: ['release', 'releaseId', 'replacementReleaseId'],
  MilestoneCorrected: ['milestone', 'milestoneId', 'replacementMilestoneId'],
  OrganizationNameCorrected: ['name', 'nameId', 'replacementNameId'],
  PersonNameCorrected: ['name', 'nameId', 'replacementNameId'],
  DealPartyCorrected: ['party', 'partyId', 'replacementPartyId'],
  DealStatusChangeCorrected: ['status-change', 'statusChangeId', 'replacementStatusChangeId'],
};

const DETAILS_UPDATED: ReadonlySet<string> = new Set(['WorkDetailsUpdated', 'OrganizationDetailsUpdated', 'PersonDetailsUpdated', 'DealDetailsUpdated']);
const DETAILS_CORRECTED: ReadonlySet<string> = new Set(['WorkDetailsCorrected', 'OrganizationDetailsCorrected', 'PersonDetailsCorrected', 'DealDetailsCorrected']);
const CLARIFIED: ReadonlySet<string> = new Set(['WorkFactClarified', 'OrganizationFactClarified', 'PersonFactClarified', 'DealFactClarified']);
const FACT_RETRACTED: ReadonlySet<string> = new Set(['WorkFactRetracted', 'OrganizationFactRetracted', 'PersonFactRetracted', 'DealFactRetracted']);
/** A fact's standing changed (rumored → confirmed, denied): new information about it, not a fix. */
const STANDING_CHANGED: ReadonlySet<string> = new Set(['WorkFactStandingChanged', 'OrganizationFactStandingChanged', 'PersonFactStandingChanged', 'DealFactStandingChanged']);
const WHOLE_RETRACTED: ReadonlySet<string> = new Set(['WorkRetracted', 'OrganizationRetracted', 'PersonRetracted', 'DealRetracted']);
const MOVES: Record<string, { direction: 'out' | 'in'; factType: string; id: string; otherWork: string; otherId: string }> = {
  CompanyCreditMovedOut: { direction: 'out', factType: 'company-credit', id: 'creditId', otherWork: 'targetWorkId', otherId: 'targetCreditId' },
  TalentAttachmentMovedOut: { direction: 'out', factType: 'talent-attachment', id: 'attachmentId', otherWork: 'targetWorkId', otherId: 'targetAttachmentId' },
  CompanyCreditMovedIn: { direction: 'in', factType: 'company-credit', id: 'creditId', otherWork: 'sourceWorkId', otherId: 'sourceCreditId' },
  TalentAttachmentMovedIn: { direction: 'in', factType: 'talent-attachment', id: 'attachmentId', otherWork: 'sourceWorkId', otherId: 'sourceAttachmentId' },
};
const REGISTRATIONS: ReadonlySet<string> = new Set(['WorkRegistered', 'OrganizationRegistered', 'PersonRegistered', 'DealAnnounced']);
/**
 * Merges link two records, not facts: they state and fix none (the two halves of a merge, and of its undo, share a
 * mergeId in their data; an undo names the merge it reverses by it).
 */
const MERGES: ReadonlySet<string> = new Set(
  ['Organization', 'Person', 'Work'].flatMap((noun) => [`${noun}Merged`, `${noun}Absorbed`, `${noun}Unmerged`, `${noun}AbsorptionReverted`]),
);
/** Events that state or fix nothing a chain follows beyond their aggregate attributes. */
const PARENT_CHANGED = 'OrganizationParentChanged';
/** An erasure destroys keys, not facts: it states and fixes nothing a chain follows. */
const ERASURES: ReadonlySet<string> = new Set(['PersonDataErased']);

/** Every event type this module understands (a unit test checks it covers the whole contract). */
export const CHAIN_EVENT_TYPES: ReadonlySet<string> = new Set([
  ...Object.keys(STATES_ID),
  ...Object.keys(MODIFIES_ID),
  ...Object.keys(CORRECTS_ID),
  'DealWorkCorrected',
  ...DETAILS_UPDATED,
  ...DETAILS_CORRECTED,
  ...CLARIFIED,
  ...FACT_RETRACTED,
  ...STANDING_CHANGED,
  ...WHOLE_RETRACTED,
  ...Object.keys(MOVES),
  ...REGISTRATIONS,
  PARENT_CHANGED,
  ...ERASURES,
  ...MERGES,
]);

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const ids = (list: unknown, field: string): string[] =>
  Array.isArray(list) ? list.map((item) => str((item as Record<string, unknown> | null)?.[field])).filter((id): id is string => id !== undefined) : [];
const keysOf = (...objects: unknown[]): string[] => [...new Set(objects.flatMap((o) => (o && typeof o === 'object' ? Object.keys(o) : [])))].sort();

function selfOf(event: ChainEvent): { type: string; id: string } | undefined {
  const parsed = parseStreamId(event.streamId);
  return parsed ? { type: SELF_TYPES[parsed.aggregate], id: parsed.id } : undefined;
}

/** What one event states, changes and fixes. */
function factsOf(event: ChainEvent): EventFacts {
  const { data, streamId, type } = event;
  const out: EventFacts = { states: [], modifies: [] };
  const fact = (factType: string, id: string | undefined, keys?: string[], inStream = streamId): FactInStream[] =>
    id === undefined ? [] : [keys === undefined ? { streamId: inStream, type: factType, id } : { streamId: inStream, type: factType, id, keys }];
  const self = selfOf(event);

  if (REGISTRATIONS.has(type) && self) {
    out.states.push(...fact(self.type, self.id));
    if (type === 'WorkRegistered') {
      for (const id of ids(data.titles, 'titleId')) out.states.push(...fact('title', id));
      out.states.push(...fact('status-change', str(data.statusChangeId)));
    } else if (type === 'DealAnnounced') {
      for (const id of ids(data.parties, 'partyId')) out.states.push(...fact('party', id));
      for (const id of ids(data.works, 'workId')) out.states.push(...fact('work', id));
      out.states.push(...fact('status-change', str(data.statusChangeId)));
    } else {
      for (const id of ids(data.names, 'nameId')) out.states.push(...fact('name', id));
    }
  } else if (DETAILS_UPDATED.has(type) && self) {
    out.states.push(...fact(self.type, self.id, keysOf(data.changes)));
  } else if (type === PARENT_CHANGED && self) {
    out.states.push(...fact(self.type, self.id, ['parentOrganizationId']));
  } else if (STATES_ID[type]) {
    const [factType, field] = STATES_ID[type];
    out.states.push(...fact(factType, str(data[field])));
  } else if (MODIFIES_ID[type]) {
    const [factType, field] = MODIFIES_ID[type];
    out.modifies.push(...fact(factType, str(data[field])));
  } else if (CORRECTS_ID[type]) {
    const [factType, field, replacementField] = CORRECTS_ID[type];
    const [fixed] = fact(factType, str(data[field]));
    const [replacement] = fact(factType, str(data[replacementField]));
    if (replacement) out.states.push(replacement);
    if (fixed) out.fix = { kind: 'correction', fact: fixed, ...(replacement ? { replacement } : {}) };
  } else if (type === 'DealWorkCorrected') {
    const [fixed] = fact('work', str(data.workId));
    const [replacement] = fact('work', str((data.replacement as Record<string, unknown> | undefined)?.workId));
    if (replacement) out.states.push(replacement);
    if (fixed) out.fix = { kind: 'correction', fact: fixed, ...(replacement ? { replacement } : {}) };
  } else if (DETAILS_CORRECTED.has(type) && self) {
    const keys = keysOf(data.changes, data.previous);
    const [corrected] = fact(self.type, self.id, keys);
    out.states.push(corrected!);
    out.fix = { kind: 'correction', fact: corrected! };
  } else if (CLARIFIED.has(type) || FACT_RETRACTED.has(type)) {
    const ref = data.fact as { type?: unknown; id?: unknown } | undefined;
    const [named] = fact(String(ref?.type ?? ''), str(ref?.id));
    if (named) out.fix = { kind: CLARIFIED.has(type) ? 'clarification' : 'retraction', fact: named };
  } else if (STANDING_CHANGED.has(type)) {
    const ref = data.fact as { type?: unknown; id?: unknown } | undefined;
    out.modifies.push(...fact(String(ref?.type ?? ''), str(ref?.id)));
  } else if (WHOLE_RETRACTED.has(type) && self) {
    out.fix = { kind: 'retraction', fact: fact(self.type, self.id)[0]! };
  } else if (MOVES[type]) {
    const move = MOVES[type];
    const other = str(data[move.otherWork]);
    const here = fact(move.factType, str(data[move.id]))[0];
    const there = other ? fact(move.factType, str(data[move.otherId]), undefined, `work-${other}`)[0] : undefined;
    const [source, target] = move.direction === 'out' ? [here, there] : [there, here];
    if (move.direction === 'in' && here) out.states.push(here);
    if (source) out.fix = { kind: 'move', fact: source, ...(target ? { replacement: target } : {}) };
  }
  return out;
}

/** Streams beyond the given ones whose events a chain of these events needs: the other side of every move. */
export function streamsToLoad(events: readonly ChainEvent[]): string[] {
  const have = new Set(events.map((e) => e.streamId));
  const more = new Set<string>();
  for (const event of events) {
    const move = MOVES[event.type];
    const other = move ? str(event.data[move.otherWork]) : undefined;
    if (other && !have.has(`work-${other}`)) more.add(`work-${other}`);
  }
  return [...more];
}

const factKey = (f: { streamId: string; type: string; id: string }) => `${f.streamId}\u0000${f.type}\u0000${f.id}`;
const refOf = (e: ChainEvent): ChainEventRef => ({ eventId: e.eventId, globalPosition: e.globalPosition, streamId: e.streamId, type: e.type, recordedAt: e.recordedAt });

/**
 * The correction chain of every event given, by eventId. Pass whole streams (and the other side of their moves) in
 * global-position order; a fact stated outside the given events has an empty `statedBy`.
 */
export function correctionChains(events: readonly ChainEvent[]): Map<string, CorrectionChain> {
  const ordered = [...events].sort((a, b) => (BigInt(a.globalPosition) < BigInt(b.globalPosition) ? -1 : BigInt(a.globalPosition) > BigInt(b.globalPosition) ? 1 : 0));
  const chains = new Map<string, CorrectionChain>();
  const byId = new Map<string, ChainEvent>();
  /** Id facts → the event that stated them. Details facts → key ('*' for all) → the last event that stated it. */
  const statedBy = new Map<string, string>();
  const detailsStatedBy = new Map<string, Map<string, string>>();
  const modifiedBy = new Map<string, string[]>();

  for (const event of ordered) {
    if (chains.has(event.eventId)) continue;
    byId.set(event.eventId, event);
    const chain: CorrectionChain = { fixedBy: [] };
    chains.set(event.eventId, chain);
    const facts = factsOf(event);

    if (facts.fix) {
      const { fact } = facts.fix;
      const key = factKey(fact);
      const stating: string[] = [];
      const details = detailsStatedBy.get(key);
      if (details) {
        for (const k of fact.keys ?? ['*']) {
          const id = details.get(k) ?? details.get('*');
          if (id) stating.push(id);
        }
      } else {
        const id = statedBy.get(key);
        if (id) stating.push(id);
      }
      const statedByEvents = [...new Set(stating)].map((id) => byId.get(id)!).sort((a, b) => Number(BigInt(a.globalPosition) - BigInt(b.globalPosition)));
      chain.fixes = { ...facts.fix, statedBy: statedByEvents.map(refOf), ...(event.metadata?.note ? { note: event.metadata.note } : {}) };
      const fixedBy: FixedByEntry = {
        ...refOf(event),
        kind: facts.fix.kind,
        ...(event.metadata?.note ? { note: event.metadata.note } : {}),
        ...(event.metadata?.actor ? { actor: event.metadata.actor } : {}),
        ...(event.metadata?.source ? { source: event.metadata.source } : {}),
      };
      const affected = new Set([...statedByEvents.map((e) => e.eventId), ...(details ? [] : (modifiedBy.get(key) ?? []))]);
      for (const id of affected) if (id !== event.eventId) chains.get(id)!.fixedBy.push(fixedBy);
    }

    for (const fact of facts.states) {
      const key = factKey(fact);
      const self = selfOf(event);
      if (self && fact.type === self.type && fact.id === self.id && fact.streamId === event.streamId) {
        const details = detailsStatedBy.get(key) ?? new Map<string, string>();
        if (fact.keys === undefined) {
          details.clear();
          details.set('*', event.eventId);
        } else {
          for (const k of fact.keys) details.set(k, event.eventId);
        }
        detailsStatedBy.set(key, details);
      } else {
        // the latest statement (a correction replacing a deal's work with the same work id states it again)
        statedBy.set(key, event.eventId);
      }
    }
    for (const fact of facts.modifies) {
      const key = factKey(fact);
      modifiedBy.set(key, [...(modifiedBy.get(key) ?? []), event.eventId]);
    }
  }
  return chains;
}
