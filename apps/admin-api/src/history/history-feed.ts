import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { partialDateStart, type PartialDate } from '../../../../libs/contracts/src/envelope.js';
import { UpcastingEventStore, type EventLogFilter } from '../../../../libs/event-store/src/index.js';
import { validationProblem } from '../problem-details/problem-details.js';
import { withCorrectionChains, type HistoryEntry } from '../reading/history-entries.js';
import type { HistoryFeedQuery } from './history-feed.query.js';

/** The global history feed: every event of every aggregate, filtered, one page at a time. */
export class GetHistoryFeed {
  constructor(readonly query: HistoryFeedQuery) {}
}

export interface HistoryFeedPage {
  order: 'asc' | 'desc';
  limit: number;
  entries: HistoryEntry[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

const DEFAULT_LIMIT = 50;

function partialDate(value: string): PartialDate {
  return { date: value, precision: value.length === 4 ? 'year' : value.length === 7 ? 'month' : 'day' };
}

/** The query string as an event-log filter; a 400 naming the field for a range that cannot match. */
export function feedFilter(query: HistoryFeedQuery): EventLogFilter {
  const order = query.order ?? 'desc';
  const limit = query.limit ?? DEFAULT_LIMIT;
  const recordedFrom = query.recordedFrom ? new Date(query.recordedFrom) : undefined;
  const recordedTo = query.recordedTo ? new Date(query.recordedTo) : undefined;
  const occurredFrom = query.occurredFrom ? partialDateStart(partialDate(query.occurredFrom)) : undefined;
  const occurredTo = query.occurredTo ? partialDateStart(partialDate(query.occurredTo)) : undefined;
  const errors: Array<{ field: string; message: string }> = [];
  if (recordedFrom && recordedTo && recordedFrom > recordedTo) errors.push({ field: 'recordedTo', message: 'recordedTo must not be before recordedFrom' });
  if (occurredFrom && occurredTo && occurredFrom > occurredTo) errors.push({ field: 'occurredTo', message: 'occurredTo must not be before occurredFrom' });
  if (errors.length) throw validationProblem(errors);
  return {
    ...(query.actor !== undefined ? { actor: query.actor } : {}),
    ...(query.type?.length ? { types: query.type } : {}),
    ...(query.aggregateType ? { streamTypes: [query.aggregateType] } : {}),
    ...(query.streamId ? { streamIds: [query.streamId] } : {}),
    ...(recordedFrom ? { recordedFrom } : {}),
    ...(recordedTo ? { recordedTo } : {}),
    ...(occurredFrom ? { occurredFrom } : {}),
    ...(occurredTo ? { occurredTo } : {}),
    ...(query.publisher !== undefined ? { publisher: query.publisher } : {}),
    ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
    order,
    limit,
  };
}

@QueryHandler(GetHistoryFeed)
export class GetHistoryFeedHandler implements IQueryHandler<GetHistoryFeed, HistoryFeedPage> {
  constructor(private readonly store: UpcastingEventStore) {}

  async execute({ query }: GetHistoryFeed): Promise<HistoryFeedPage> {
    const filter = feedFilter(query);
    // One more than asked tells whether another page follows.
    const events = await this.store.queryEvents({ ...filter, limit: filter.limit + 1 });
    const page = events.slice(0, filter.limit);
    const entries = await withCorrectionChains(this.store, page);
    return {
      order: filter.order,
      limit: filter.limit,
      entries,
      ...(events.length > filter.limit ? { nextCursor: page[page.length - 1]!.globalPosition } : {}),
    };
  }
}
