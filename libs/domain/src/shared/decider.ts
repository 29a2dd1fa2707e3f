import type { PartialDate, SourceCitation } from '../../../contracts/src/envelope.js';
import type { AggregateType } from '../../../contracts/src/streams.js';

/** What decide may not read from the world itself: the clock and id generation are injected. */
export interface DecideContext {
  now: Date;
  /** A fresh unique id (a UUID in production) for new events and new facts. */
  newId(): string;
}

/**
 * The part of EventMetadata the domain knows. The command handler adds actor, correlationId and causationId;
 * the event store adds recordedAt (and schemaVersion when missing).
 */
export interface DomainEventMetadata {
  eventId: string;
  source: SourceCitation;
  /** World time of the fact (status effective date, attachment date, …), when known. */
  occurredAt?: PartialDate;
  /** Editor's note; always set on corrections, clarifications and retractions. */
  note?: string;
}

export interface DomainEvent<TType extends string = string, TData = unknown> {
  type: TType;
  data: TData;
  metadata: DomainEventMetadata;
}

export interface Command<TType extends string = string, TData = unknown> {
  type: TType;
  data: TData;
}

/** Fields every write command carries (the API's WriteRequestDto). */
export interface WriteFields {
  /** Every fact cites its source; `publisher` is required and non-empty. */
  source: SourceCitation;
  /** Optional editor's note stored with the event(s). */
  note?: string;
  /** When this happened in the world, overriding the date the domain would infer. */
  occurredAt?: PartialDate;
}

/** Corrections, clarifications and retractions: the note is required. */
export interface FixFields extends WriteFields {
  note: string;
}

/** The Emmett decider shape. */
export interface Decider<TCommand, TEvent, TState> {
  decide(command: TCommand, state: TState, context: DecideContext): TEvent[];
  evolve(state: TState, event: TEvent): TState;
  initialState(): TState;
}

/** Events for one stream, as returned by a decision that spans several streams (e.g. moving a credit between works). */
export interface StreamEvents<TEvent> {
  aggregate: AggregateType;
  /** `<aggregate>-<id>`, see contracts/streams.ts. */
  streamId: string;
  events: TEvent[];
}

/** Folds a stream's events into state. */
export function fold<TEvent, TState>(decider: Pick<Decider<unknown, TEvent, TState>, 'evolve' | 'initialState'>, events: readonly TEvent[]): TState {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState());
}

/** For exhaustive switches: the compiler proves `value` is `never`, the runtime names what slipped through. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}
