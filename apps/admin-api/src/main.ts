import { exitWithStartError } from '../../../libs/config/src/env.js';
import { startTracing } from '../../../libs/telemetry/src/tracing.js';

/**
 * The entry point (run-admin-api.ts says what starts). Tracing starts first (when OTEL_EXPORTER_OTLP_ENDPOINT is set): its
 * instrumentations can only patch the pg, kafkajs, pino and fastify modules imported after it.
 */
try {
  const tracing = await startTracing({ serviceName: 'reelwire-admin-api', instrumentations: ['http', 'fastify', 'nestjs', 'pg', 'pino'] });
  const { runAdminApi } = await import('./run-admin-api.js');
  await runAdminApi(tracing);
} catch (error) {
  exitWithStartError('reelwire', error);
}
