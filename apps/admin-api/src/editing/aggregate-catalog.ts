import type { AggregateType } from '../../../../libs/contracts/src/streams.js';
import {
  dealDecider,
  isDealEvent,
  isOrganizationEvent,
  isPersonEvent,
  isWorkEvent,
  organizationDecider,
  personDecider,
  workDecider,
  type Decider,
  type DomainEvent,
} from '../../../../libs/domain/src/index.js';

/** The state every decider folds to: the version it reflects and the aggregate's id once it exists. */
export interface FoldedState {
  version: number;
}

/** What the API needs to know about one aggregate type to run its commands and answer reads. */
export interface AggregateDefinition {
  type: AggregateType;
  /** The command field naming the aggregate, e.g. `workId`; also the key of its id in state. */
  idField: 'workId' | 'organizationId' | 'personId' | 'dealId';
  // The catalog is heterogeneous by design; each decider is type-checked in libs/domain.
  decider: Decider<any, any, any>;
  isEvent(event: { type: string }): boolean;
  /** The URL collection, e.g. `/works`. */
  collection: string;
}

export const AGGREGATES: Record<AggregateType, AggregateDefinition> = {
  work: { type: 'work', idField: 'workId', decider: workDecider, isEvent: isWorkEvent, collection: 'works' },
  organization: { type: 'organization', idField: 'organizationId', decider: organizationDecider, isEvent: isOrganizationEvent, collection: 'organizations' },
  person: { type: 'person', idField: 'personId', decider: personDecider, isEvent: isPersonEvent, collection: 'people' },
  deal: { type: 'deal', idField: 'dealId', decider: dealDecider, isEvent: isDealEvent, collection: 'deals' },
};

/**
 * Folds stored events of one stream into the aggregate's state (from its initial state, or onward from `from`) with
 * the decider's evolve. `from` is left as it was: each evolve returns a new state.
 */
export function foldState(
  definition: AggregateDefinition,
  events: readonly { type: string; data: unknown; metadata: unknown }[],
  from: FoldedState & Record<string, unknown> = definition.decider.initialState(),
): FoldedState & Record<string, unknown> {
  let state = from;
  for (const event of events) state = definition.decider.evolve(state, event as DomainEvent);
  return state;
}

/** True once the aggregate's creation event has been folded. */
export function exists(definition: AggregateDefinition, state: Record<string, unknown>): boolean {
  return typeof state[definition.idField] === 'string';
}
