import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { streamIdFor, type AggregateType } from '../../../../libs/contracts/src/streams.js';
import { AggregateNotFoundError } from '../../../../libs/domain/src/index.js';
import { PostgresEventStore, UpcastingEventStore } from '../../../../libs/event-store/src/index.js';
import { AGGREGATES, exists, foldState } from '../editing/aggregate-catalog.js';
import { withCorrectionChains, type HistoryEntry } from './history-entries.js';

export type { HistoryEntry } from './history-entries.js';

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
  /**
   * A person's personal data: the latest recorded (as of `asOf`), sealed as stored here, opened or shown as its label
   * by the gateway according to the caller's role.
   */
  personalData?: unknown;
  /** Where personalData was recorded (its seal names the event); not part of the answer. */
  personalDataEvent?: { eventId: string; streamId: string };
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
    // factsByEventId is the deciders' index of facts by the event that stated them (a linked list), not the aggregate's view.
    const { version, factsByEventId: _index, ...rest } = state as Record<string, unknown> & { version: number };
    return {
      aggregate,
      id,
      version,
      lastRecordedAt: events[events.length - 1].recordedAt,
      ...(asOf ? { asOf: asOf.toISOString() } : {}),
      state: rest,
      ...withPersonalData(events),
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

@QueryHandler(GetAggregateHistory)
export class GetAggregateHistoryHandler implements IQueryHandler<GetAggregateHistory, { aggregate: AggregateType; id: string; entries: HistoryEntry[] }> {
  constructor(private readonly store: UpcastingEventStore) {}

  async execute({ aggregate, id }: GetAggregateHistory) {
    const events = await this.store.readStream(streamIdFor(aggregate, id));
    if (events.length === 0) throw new AggregateNotFoundError(aggregate, id);
    return { aggregate, id, entries: await withCorrectionChains(this.store, events, events) };
  }
}

/** The last event of the stream that recorded personal data, if any (sealed as stored). */
function withPersonalData(events: readonly { eventId: string; streamId: string; metadata: { personalData?: unknown } }[]): Pick<AggregateView, 'personalData' | 'personalDataEvent'> {
  const recorded = events.findLast((event) => event.metadata.personalData !== undefined);
  return recorded ? { personalData: recorded.metadata.personalData, personalDataEvent: { eventId: recorded.eventId, streamId: recorded.streamId } } : {};
}
