import { register } from 'node:module';
import { given, httpUrl } from '../../config/src/env.js';

/**
 * Traces with the OpenTelemetry SDK, started by each app's entry point before anything it instruments is loaded.
 *
 * Only when OTEL_EXPORTER_OTLP_ENDPOINT is set: then spans go there over OTLP/HTTP (JSON), the other OTEL_* variables
 * (OTEL_BSP_SCHEDULE_DELAY, OTEL_EXPORTER_OTLP_HEADERS…) are read by the SDK itself. Unset, nothing is started: no
 * import hook, no instrumentation, and every span the code makes is the API's no-op, which records and exports nothing.
 */
export interface Tracing {
  /** True when spans are recorded and exported. */
  readonly enabled: boolean;
  /** Exports what is still buffered; an app calls it as it stops. */
  shutdown(): Promise<void>;
}

export type InstrumentationName = 'http' | 'fastify' | 'nestjs' | 'pg' | 'kafkajs' | 'pino';

export interface TracingOptions {
  /** service.name of every span: reelwire-admin-api, reelwire-outbox-relay, reelwire-projector… */
  serviceName: string;
  /** The maintained instrumentations this process wants (default: all). */
  instrumentations?: readonly InstrumentationName[];
}

const ALL: readonly InstrumentationName[] = ['http', 'fastify', 'nestjs', 'pg', 'kafkajs', 'pino'];

/** The OTLP endpoint, when tracing is on. */
export function tracingEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  return given(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') === undefined ? undefined : httpUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', '');
}

export async function startTracing(options: TracingOptions, env: NodeJS.ProcessEnv = process.env): Promise<Tracing> {
  if (tracingEndpoint(env) === undefined) return { enabled: false, shutdown: async () => undefined };
  // pg, kafkajs, pino and fastify are imported by ESM modules: import-in-the-middle's hook lets the instrumentations
  // patch them (require-in-the-middle alone only sees require()). Registered before the app's modules are imported.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

  const [{ NodeTracerProvider }, { BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }, { registerInstrumentations }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/instrumentation'),
  ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName, 'service.namespace': 'reelwire' }),
    // The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT (+ /v1/traces) and OTEL_EXPORTER_OTLP_HEADERS; the processor OTEL_BSP_*.
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // W3C trace context (traceparent, tracestate) and baggage: the SDK's default propagators.
  provider.register();
  registerInstrumentations({ tracerProvider: provider, instrumentations: await instrumentations(options.instrumentations ?? ALL) });
  return { enabled: true, shutdown: () => provider.shutdown() };
}

async function instrumentations(names: readonly InstrumentationName[]) {
  const wanted = new Set(names);
  const list = [];
  if (wanted.has('http')) {
    const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
    // Only the server side: the apps' outgoing HTTP is the exporter's own.
    list.push(new HttpInstrumentation({ disableOutgoingRequestInstrumentation: true, ignoreIncomingRequestHook: (request) => request.url === '/health' }));
  }
  if (wanted.has('fastify')) {
    const { FastifyOtelInstrumentation } = await import('@fastify/otel');
    list.push(new FastifyOtelInstrumentation({ registerOnInitialization: true }));
  }
  if (wanted.has('nestjs')) {
    const { NestInstrumentation } = await import('@opentelemetry/instrumentation-nestjs-core');
    list.push(new NestInstrumentation());
  }
  if (wanted.has('pg')) {
    const { PgInstrumentation } = await import('@opentelemetry/instrumentation-pg');
    // Polls (the relay's batch reads, LISTEN) outside any traced work would each make a trace of their own.
    list.push(new PgInstrumentation({ requireParentSpan: true }));
  }
  if (wanted.has('kafkajs')) {
    const { KafkaJsInstrumentation } = await import('@opentelemetry/instrumentation-kafkajs');
    list.push(new KafkaJsInstrumentation());
  }
  if (wanted.has('pino')) {
    const { PinoInstrumentation } = await import('@opentelemetry/instrumentation-pino');
    // trace_id / span_id / trace_flags on every line written inside a span; the lines stay on stdout, not OTLP.
    list.push(new PinoInstrumentation({ disableLogSending: true }));
  }
  return list;
}
