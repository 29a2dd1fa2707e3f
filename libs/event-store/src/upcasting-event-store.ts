import type pg from 'pg';
import { upcastEvent } from '../../contracts/src/upcasters.js';
import { queryEventLog, readStreamsRaw, type EventLogFilter } from './event-log-query.js';
import type { AppendOptions, AppendResult, EventToAppend, ExpectedVersion, ReadAllOptions, ReadStreamOptions, StoredEvent, StreamAppend, StreamRef } from './event-store.types.js';
import { PostgresEventStore, type PostgresEventStoreOptions } from './postgres-event-store.js';

/** Turns a stored event into the event readers see. Must be pure; see libs/contracts/src/upcasters.ts. */
export type StoredEventUpcaster = (event: StoredEvent) => StoredEvent;

/** The contracts' shared registry, marking what it changed with `storedSchemaVersion`. */
export const upcastStoredEvent: StoredEventUpcaster = (event) => {
  const upcast = upcastEvent(event);
  return upcast === event ? event : { ...upcast, storedSchemaVersion: event.schemaVersion };
};

/**
 * The event store as the admin API reads it: every read (readStream, readAll, the idempotent replay, the filtered log
 * and multi-stream reads) passes each event through the upcaster, so old schema versions reach deciders, folds and
 * history at the current version. The stored rows never change: `hash`/`prevHash` stay those of the stored content,
 * `storedSchemaVersion` says which version was stored, and verifyChain reads the raw rows. Writes are unchanged.
 */
export class UpcastingEventStore extends PostgresEventStore {
  private readonly readPool: pg.Pool;
  private readonly upcast: StoredEventUpcaster;

  constructor(pool: pg.Pool, options: PostgresEventStoreOptions & { upcaster?: StoredEventUpcaster } = {}) {
    super(pool, options);
    this.readPool = pool;
    this.upcast = options.upcaster ?? upcastStoredEvent;
  }

  override async readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    return (await super.readStream(streamId, options)).map(this.upcast);
  }

  override async readAll(options: ReadAllOptions): Promise<StoredEvent[]> {
    return (await super.readAll(options)).map(this.upcast);
  }

  override async append(stream: StreamRef, expectedVersion: ExpectedVersion, events: EventToAppend[], options?: AppendOptions): Promise<AppendResult> {
    return this.upcastResult(await super.append(stream, expectedVersion, events, options));
  }

  override async appendMany(appends: StreamAppend[], options?: AppendOptions): Promise<AppendResult[]> {
    return (await super.appendMany(appends, options)).map((result) => this.upcastResult(result));
  }

  override async findIdempotentResult(key: string, fingerprint?: string, options?: { formerKey?: string }): Promise<AppendResult[] | undefined> {
    return (await super.findIdempotentResult(key, fingerprint, options))?.map((result) => this.upcastResult(result));
  }

  /** Events matching an auditor's filter (see EventLogFilter), upcast. */
  async queryEvents(filter: EventLogFilter): Promise<StoredEvent[]> {
    return (await queryEventLog(this.readPool, filter)).map(this.upcast);
  }

  /** Every event of several streams in global order, upcast. */
  async readStreams(streamIds: readonly string[]): Promise<StoredEvent[]> {
    return (await readStreamsRaw(this.readPool, streamIds)).map(this.upcast);
  }

  private upcastResult(result: AppendResult): AppendResult {
    return { ...result, events: result.events.map(this.upcast) };
  }
}
