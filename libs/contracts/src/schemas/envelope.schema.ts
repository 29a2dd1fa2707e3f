import { confidentialSchema, JSON_SCHEMA_DIALECT, partialDateSchema, s, SCHEMA_BASE_URI, sourceCitationSchema, type JsonSchema } from './json-schema.js';

/** JSON Schema of EventMetadata (envelope.ts): stored with every event and published alongside it on Kafka. */
export const eventMetadataSchema: JsonSchema = {
  $schema: JSON_SCHEMA_DIALECT,
  $id: `${SCHEMA_BASE_URI}/envelope/event-metadata/v1.json`,
  title: 'reelwire event metadata',
  ...s.object(
    {
      eventId: s.string({ minLength: 1 }),
      actor: s.object({ id: s.string({ minLength: 1 }), role: s.enumOf(['editor', 'auditor', 'admin', 'system']) }),
      correlationId: s.string(),
      causationId: s.string(),
      source: sourceCitationSchema,
      recordedAt: s.string({ format: 'date-time', description: 'Commit time, ISO 8601 UTC with milliseconds' }),
      schemaVersion: s.integer(1),
    },
    {
      occurredAt: partialDateSchema,
      note: s.string({ maxLength: 2000 }),
      personalData: confidentialSchema('personal data', {}, "Personal data about the event's person, sealed under the person's key; on Kafka only the label"),
      traceparent: s.string({ pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$', description: 'W3C trace context of the recording request' }),
      tracestate: s.string({ maxLength: 512, description: 'W3C tracestate that came with traceparent' }),
    },
  ),
};
