/**
 * The projection engine's contract: a read model is a set of pure handlers, one per event type of every stream type
 * it follows, each turning one event (plus the few rows of the event's own stream it declares it reads) into row
 * changes keyed by the row's identity. The engine versions every change (SQL:2011 system time: a row is true from
 * the global position that opened it until the one that closed it), so the current view and every past view are
 * queries over the same tables.
 *
 * Why rows are owned by one stream: every row names the stream whose event wrote it (`owner_stream`), and a handler
 * reads and writes only rows of its event's stream. Kafka keeps a stream in one partition, so projector instances
 * never contend for a row, a rebuild can fold the log stream by stream, and what a stream's rows are at position p
 * depends on that stream's events up to p alone.
 */
import type { EventMetadata } from '../../../contracts/src/envelope.js';
import type { DealEventDataMap } from '../../../contracts/src/events/deal.events.js';
import type { OrganizationEventDataMap } from '../../../contracts/src/events/organization.events.js';
import type { PersonEventDataMap } from '../../../contracts/src/events/person.events.js';
import type { WorkEventDataMap } from '../../../contracts/src/events/work.events.js';
import type { AggregateType } from '../../../contracts/src/streams.js';
import type { ColumnType } from '../shared/columns.js';

/** A row's own columns (not owner_stream, row_key or the system-time columns, which the engine keeps). */
export type Row = Readonly<Record<string, unknown>>;

/** An event as a handler sees it: upcast to the supported schema version, with where it sits in the log. */
export interface ProjectedEvent<TType extends string = string, TData = unknown> {
  type: TType;
  data: TData;
  eventId: string;
  streamId: string;
  streamType: AggregateType;
  streamVersion: number;
  globalPosition: number;
  recordedAt: string;
  metadata: EventMetadata;
}

/** A read-model table: its name in the read-model schema and its own columns with their Postgres types. */
export interface TableSpec {
  name: string;
  columns: Readonly<Record<string, ColumnType>>;
  /**
   * False for a model's hidden state (what its handlers keep to decide, never queried): its current rows are all
   * anyone reads, so its closed versions are not kept. Default true: every version goes to `<name>_history`.
   */
  keepsHistory?: boolean;
}

/** Whether a table's closed versions are kept (shown tables), or only its current rows (hidden state). */
export const keepsHistory = (table: TableSpec) => table.keepsHistory !== false;

/**
 * What a handler reads before it decides: single rows by key, or every open row of the stream in a table. A handler
 * must declare every key it changes that may already exist (the engine closes the open version it knows of; a put
 * of an undeclared key that is open is refused at the write, as two open versions of one row would be).
 */
export interface RowReads {
  keys?: readonly (readonly [table: string, key: string])[];
  /** Whole tables (this stream's open rows only). Costs what the stream holds there: keep to rare events. */
  tables?: readonly string[];
}

/** The open rows of the event's stream that the handler declared it reads. */
export interface StreamRows {
  get(table: string, key: string): Row | undefined;
  /** Every open row of the stream in `table`, in the order they were first opened; the table must be declared in `tables`. */
  list(table: string): readonly (readonly [key: string, row: Row])[];
}

/** Put a row (opens a new version unless it equals the open one) or close it (`row: null`). */
export interface RowChange {
  table: string;
  key: string;
  row: Row | null;
}

export interface EventHandler<E extends ProjectedEvent = ProjectedEvent> {
  /** The rows it reads, from the event alone: loaded for a whole run at once. */
  reads?(event: E): RowReads;
  /**
   * Rows it reads only after seeing those of `reads` (e.g. every dated fact of the work, but only when the fact an
   * event retracts is the one the card shows): loaded just before the event is applied, one more round trip, so keep
   * it to rare events. It must not throw; `apply` decides.
   */
  moreReads?(event: E, rows: StreamRows): RowReads;
  /** Pure. Throwing dead-letters the event (its version is passed over; the stream's later events still apply). */
  apply(event: E, rows: StreamRows): readonly RowChange[];
}

/** The event type → data maps of each stream type, as the published contract defines them. */
export interface EventDataMaps {
  work: WorkEventDataMap;
  deal: DealEventDataMap;
  organization: OrganizationEventDataMap;
  person: PersonEventDataMap;
}

/** One handler per event type of a stream type: exhaustive, so a new event type does not compile until every model says what it does. */
export type HandlersFor<A extends AggregateType> = {
  [K in keyof EventDataMaps[A] & string]: EventHandler<ProjectedEvent<K, EventDataMaps[A][K]>>;
};

/** A read model: its tables and its handlers for each stream type it follows. */
export interface Projection {
  name: string;
  tables: readonly TableSpec[];
  handlers: { readonly [A in AggregateType]?: HandlersFor<A> };
}

/** A handler that changes nothing (an event this model has nothing to show for). */
export const ignore: EventHandler<never> = { apply: () => [] };

/** Puts a row. */
export const put = (table: string, key: string, row: Row): RowChange => ({ table, key, row });
/** Closes a row. */
export const close = (table: string, key: string): RowChange => ({ table, key, row: null });

/** A declared row that is not there: the event refers to something the stream never stated (dead-lettered). */
export class MissingRowError extends Error {
  constructor(table: string, key: string, event: Pick<ProjectedEvent, 'type' | 'streamId' | 'streamVersion'>) {
    super(`${event.type} (${event.streamId} v${event.streamVersion}) refers to ${table} row ${key}, which the stream does not have`);
    this.name = 'MissingRowError';
  }
}

/** The row, or a MissingRowError naming what the event referred to. */
export function required(rows: StreamRows, table: string, key: string, event: Pick<ProjectedEvent, 'type' | 'streamId' | 'streamVersion'>): Row {
  const row = rows.get(table, key);
  if (!row) throw new MissingRowError(table, key, event);
  return row;
}
