import { SpanKind, SpanStatusCode, trace, propagation, type Span } from '@opentelemetry/api';
import type { TopicMessages } from 'kafkajs';
import { contextFrom, tracer } from '../../../libs/telemetry/src/trace-context.js';

/**
 * The relay's publish spans: one per traced event, a child of the span of the request that recorded it (the
 * traceparent stored in its metadata, read back from its outbox row), and its context replaces the message's
 * `traceparent` header so the consumer's work continues from the publish. Hand-written because kafkajs's instrumentation
 * parents every message of a sendBatch on the one active context: a batch carries many requests' traces.
 */
export function startPublishSpans(topicMessages: readonly TopicMessages[]): PublishSpans {
  const spans: Span[] = [];
  for (const { topic, messages } of topicMessages) {
    for (const message of messages) {
      const headers = message.headers as Record<string, string> | undefined;
      const parent = contextFrom(headers);
      if (!parent || !headers) continue;
      const span = tracer().startSpan(
        `publish ${topic}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.operation.type': 'send',
            'messaging.destination.name': topic,
            'messaging.kafka.message.key': String(message.key),
            'reelwire.event_id': headers['event-id'],
            'reelwire.event_type': headers['event-type'],
            'reelwire.global_position': headers['global-position'],
          },
        },
        parent,
      );
      propagation.inject(trace.setSpan(parent, span), headers);
      spans.push(span);
    }
  }
  return {
    acknowledged: () => spans.forEach((span) => span.end()),
    failed: (error) =>
      spans.forEach((span) => {
        span.recordException(error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
        span.end();
      }),
  };
}

export interface PublishSpans {
  /** Kafka acknowledged the batch. */
  acknowledged(): void;
  /** The batch was not acknowledged (it is sent again, under new spans). */
  failed(error: Error): void;
}
