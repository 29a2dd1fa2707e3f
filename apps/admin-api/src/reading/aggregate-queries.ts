import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { streamIdFor, type AggregateType } from '../../../../libs/contracts/src/streams.js';
import { AggregateNotFoundError } from '../../../../libs/domain/src/index.js';
import { PostgresEventStore, type StoredEvent } from '../../../../libs/event-store/src/index.js';
import { AGGREGATES, exists, foldState } from '../editing/aggregate-catalog.js';

/** One aggregate folded from its stream, now or as the desk knew it at `asOf` (recordedAt). */
export class GetAggregate {
  constructor(
    readonly aggregate: AggregateType,
    readonly id: string,
    readonly asOf?: Date,
  ) {}
}

export interface AggregateView {
  aggregate: AggregateType;
  id: string;
  /** The stream version this view reflects; send it back as If-Match when editing. */
  version: number;
  /** When the last event folded here was recorded. */
  lastRecordedAt: string;
  asOf?: string;
  state: Record<string, unknown>;
}

@QueryHandler(GetAggregate)
export class GetAggregateHandler implements IQueryHandler<GetAggregate, AggregateView> {
  constructor(private readonly store: PostgresEventStore) {}

  async execute({ aggregate, id, asOf }: GetAggregate): Promise<AggregateView> {
    const definition = AGGREGATES[aggregate];
    const events = await this.store.readStream(streamIdFor(aggregate, id), asOf ? { asOf } : undefined);
    const state = foldState(definition, events);
    if (!exists(definition, state)) {
      throw new AggregateNotFoundError(aggregate, asOf ? `${id} as of ${asOf.toISOString()}` : id);
    }
    const { version, factsByEventId: _index, ...rest } = state as Record<string, unknown> & { version: number };
    return {
      aggregate,
      id,
      version,
      lastRecordedAt: events[events.length - 1].recordedAt,
      ...(asOf ? { asOf: asOf.toISOString() } : {}),
      state: rest,
    };
  }
}

/** Every event of one aggregate: who changed what, when, why, on which source. */
export class GetAggregateHistory {
  constructor(
    readonly aggregate: AggregateType,
    readonly id: string,
  ) {}
}

export interface HistoryEntry {
  globalPosition: string;
  version: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  recordedAt: string;
  occurredAt?: unknown;
  actor: unknown;
  source: unknown;
  note?: string;
  correlationId: string;
  causationId: string;
  data: Record<string, unknown>;
  hash: string;
}

@QueryHandler(GetAggregateHistory)
export class GetAggregateHistoryHandler implements IQueryHandler<GetAggregateHistory, { aggregate: AggregateType; id: string; entries: HistoryEntry[] }> {
  constructor(private readonly store: PostgresEventStore) {}

  async execute({ aggregate, id }: GetAggregateHistory) {
    const events = await this.store.readStream(streamIdFor(aggregate, id));
    if (events.length === 0) throw new AggregateNotFoundError(aggregate, id);
    return { aggregate, id, entries: events.map(historyEntry) };
  }
}

function historyEntry(event: StoredEvent): HistoryEntry {
  const { metadata } = event;
  return {
    globalPosition: event.globalPosition,
    version: event.streamVersion,
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    recordedAt: event.recordedAt,
    ...(metadata.occurredAt ? { occurredAt: metadata.occurredAt } : {}),
    actor: metadata.actor,
    source: metadata.source,
    ...(metadata.note ? { note: metadata.note } : {}),
    correlationId: metadata.correlationId,
    causationId: metadata.causationId,
    data: event.data,
    hash: event.hash,
  };
}
