import { context, SpanKind, type SpanOptions } from '@opentelemetry/api';
import type { KafkaMessage } from 'kafkajs';
import type { ApplyOutcome } from '../../../libs/read-models/src/engine/engine.js';
import { contextFrom, parentAndLinks, recordSpan } from '../../../libs/telemetry/src/trace-context.js';
import type { Context } from '@opentelemetry/api';

export interface AppliedMessage {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/**
 * The projector's apply span continues the trace of the messages it applies (their `traceparent` header, the relay's
 * publish span): as a child when they all carry one trace, with a link to each when a transaction carries many.
 */
export function applySpanOptions(messages: readonly AppliedMessage[]): SpanOptions & { parent: Context } {
  const { parent, links } = parentAndLinks(messages.map(({ message }) => contextFrom(message.headers)));
  const first = messages[0];
  return {
    parent,
    links,
    kind: SpanKind.CONSUMER,
    attributes: {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.batch.message_count': messages.length,
      ...(first ? { 'messaging.destination.name': first.topic, 'messaging.destination.partition.id': String(first.partition), 'messaging.kafka.offset': Number(first.message.offset) } : {}),
    },
  };
}

/** A `dead letter` span under the active apply span for each message the engine dead-lettered, with the reason. */
export function recordDeadLetters(messages: readonly AppliedMessage[], outcomes: readonly ApplyOutcome[]): void {
  outcomes.forEach((outcome, index) => {
    if (outcome.outcome !== 'dead-lettered') return;
    const origin = messages[index];
    recordSpan(
      'dead letter',
      context.active(),
      {
        'reelwire.dead_letter.reason': outcome.reason,
        'reelwire.dead_letter.error': outcome.error.slice(0, 500),
        'reelwire.stream_id': outcome.streamId,
        'messaging.destination.name': origin?.topic,
        'messaging.destination.partition.id': origin ? String(origin.partition) : undefined,
        'messaging.kafka.offset': origin ? Number(origin.message.offset) : undefined,
      },
      `${outcome.reason}: ${outcome.error}`.slice(0, 500),
    );
  });
}
