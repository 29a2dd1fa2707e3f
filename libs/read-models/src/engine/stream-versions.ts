import { eventContracts } from '../../../contracts/src/event-contracts.js';
import { AGGREGATE_TYPES, type AggregateType } from '../../../contracts/src/streams.js';
import { put, type EventHandler, type HandlersFor, type Projection, type TableSpec } from './projection.js';

/**
 * Every stream's version, system-versioned like the read models: "which version of this work does the card reflect",
 * now and as of any position (the status card's streamVersion, an If-Match an editor can base an edit on). One small
 * row version per event.
 */
export const STREAM_VERSIONS: TableSpec = { name: 'stream_versions', columns: { stream_version: 'integer' } };

export const STREAM_VERSION_KEY = 'version';

/** Puts the stream's version; the key is always known, as every event reads it. */
const recordVersion: EventHandler = {
  reads: () => ({ keys: [[STREAM_VERSIONS.name, STREAM_VERSION_KEY]] }),
  apply: (event) => [put(STREAM_VERSIONS.name, STREAM_VERSION_KEY, { stream_version: event.streamVersion })],
};

function handlersFor<A extends AggregateType>(aggregate: A): HandlersFor<A> {
  const types = [...new Set(eventContracts.filter((c) => c.aggregate === aggregate).map((c) => c.type))];
  return Object.fromEntries(types.map((type) => [type, recordVersion])) as unknown as HandlersFor<A>;
}

export const streamVersionsProjection: Projection = {
  name: 'stream-versions',
  tables: [STREAM_VERSIONS],
  handlers: Object.fromEntries(AGGREGATE_TYPES.map((aggregate) => [aggregate, handlersFor(aggregate)])) as Projection['handlers'],
};
