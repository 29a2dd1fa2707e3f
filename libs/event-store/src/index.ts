export * from './event-store.types.js';
export { WrongExpectedVersionError, IdempotencyKeyReusedError } from './event-store.errors.js';
export { canonicalJson, eventHash, GENESIS_HASH } from './canonical-hash.js';
export type { HashedEventContent } from './canonical-hash.js';
export { PostgresEventStore, READ_MODELS_APPLY_LOCK_KEY } from './postgres-event-store.js';
export type { PostgresEventStoreOptions, EventStoreTestHooks } from './postgres-event-store.js';
export { UpcastingEventStore, upcastStoredEvent, type StoredEventUpcaster } from './upcasting-event-store.js';
export { eventLogQuery, queryEventLog, readStreamsRaw, type EventLogFilter } from './event-log-query.js';
