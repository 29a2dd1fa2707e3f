import { exitWithStartError } from '../../../libs/config/src/env.js';
import { startTracing } from '../../../libs/telemetry/src/tracing.js';

/**
 * The entry point (run-outbox-relay.ts says what starts). Tracing starts first (when OTEL_EXPORTER_OTLP_ENDPOINT is set): its
 * instrumentations can only patch the pg, kafkajs, pino and fastify modules imported after it.
 */
try {
  const tracing = await startTracing({
    serviceName: 'reelwire-outbox-relay',
    // Not kafkajs's: it would parent every message of a batch on one context and overwrite the events' traceparent.
    instrumentations: ['pg', 'pino'],
  });
  const { runOutboxRelay } = await import('./run-outbox-relay.js');
  await runOutboxRelay(tracing);
} catch (error) {
  exitWithStartError('outbox-relay', error);
}
