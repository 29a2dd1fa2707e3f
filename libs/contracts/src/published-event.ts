/**
 * An event as published on Kafka: the public contract downstream services consume (topics `reelwire.<aggregate>.v1`,
 * key = streamId). Fields are added, never renamed or removed.
 */
import type { EventMetadata } from './envelope.js';

/** The JSON value of a Kafka message. */
export interface PublishedEvent {
  eventId: string;
  type: string;
  schemaVersion: number;
  /** Also the Kafka message key: every event of a stream lands in one partition, in stream order. */
  streamId: string;
  /** The aggregate type: 'work', 'organization', 'person', 'deal'. */
  streamType: string;
  /** 1 for the first event of a stream; consumers skip versions they have applied. */
  streamVersion: number;
  /** Global position in the event store; a decimal string (a Postgres bigint). */
  globalPosition: string;
  /** Commit time in the event store (ISO 8601, UTC, milliseconds). */
  recordedAt: string;
  data: Record<string, unknown>;
  /** The stored metadata: actor, correlation and causation ids, source citation, occurredAt, note…; a confidential source and personal data appear as their label only (publicMetadata in envelope.ts). */
  metadata: EventMetadata;
}

/** Kafka headers of every published event (values are UTF-8 strings). */
export const PUBLISHED_EVENT_HEADERS = {
  eventId: 'event-id',
  eventType: 'event-type',
  schemaVersion: 'schema-version',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  /** The actor's principal id. */
  actor: 'actor',
  /** JSON of the PartialDate, e.g. {"date":"2018","precision":"year"}; absent when the event has no occurredAt. */
  occurredAt: 'occurred-at',
  recordedAt: 'recorded-at',
  globalPosition: 'global-position',
  /**
   * W3C trace context of the relay's publish span, a child of the recording request's span (metadata.traceparent);
   * absent when the event was not traced. Consumers continue the trace from it.
   */
  traceparent: 'traceparent',
  /** W3C tracestate, when the recording request had one. */
  tracestate: 'tracestate',
} as const;
