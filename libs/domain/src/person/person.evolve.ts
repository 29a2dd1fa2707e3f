import { evolveMerge } from '../shared/merges.js';
import type { PersonDetails, PersonFactRef } from '../../../contracts/src/events/person.events.js';
import { assertNever } from '../shared/decider.js';
import { applyDetailsCorrection, clarifiedFact, compact, deprecatedBySupersession, retractedFact, statedBy, updateFact, withFactStatedBy, withStanding, type FactsByEvent } from '../shared/facts.js';
import type { PersonEvent } from './person.events.js';
import type { PersonState } from './person.state.js';

export function evolvePerson(state: PersonState, event: PersonEvent): PersonState {
  return { ...apply(state, event), version: state.version + 1 };
}

/** Update semantics: externalIds merge key by key, other fields replace. */
export function mergePersonDetails(details: PersonDetails, changes: Partial<PersonDetails>): PersonDetails {
  return compact({ ...details, ...changes, externalIds: { ...details.externalIds, ...(changes.externalIds ?? {}) } });
}

function withFact(state: PersonState, eventId: string, fact: PersonFactRef): FactsByEvent<PersonFactRef> {
  return withFactStatedBy(state.factsByEventId, eventId, fact);
}

function apply(state: PersonState, event: PersonEvent): PersonState {
  const eventId = event.metadata.eventId;
  switch (event.type) {
    case 'PersonRegistered': {
      const { personId, names, nationalities, birthYear, externalIds } = event.data;
      return {
        ...state,
        personId,
        details: compact({ nationalities, birthYear, externalIds }),
        names: names.map((n) => ({ ...n, ...statedBy(eventId) })),
        factsByEventId: withFact(state, eventId, { type: 'person', id: personId }),
      };
    }
    case 'PersonDetailsUpdated':
      return {
        ...state,
        details: state.details && mergePersonDetails(state.details, event.data.changes),
        factsByEventId: withFact(state, eventId, { type: 'person', id: event.data.personId }),
      };
    case 'PersonNameAdded': {
      const { personId, nameId, ...value } = event.data;
      return { ...state, names: [...state.names, { nameId, ...value, primary: false, ...statedBy(eventId) }], factsByEventId: withFact(state, eventId, { type: 'name', id: nameId }) };
    }
    case 'PrimaryPersonNameSet':
      return {
        ...state,
        names: state.names.map((n) => ({ ...n, primary: n.nameId === event.data.nameId })),
        factsByEventId: withFact(state, eventId, { type: 'name', id: event.data.nameId }),
      };
    case 'PersonDetailsCorrected': {
      const { personId, changes, previous, note } = event.data;
      return {
        ...state,
        details: state.details && applyDetailsCorrection(state.details, changes, previous),
        detailsCorrections: [...state.detailsCorrections, { changes, previous, note, eventId }],
        factsByEventId: withFact(state, eventId, { type: 'person', id: personId }),
      };
    }
    case 'PersonNameCorrected': {
      const { nameId, replacementNameId, replacement, note } = event.data;
      const old = state.names.find((n) => n.nameId === nameId);
      return {
        ...state,
        names: [
          ...updateFact(state.names, (n) => n.nameId, nameId, (n) => ({ ...deprecatedBySupersession(n, { id: replacementNameId, eventId, note }), primary: false })),
          { nameId: replacementNameId, ...replacement, primary: old?.primary ?? false, ...statedBy(eventId, nameId) },
        ],
        factsByEventId: withFact(state, eventId, { type: 'name', id: replacementNameId }),
      };
    }
    case 'PersonFactClarified': {
      const { fact, note } = event.data;
      return fact.type === 'person'
        ? { ...state, clarifications: [...state.clarifications, { note, eventId }], factsByEventId: withFact(state, eventId, fact) }
        : { ...state, names: updateFact(state.names, (n) => n.nameId, fact.id, (n) => clarifiedFact(n, { note, eventId })), factsByEventId: withFact(state, eventId, fact) };
    }
    case 'PersonFactRetracted': {
      const { fact, note } = event.data;
      return fact.type === 'person'
        ? { ...state, withdrawn: { note, eventId }, factsByEventId: withFact(state, eventId, fact) }
        : { ...state, names: updateFact(state.names, (n) => n.nameId, fact.id, (n) => retractedFact(n, { note, eventId })), factsByEventId: withFact(state, eventId, fact) };
    }
    case 'PersonFactStandingChanged': {
      const { fact, standing } = event.data;
      return fact.type === 'person'
        ? { ...withStanding(state, standing), factsByEventId: withFact(state, eventId, fact) }
        : { ...state, names: updateFact(state.names, (n) => n.nameId, fact.id, (n) => withStanding(n, standing)), factsByEventId: withFact(state, eventId, fact) };
    }
    case 'PersonRetracted':
      return { ...state, withdrawn: { note: event.data.note, eventId }, factsByEventId: withFact(state, eventId, { type: 'person', id: event.data.personId }) };
    case 'PersonDataErased':
      // Personal data never reaches the folded state (it is sealed in the metadata), so there is nothing to forget.
      return state;
    case 'PersonMerged':
    case 'PersonAbsorbed':
    case 'PersonUnmerged':
    case 'PersonAbsorptionReverted':
      return { ...state, ...evolveMerge('person', state, event) };
    default:
      return assertNever(event, 'person event');
  }
}
