import type { PublishedEvent } from '../../contracts/src/published-event.js';
import { currentSchemaVersion, getEventContract } from '../../contracts/src/event-contracts.js';
import { eventUpcasters, UpcastError } from '../../contracts/src/upcasters.js';
import { isAggregateType, type AggregateType } from '../../contracts/src/streams.js';
import { dealDecider } from '../../domain/src/deal/deal.decider.js';
import { organizationDecider } from '../../domain/src/organization/organization.decider.js';
import { personDecider } from '../../domain/src/person/person.decider.js';
import type { DomainEvent } from '../../domain/src/shared/decider.js';
import { evolveOwning, type FactMapOwner } from '../../domain/src/shared/facts.js';
import { workDecider } from '../../domain/src/work/work.decider.js';
import { rowsForDeal, rowsForOrganization, rowsForPerson, rowsForWork } from './row-builders.js';
import type { RowSet } from './shared/row-set.js';

/** What the projector needs of an aggregate: fold (initialState/evolve) and the pure row builder. */
export interface ProjectedAggregate<S = unknown> {
  type: AggregateType;
  initialState(): S;
  evolve(state: S, event: DomainEvent): S;
  /**
   * Evolves a stored state (or the initial one) by one event of the stream at `streamVersion`, and stamps that version:
   * state.version counts folded events, and after a version passed over as a dead letter it must still name the stream's.
   * With `owner`, the fact map is written in place where evolveOwning allows it (the caller keeps only the result).
   */
  applyAt(state: S | null | undefined, event: DomainEvent, streamVersion: number, owner?: FactMapOwner): S;
  rows(state: S): RowSet;
}

function aggregate<S>(type: AggregateType, decider: { initialState(): S; evolve(state: S, event: never): S }, rows: (state: S) => RowSet): ProjectedAggregate {
  return {
    type,
    initialState: () => decider.initialState(),
    evolve: (state, event) => decider.evolve(state as S, event as never),
    applyAt: (state, event, streamVersion, owner) => {
      const current = (state ?? decider.initialState()) as S;
      const next = owner
        ? (evolveOwning(owner, current as S & { factsByEventId: object }, (s) => decider.evolve(s, event as never) as S & { factsByEventId: object }) as S)
        : decider.evolve(current, event as never);
      const version = (next as { version?: unknown }).version;
      // A copy only when the stamp changes something (after a dead letter): the usual event needs none.
      return typeof version === 'number' && version !== streamVersion ? ({ ...(next as object), version: streamVersion } as S) : next;
    },
    rows: (state) => rows(state as S),
  } as ProjectedAggregate;
}

export const PROJECTED_AGGREGATES: Record<AggregateType, ProjectedAggregate> = {
  work: aggregate('work', workDecider, rowsForWork),
  organization: aggregate('organization', organizationDecider, rowsForOrganization),
  person: aggregate('person', personDecider, rowsForPerson),
  deal: aggregate('deal', dealDecider, rowsForDeal),
};

/**
 * Upcasters live in libs/contracts (`eventUpcasters`, one registry for every reader: the API's event store, history,
 * this fold, rebuilds). An event whose version has no path to the supported one is dead-lettered rather than guessed at.
 */
export { eventUpcasters as UPCASTERS } from '../../contracts/src/upcasters.js';

export class UnprojectableEventError extends Error {
  constructor(
    readonly reason: 'malformed' | 'unknown-stream-type' | 'unknown-event-type' | 'unsupported-schema-version',
    message: string,
  ) {
    super(message);
    this.name = 'UnprojectableEventError';
  }
}

/** Why an event went to the dead-letter table instead of the read models. */
export type DeadLetterReason = UnprojectableEventError['reason'] | 'gap' | 'evolve-failed' | 'write-failed' | 'unparseable';

/** Checks a parsed Kafka value against the PublishedEvent contract; throws UnprojectableEventError('malformed'). */
export function asPublishedEvent(value: unknown): PublishedEvent {
  const problems: string[] = [];
  const v = value as Record<string, unknown> | null;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UnprojectableEventError('malformed', 'the message value is not a JSON object');
  const str = (k: string) => typeof v[k] === 'string' && (v[k] as string).length > 0 || problems.push(`${k} must be a non-empty string`);
  const int = (k: string) => (Number.isInteger(v[k]) && (v[k] as number) >= 1) || problems.push(`${k} must be a positive integer`);
  const obj = (k: string) => (typeof v[k] === 'object' && v[k] !== null && !Array.isArray(v[k])) || problems.push(`${k} must be an object`);
  str('eventId');
  str('type');
  str('streamId');
  str('streamType');
  str('recordedAt');
  int('schemaVersion');
  int('streamVersion');
  if (!(typeof v.globalPosition === 'string' && /^\d+$/.test(v.globalPosition))) problems.push('globalPosition must be a decimal string');
  obj('data');
  obj('metadata');
  if (typeof v.eventId === 'string' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v.eventId)) problems.push('eventId must be a UUID');
  if (problems.length) throw new UnprojectableEventError('malformed', problems.join('; '));
  return v as unknown as PublishedEvent;
}

/** The aggregate of the event's stream, and the event as the domain's evolve takes it (upcast to the supported version). */
export function toDomainEvent(event: PublishedEvent): { aggregate: ProjectedAggregate; domainEvent: DomainEvent } {
  if (!isAggregateType(event.streamType)) throw new UnprojectableEventError('unknown-stream-type', `unknown stream type ${event.streamType}`);
  const aggregate = PROJECTED_AGGREGATES[event.streamType];
  const contract = getEventContract(event.type);
  if (!contract || contract.aggregate !== event.streamType) {
    throw new UnprojectableEventError('unknown-event-type', `event type ${event.type} is not a ${event.streamType} event this projector knows`);
  }
  const supported = currentSchemaVersion(event.type);
  if (event.schemaVersion > supported) {
    throw new UnprojectableEventError('unsupported-schema-version', `${event.type} v${event.schemaVersion} is newer than the supported v${supported}`);
  }
  let current: PublishedEvent;
  try {
    current = eventUpcasters.upcast(event, supported);
  } catch (error) {
    if (error instanceof UpcastError) throw new UnprojectableEventError('unsupported-schema-version', error.message);
    throw error;
  }
  return {
    aggregate,
    domainEvent: { type: current.type, data: current.data, metadata: { ...current.metadata, eventId: current.eventId } } as DomainEvent,
  };
}
