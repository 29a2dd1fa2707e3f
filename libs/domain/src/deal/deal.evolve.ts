import type { DealFactRef } from '../../../contracts/src/events/deal.events.js';
import { assertNever } from '../shared/decider.js';
import {
  applyDetailsCorrection,
  clarifiedFact,
  deprecatedBySupersession,
  isCurrent,
  retractedFact,
  withStanding,
  statedBy,
  updateFact,
  withFactStatedBy,
  type EditorialNote,
  type FactAnnotations,
  type FactsByEvent,
} from '../shared/facts.js';
import type { DealEvent } from './deal.events.js';
import { withDealStatus, type DealState, type DealWork } from './deal.state.js';

export function evolveDeal(state: DealState, event: DealEvent): DealState {
  return { ...apply(state, event), version: state.version + 1 };
}

function withFact(state: DealState, eventId: string, fact: DealFactRef): FactsByEvent<DealFactRef> {
  return withFactStatedBy(state.factsByEventId, eventId, fact);
}

/** Deal works are keyed by workId; only the current entry with that id changes. */
function updateCurrentWork(works: readonly DealWork[], workId: string, change: (w: DealWork) => DealWork): DealWork[] {
  const index = works.findIndex((w) => w.workId === workId && isCurrent(w));
  return works.map((w, i) => (i === index ? change(w) : w));
}

function onFact(state: DealState, fact: DealFactRef, change: <F extends FactAnnotations>(f: F) => F, note: EditorialNote, kind: 'clarify' | 'retract' | 'standing'): DealState {
  switch (fact.type) {
    case 'deal':
      if (kind === 'standing') return { ...state };
      return kind === 'clarify' ? { ...state, clarifications: [...state.clarifications, note] } : { ...state, withdrawn: note };
    case 'party':
      return { ...state, parties: updateFact(state.parties, (p) => p.partyId, fact.id, change) };
    case 'work':
      return { ...state, works: updateCurrentWork(state.works, fact.id, change) };
    case 'status-change':
      return withDealStatus({ ...state, statusHistory: updateFact(state.statusHistory, (s) => s.statusChangeId, fact.id, change) });
    default:
      return assertNever(fact.type, 'deal fact type');
  }
}

function apply(state: DealState, event: DealEvent): DealState {
  const eventId = event.metadata.eventId;
  switch (event.type) {
    case 'DealAnnounced': {
      const { dealId, parties, works, statusChangeId, standing, ...details } = event.data;
      return withDealStatus({
        ...withStanding(state, standing),
        dealId,
        details,
        parties: parties.map((p) => ({ ...p, ...statedBy(eventId) })),
        works: works.map((w) => ({ ...w, ...statedBy(eventId) })),
        statusHistory: [{ statusChangeId, from: null, to: 'announced', effective: details.announcedAt, ...statedBy(eventId) }],
        factsByEventId: withFact(state, eventId, { type: 'deal', id: dealId }),
      });
    }
    case 'DealDetailsUpdated':
      return { ...state, details: state.details && { ...state.details, ...event.data.changes }, factsByEventId: withFact(state, eventId, { type: 'deal', id: event.data.dealId }) };
    case 'DealPartyAdded': {
      const { dealId, partyId, ...value } = event.data;
      return { ...state, parties: [...state.parties, { partyId, ...value, ...statedBy(eventId) }], factsByEventId: withFact(state, eventId, { type: 'party', id: partyId }) };
    }
    case 'DealWorkAdded': {
      const { dealId, ...value } = event.data;
      return { ...state, works: [...state.works, { ...value, ...statedBy(eventId) }], factsByEventId: withFact(state, eventId, { type: 'work', id: value.workId }) };
    }
    case 'DealStatusChanged': {
      const { dealId, statusChangeId, ...value } = event.data;
      return withDealStatus({
        ...state,
        statusHistory: [...state.statusHistory, { statusChangeId, ...value, ...statedBy(eventId) }],
        factsByEventId: withFact(state, eventId, { type: 'status-change', id: statusChangeId }),
      });
    }
    case 'DealDetailsCorrected': {
      const { dealId, changes, previous, note } = event.data;
      return {
        ...state,
        details: state.details && applyDetailsCorrection(state.details, changes, previous),
        detailsCorrections: [...state.detailsCorrections, { changes, previous, note, eventId }],
        factsByEventId: withFact(state, eventId, { type: 'deal', id: dealId }),
      };
    }
    case 'DealPartyCorrected': {
      const { partyId, replacementPartyId, replacement, note } = event.data;
      return {
        ...state,
        parties: [
          ...updateFact(state.parties, (p) => p.partyId, partyId, (p) => deprecatedBySupersession(p, { id: replacementPartyId, eventId, note })),
          { partyId: replacementPartyId, ...replacement, ...statedBy(eventId, partyId) },
        ],
        factsByEventId: withFact(state, eventId, { type: 'party', id: replacementPartyId }),
      };
    }
    case 'DealWorkCorrected': {
      const { workId, replacement, note } = event.data;
      return {
        ...state,
        works: [...updateCurrentWork(state.works, workId, (w) => deprecatedBySupersession(w, { id: replacement.workId, eventId, note })), { ...replacement, ...statedBy(eventId, workId) }],
        factsByEventId: withFact(state, eventId, { type: 'work', id: replacement.workId }),
      };
    }
    case 'DealStatusChangeCorrected': {
      const { statusChangeId, replacementStatusChangeId, replacement, note } = event.data;
      const statusHistory = state.statusHistory.flatMap((s) =>
        s.statusChangeId === statusChangeId
          ? [deprecatedBySupersession(s, { id: replacementStatusChangeId, eventId, note }), { statusChangeId: replacementStatusChangeId, from: s.from, ...replacement, ...statedBy(eventId, statusChangeId) }]
          : [s],
      );
      return withDealStatus({ ...state, statusHistory, factsByEventId: withFact(state, eventId, { type: 'status-change', id: replacementStatusChangeId }) });
    }
    case 'DealFactClarified': {
      const { fact, note } = event.data;
      return { ...onFact(state, fact, (f) => clarifiedFact(f, { note, eventId }), { note, eventId }, 'clarify'), factsByEventId: withFact(state, eventId, fact) };
    }
    case 'DealFactRetracted': {
      const { fact, note } = event.data;
      return { ...onFact(state, fact, (f) => retractedFact(f, { note, eventId }), { note, eventId }, 'retract'), factsByEventId: withFact(state, eventId, fact) };
    }
    case 'DealFactStandingChanged': {
      const { fact, standing } = event.data;
      const changed = fact.type === 'deal' ? withStanding(state, standing) : onFact(state, fact, (f) => withStanding(f, standing), { note: '', eventId }, 'standing');
      return { ...changed, factsByEventId: withFact(state, eventId, fact) };
    }
    case 'DealRetracted':
      return { ...state, withdrawn: { note: event.data.note, eventId }, factsByEventId: withFact(state, eventId, { type: 'deal', id: event.data.dealId }) };
    default:
      return assertNever(event, 'deal event');
  }
}
