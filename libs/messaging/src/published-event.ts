import { publicMetadata, type EventMetadata } from '../../contracts/src/envelope.js';
import { PUBLISHED_EVENT_HEADERS as H, type PublishedEvent } from '../../contracts/src/published-event.js';

export type { PublishedEvent } from '../../contracts/src/published-event.js';
export { PUBLISHED_EVENT_HEADERS } from '../../contracts/src/published-event.js';

/** What toKafkaMessage needs of a stored event (the event store's StoredEvent fits). */
export interface PublishableEvent {
  globalPosition: string;
  streamId: string;
  streamType: string;
  streamVersion: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  recordedAt: string;
}

/** A kafkajs-compatible message (producer side). */
export interface KafkaMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** What a consumer hands over (kafkajs eachMessage's message fits). */
export interface IncomingKafkaMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, Buffer | string | Array<Buffer | string> | undefined>;
}

/** A Kafka message that is not a reelwire published event. */
export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
  constructor(
    readonly reason: string,
    readonly key?: string,
  ) {
    super(`malformed reelwire message${key ? ` (key ${key})` : ''}: ${reason}`);
  }
}

/**
 * The published form of a stored event. Sealed details never leave the log: a confidential source is published with
 * its publisher-level facts and the label, personal data as the label (publicMetadata), without ciphertext or key ids.
 */
export function toPublishedEvent(event: PublishableEvent): PublishedEvent {
  return {
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    streamId: event.streamId,
    streamType: event.streamType,
    streamVersion: event.streamVersion,
    globalPosition: event.globalPosition,
    recordedAt: event.recordedAt,
    data: event.data,
    metadata: publicMetadata(event.metadata),
  };
}

/** The Kafka message of a stored event: key = stream id, value = PublishedEvent JSON, headers for routing without parsing. */
export function toKafkaMessage(event: PublishableEvent): KafkaMessage {
  const { metadata } = event;
  const headers: Record<string, string> = {
    [H.eventId]: event.eventId,
    [H.eventType]: event.type,
    [H.schemaVersion]: String(event.schemaVersion),
    [H.correlationId]: metadata.correlationId,
    [H.causationId]: metadata.causationId,
    [H.actor]: metadata.actor?.id,
    [H.recordedAt]: event.recordedAt,
    [H.globalPosition]: event.globalPosition,
  };
  if (metadata.occurredAt) headers[H.occurredAt] = JSON.stringify(metadata.occurredAt);
  // The recording request's trace context; the relay replaces it with its publish span's (a child of it).
  if (metadata.traceparent) headers[H.traceparent] = metadata.traceparent;
  if (metadata.tracestate) headers[H.tracestate] = metadata.tracestate;
  for (const [name, value] of Object.entries(headers)) if (value === undefined || value === null) delete headers[name];
  return { key: event.streamId, value: JSON.stringify(toPublishedEvent(event)), headers };
}

function text(value: Buffer | string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? value : value.toString('utf8');
}

function header(headers: IncomingKafkaMessage['headers'], name: string): string | undefined {
  const value = headers?.[name];
  return text(Array.isArray(value) ? value[0] : value);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses and checks a consumed message; throws MalformedMessageError for anything that is not a published event. */
export function fromKafkaMessage(message: IncomingKafkaMessage): PublishedEvent {
  const key = text(message.key);
  const raw = text(message.value);
  if (raw === undefined) throw new MalformedMessageError('no value (tombstone)', key);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new MalformedMessageError(`value is not JSON: ${(error as Error).message}`, key);
  }
  if (!isObject(parsed)) throw new MalformedMessageError('value is not a JSON object', key);
  const fail = (reason: string): never => {
    throw new MalformedMessageError(reason, key);
  };
  for (const field of ['eventId', 'type', 'streamId', 'streamType', 'globalPosition', 'recordedAt'] as const) {
    if (typeof parsed[field] !== 'string' || parsed[field] === '') fail(`${field} must be a non-empty string`);
  }
  for (const field of ['schemaVersion', 'streamVersion'] as const) {
    const value = parsed[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) fail(`${field} must be a positive integer`);
  }
  if (!/^\d+$/.test(parsed.globalPosition as string)) fail('globalPosition must be a decimal string');
  if (Number.isNaN(Date.parse(parsed.recordedAt as string))) fail('recordedAt is not a date');
  if (!isObject(parsed.data)) fail('data must be an object');
  const metadata = parsed.metadata;
  if (!isObject(metadata)) return fail('metadata must be an object');
  if (metadata.eventId !== parsed.eventId) fail('metadata.eventId differs from eventId');
  if (!isObject(metadata.actor) || typeof metadata.actor.id !== 'string') fail('metadata.actor.id is missing');
  if (typeof metadata.correlationId !== 'string' || typeof metadata.causationId !== 'string') fail('metadata lacks correlationId/causationId');
  if (key !== undefined && key !== parsed.streamId) fail(`key differs from streamId ${String(parsed.streamId)}`);
  const headerEventId = header(message.headers, H.eventId);
  if (headerEventId !== undefined && headerEventId !== parsed.eventId) fail(`header ${H.eventId} differs from the value's eventId`);
  const event = parsed as unknown as PublishedEvent;
  return {
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    streamId: event.streamId,
    streamType: event.streamType,
    streamVersion: event.streamVersion,
    globalPosition: event.globalPosition,
    recordedAt: event.recordedAt,
    data: event.data,
    metadata: event.metadata,
  };
}
