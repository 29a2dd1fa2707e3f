import { exitWithStartError } from '../../../libs/config/src/env.js';
import { startTracing } from '../../../libs/telemetry/src/tracing.js';

/**
 * The entry point (run-projector.ts says what starts). Tracing starts first (when OTEL_EXPORTER_OTLP_ENDPOINT is set): its
 * instrumentations can only patch the pg, kafkajs, pino and fastify modules imported after it.
 */
try {
  const tracing = await startTracing({ serviceName: 'reelwire-projector', instrumentations: ['pg', 'kafkajs'] });
  const { runProjector } = await import('./run-projector.js');
  await runProjector(tracing);
} catch (error) {
  exitWithStartError('reelwire projector', error);
}
