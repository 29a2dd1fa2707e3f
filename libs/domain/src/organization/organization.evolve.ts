import { evolveMerge } from '../shared/merges.js';
import type { OrganizationFactRef } from '../../../contracts/src/events/organization.events.js';
import { assertNever } from '../shared/decider.js';
import { applyDetailsCorrection, clarifiedFact, compact, deprecatedBySupersession, retractedFact, statedBy, updateFact, withFactStatedBy, withStanding, type FactsByEvent } from '../shared/facts.js';
import type { OrganizationEvent } from './organization.events.js';
import type { OrganizationState } from './organization.state.js';

export function evolveOrganization(state: OrganizationState, event: OrganizationEvent): OrganizationState {
  return { ...apply(state, event), version: state.version + 1 };
}

function withFact(state: OrganizationState, eventId: string, fact: OrganizationFactRef): FactsByEvent<OrganizationFactRef> {
  return withFactStatedBy(state.factsByEventId, eventId, fact);
}

function apply(state: OrganizationState, event: OrganizationEvent): OrganizationState {
  const eventId = event.metadata.eventId;
  switch (event.type) {
    case 'OrganizationRegistered': {
      const { organizationId, kind, country, parentOrganizationId, names } = event.data;
      return {
        ...state,
        organizationId,
        details: compact({ kind, country, parentOrganizationId }),
        names: names.map((n) => ({ ...n, ...statedBy(eventId) })),
        parentHistory: parentOrganizationId ? [{ parentOrganizationId, eventId }] : [],
        factsByEventId: withFact(state, eventId, { type: 'organization', id: organizationId }),
      };
    }
    case 'OrganizationDetailsUpdated':
      return {
        ...state,
        details: state.details && { ...state.details, ...event.data.changes },
        factsByEventId: withFact(state, eventId, { type: 'organization', id: event.data.organizationId }),
      };
    case 'OrganizationParentChanged': {
      const { organizationId, parentOrganizationId, effective } = event.data;
      return {
        ...state,
        details: state.details && compact({ ...state.details, parentOrganizationId }),
        parentHistory: [...state.parentHistory, compact({ parentOrganizationId, effective, eventId })],
        factsByEventId: withFact(state, eventId, { type: 'organization', id: organizationId }),
      };
    }
    case 'OrganizationNameAdded': {
      const { organizationId, nameId, ...value } = event.data;
      return { ...state, names: [...state.names, { nameId, ...value, primary: false, ...statedBy(eventId) }], factsByEventId: withFact(state, eventId, { type: 'name', id: nameId }) };
    }
    case 'PrimaryOrganizationNameSet':
      return {
        ...state,
        names: state.names.map((n) => ({ ...n, primary: n.nameId === event.data.nameId })),
        factsByEventId: withFact(state, eventId, { type: 'name', id: event.data.nameId }),
      };
    case 'OrganizationDetailsCorrected': {
      const { organizationId, changes, previous, note } = event.data;
      return {
        ...state,
        details: state.details && applyDetailsCorrection(state.details, changes, previous),
        detailsCorrections: [...state.detailsCorrections, { changes, previous, note, eventId }],
        factsByEventId: withFact(state, eventId, { type: 'organization', id: organizationId }),
      };
    }
    case 'OrganizationNameCorrected': {
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
    case 'OrganizationFactClarified': {
      const { fact, note } = event.data;
      const clarification = { note, eventId };
      return fact.type === 'organization'
        ? { ...state, clarifications: [...state.clarifications, clarification], factsByEventId: withFact(state, eventId, fact) }
        : { ...state, names: updateFact(state.names, (n) => n.nameId, fact.id, (n) => clarifiedFact(n, clarification)), factsByEventId: withFact(state, eventId, fact) };
    }
    case 'OrganizationFactRetracted': {
      const { fact, note } = event.data;
      return fact.type === 'organization'
        ? { ...state, withdrawn: { note, eventId }, factsByEventId: withFact(state, eventId, fact) }
        : { ...state, names: updateFact(state.names, (n) => n.nameId, fact.id, (n) => retractedFact(n, { note, eventId })), factsByEventId: withFact(state, eventId, fact) };
    }
    case 'OrganizationFactStandingChanged': {
      const { fact, standing } = event.data;
      return fact.type === 'organization'
        ? { ...withStanding(state, standing), factsByEventId: withFact(state, eventId, fact) }
        : { ...state, names: updateFact(state.names, (n) => n.nameId, fact.id, (n) => withStanding(n, standing)), factsByEventId: withFact(state, eventId, fact) };
    }
    case 'OrganizationRetracted':
      return { ...state, withdrawn: { note: event.data.note, eventId }, factsByEventId: withFact(state, eventId, { type: 'organization', id: event.data.organizationId }) };
    case 'OrganizationMerged':
    case 'OrganizationAbsorbed':
    case 'OrganizationUnmerged':
    case 'OrganizationAbsorptionReverted':
      return { ...state, ...evolveMerge('organization', state, event) };
    default:
      return assertNever(event, 'organization event');
  }
}
