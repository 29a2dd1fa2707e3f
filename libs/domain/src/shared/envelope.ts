import type { Actor, EventMetadata } from '../../../contracts/src/envelope.js';
import { currentSchemaVersion } from '../../../contracts/src/event-contracts.js';
import type { DomainEvent } from './decider.js';

/** What the command handler knows and the domain does not: who, and which request chain. */
export interface EnvelopeContext {
  actor: Actor;
  correlationId: string;
  /** The command's id (or the event that caused it). */
  causationId: string;
  /** W3C trace context of the request, when it is traced (EventMetadata.traceparent). */
  traceparent?: string;
  tracestate?: string;
}

/** An event ready for the event store's append: full metadata except recordedAt, which the store sets at commit. */
export interface EventForAppend {
  type: string;
  data: Record<string, unknown>;
  metadata: Omit<EventMetadata, 'recordedAt'>;
}

/**
 * Completes decided events' metadata for appending (shape of event-store's EventToAppend): adds actor, correlation
 * and causation ids and the current schema version of each event type from the contract registry.
 */
export function toEventsForAppend(events: readonly DomainEvent[], envelope: EnvelopeContext): EventForAppend[] {
  return events.map((event) => ({
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: {
      ...event.metadata,
      actor: envelope.actor,
      correlationId: envelope.correlationId,
      causationId: envelope.causationId,
      ...(envelope.traceparent ? { traceparent: envelope.traceparent } : {}),
      ...(envelope.tracestate ? { tracestate: envelope.tracestate } : {}),
      schemaVersion: currentSchemaVersion(event.type),
    },
  }));
}
