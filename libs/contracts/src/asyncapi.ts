import { eventContracts } from './event-contracts.js';
import { eventMetadataSchema } from './schemas/envelope.schema.js';
import { AGGREGATE_TYPES, topicFor } from './streams.js';

/** Kafka headers on every published event (values are UTF-8 strings). */
export const EVENT_HEADERS = {
  'event-id': 'The event id (UUID); consumers de-duplicate on it',
  'event-type': 'e.g. WorkRegistered',
  'schema-version': 'Schema version of `data` (integer as text)',
  'correlation-id': 'The request that caused the edit, across services',
  'causation-id': 'The command that caused the event',
  actor: 'Principal id of the editor (or system) who made the change',
  'occurred-at': 'World time of the fact as JSON {date, precision}, when known',
  'recorded-at': 'Commit time, ISO 8601 UTC',
  'global-position': 'Position in the global log (bigint as text)',
  traceparent: "W3C trace context of the relay's publish span, in the trace of the request that recorded the event, when it was traced",
  tracestate: 'W3C tracestate, when the recording request had one',
} as const;

/** Headers a message carries only sometimes. */
const OPTIONAL_HEADERS: readonly string[] = ['occurred-at', 'traceparent', 'tracestate'];

/**
 * The AsyncAPI 3.0 document of what reelwire publishes, built from the same contracts the code uses so it cannot
 * drift: one channel per aggregate topic, one message per event type and schema version.
 */
export function buildAsyncApiDocument(version = '1.0.0'): Record<string, unknown> {
  const messages: Record<string, unknown> = {};
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const headers = {
    type: 'object',
    required: Object.keys(EVENT_HEADERS).filter((name) => !OPTIONAL_HEADERS.includes(name)),
    properties: Object.fromEntries(Object.entries(EVENT_HEADERS).map(([name, description]) => [name, { type: 'string', description }])),
  };

  for (const contract of eventContracts) {
    const name = `${contract.type}.v${contract.schemaVersion}`;
    messages[name] = {
      name: contract.type,
      title: `${contract.type} (schema v${contract.schemaVersion})`,
      contentType: 'application/json',
      headers,
      payload: {
        type: 'object',
        required: ['eventId', 'type', 'schemaVersion', 'streamId', 'streamType', 'streamVersion', 'globalPosition', 'recordedAt', 'data', 'metadata'],
        properties: {
          eventId: { type: 'string', format: 'uuid' },
          type: { const: contract.type },
          schemaVersion: { const: contract.schemaVersion },
          streamId: { type: 'string', description: `${contract.aggregate}-<uuid>; also the Kafka key` },
          streamType: { const: contract.aggregate },
          streamVersion: { type: 'integer', minimum: 1, description: 'Events of one stream arrive in this order' },
          globalPosition: { type: 'string', pattern: '^[0-9]+$' },
          recordedAt: { type: 'string', format: 'date-time' },
          data: contract.schema,
          metadata: eventMetadataSchema,
        },
      },
      bindings: { kafka: { key: { type: 'string', description: 'The stream id: all events of one work/organization/person/deal share a partition' } } },
    };
  }

  for (const aggregate of AGGREGATE_TYPES) {
    const topic = topicFor(aggregate);
    const ofTopic = eventContracts.filter((contract) => contract.aggregate === aggregate);
    channels[topic] = {
      address: topic,
      description: `Every event of every ${aggregate} stream, keyed by stream id, in stream order per key. Retention: infinite.`,
      messages: Object.fromEntries(ofTopic.map((contract) => [`${contract.type}.v${contract.schemaVersion}`, { $ref: `#/components/messages/${contract.type}.v${contract.schemaVersion}` }])),
      bindings: { kafka: { topic, partitions: 6, topicConfiguration: { 'retention.ms': [-1], 'cleanup.policy': ['delete'] } } },
    };
    operations[`publish-${aggregate}-events`] = {
      action: 'send',
      channel: { $ref: `#/channels/${topic}` },
      summary: `The outbox relay publishes ${aggregate} events at least once, in order per stream`,
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'reelwire events',
      version,
      description:
        'Film-industry deal facts as events. Delivery is at least once: de-duplicate on event-id (or on streamId + streamVersion). ' +
        'Within a key (stream id) events arrive in streamVersion order; across keys there is no order. ' +
        'A schema version is never changed after publication; a breaking change is a new version.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages },
  };
}
