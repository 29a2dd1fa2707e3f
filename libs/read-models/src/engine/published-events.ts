import { publicMetadata } from '../../../contracts/src/envelope.js';
import type { PublishedEvent } from '../../../contracts/src/published-event.js';
import { currentSchemaVersion, getEventContract } from '../../../contracts/src/event-contracts.js';
import { eventUpcasters, UpcastError } from '../../../contracts/src/upcasters.js';
import { isAggregateType } from '../../../contracts/src/streams.js';
import type { ProjectedEvent } from './projection.js';

/** Why an event went to the dead-letter table instead of the read models. */
export type DeadLetterReason =
  | 'malformed'
  | 'unknown-stream-type'
  | 'unknown-event-type'
  | 'unsupported-schema-version'
  | 'gap'
  /** A read model's handler refused the event (it refers to a fact the stream never stated, …). */
  | 'handler-failed'
  | 'write-failed'
  | 'unparseable';

export class UnprojectableEventError extends Error {
  constructor(
    readonly reason: 'malformed' | 'unknown-stream-type' | 'unknown-event-type' | 'unsupported-schema-version',
    message: string,
  ) {
    super(message);
    this.name = 'UnprojectableEventError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks a parsed Kafka value against the PublishedEvent contract; throws UnprojectableEventError('malformed'). */
export function asPublishedEvent(value: unknown): PublishedEvent {
  const problems: string[] = [];
  const v = value as Record<string, unknown> | null;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UnprojectableEventError('malformed', 'the message value is not a JSON object');
  const str = (k: string) => (typeof v[k] === 'string' && (v[k] as string).length > 0) || problems.push(`${k} must be a non-empty string`);
  const int = (k: string) => (Number.isInteger(v[k]) && (v[k] as number) >= 1) || problems.push(`${k} must be a positive integer`);
  const obj = (k: string) => (typeof v[k] === 'object' && v[k] !== null && !Array.isArray(v[k])) || problems.push(`${k} must be an object`);
  str('eventId');
  str('type');
  str('streamId');
  str('streamType');
  str('recordedAt');
  int('schemaVersion');
  int('streamVersion');
  if (!(typeof v.globalPosition === 'string' && /^\d+$/.test(v.globalPosition))) problems.push('globalPosition must be a decimal string');
  obj('data');
  obj('metadata');
  if (typeof v.eventId === 'string' && !UUID.test(v.eventId)) problems.push('eventId must be a UUID');
  if (typeof v.recordedAt === 'string' && Number.isNaN(Date.parse(v.recordedAt))) problems.push('recordedAt must be an ISO 8601 instant');
  if (problems.length) throw new UnprojectableEventError('malformed', problems.join('; '));
  return v as unknown as PublishedEvent;
}

/**
 * The event as handlers take it: upcast to the supported schema version (the registry every reader shares, in
 * libs/contracts). An unknown stream or event type, or a version with no path to the supported one, is refused rather
 * than guessed at.
 */
export function toProjectedEvent(event: PublishedEvent): ProjectedEvent {
  if (!isAggregateType(event.streamType)) throw new UnprojectableEventError('unknown-stream-type', `unknown stream type ${event.streamType}`);
  const contract = getEventContract(event.type);
  if (!contract || contract.aggregate !== event.streamType) {
    throw new UnprojectableEventError('unknown-event-type', `event type ${event.type} is not a ${event.streamType} event this projector knows`);
  }
  const supported = currentSchemaVersion(event.type);
  if (event.schemaVersion > supported) {
    throw new UnprojectableEventError('unsupported-schema-version', `${event.type} v${event.schemaVersion} is newer than the supported v${supported}`);
  }
  let current: PublishedEvent;
  try {
    current = eventUpcasters.upcast(event, supported);
  } catch (error) {
    if (error instanceof UpcastError) throw new UnprojectableEventError('unsupported-schema-version', error.message);
    throw error;
  }
  return {
    type: current.type,
    data: current.data,
    eventId: current.eventId,
    streamId: current.streamId,
    streamType: event.streamType,
    streamVersion: current.streamVersion,
    globalPosition: Number(current.globalPosition),
    recordedAt: current.recordedAt,
    // A rebuild reads the log itself: handlers get the published view of sealed details there too, never the ciphertext.
    metadata: publicMetadata({ ...current.metadata, eventId: current.eventId }),
  };
}
