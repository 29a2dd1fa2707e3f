import { context, propagation, ROOT_CONTEXT, SpanStatusCode, trace, type Context, type Link, type Span, type SpanOptions, type TextMapGetter } from '@opentelemetry/api';

/**
 * The hand-written spans (decide, append, relay publish, projector apply, dead letter, rebuild) and the W3C trace
 * context that travels with an event: in its metadata, on its outbox row (the events row the relay reads) and as the
 * Kafka `traceparent` header. Without a started SDK (tracing.ts) all of this is the API's no-op.
 */
export const tracer = () => trace.getTracer('reelwire');

/** W3C trace context fields as stored with an event (EventMetadata.traceparent / tracestate). */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

/** The trace context of `from` (default: the active one) as W3C fields; empty when nothing is traced. */
export function traceCarrierOf(from: Context = context.active()): TraceCarrier {
  const carrier: Record<string, string> = {};
  propagation.inject(from, carrier);
  return {
    ...(carrier.traceparent ? { traceparent: carrier.traceparent } : {}),
    ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}),
  };
}

type HeaderValue = Buffer | string | Array<Buffer | string> | undefined | null;

/** Reads Kafka headers (kafkajs hands them over as Buffers) and plain objects alike. */
const headerGetter: TextMapGetter<Record<string, HeaderValue> | undefined> = {
  keys: (carrier) => Object.keys(carrier ?? {}),
  get: (carrier, key) => {
    const value = carrier?.[key];
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined || first === null ? undefined : first.toString();
  },
};

/** The context a carrier (event metadata, Kafka headers) continues, or undefined when it carries no valid one. */
export function contextFrom(carrier: Record<string, HeaderValue> | TraceCarrier | undefined): Context | undefined {
  if (!carrier) return undefined;
  const extracted = propagation.extract(ROOT_CONTEXT, carrier as Record<string, HeaderValue>, headerGetter);
  const spanContext = trace.getSpanContext(extracted);
  return spanContext && trace.isSpanContextValid(spanContext) ? extracted : undefined;
}

/**
 * What a span over the work of several carriers continues: the one trace when they all carry the same, else a new
 * trace linked to each (a batch of many traces), as OpenTelemetry's messaging conventions do for batches.
 */
export function parentAndLinks(contexts: ReadonlyArray<Context | undefined>): { parent: Context; links: Link[] } {
  const known = contexts.filter((c): c is Context => c !== undefined);
  const traces = new Set(known.map((c) => trace.getSpanContext(c)!.traceId));
  if (traces.size === 1) return { parent: known[0]!, links: [] };
  const seen = new Set<string>();
  const links: Link[] = [];
  for (const c of known) {
    const spanContext = trace.getSpanContext(c)!;
    if (seen.has(spanContext.spanId)) continue;
    seen.add(spanContext.spanId);
    links.push({ context: spanContext });
  }
  return { parent: ROOT_CONTEXT, links };
}

/**
 * Runs `work` in a new active span under `parent` (default: the active context), ends it when `work` settles, and marks
 * it failed with the error when `work` throws.
 */
export function inSpan<T>(name: string, options: SpanOptions & { parent?: Context }, work: (span: Span) => Promise<T> | T): Promise<T> {
  const { parent = context.active(), ...spanOptions } = options;
  return tracer().startActiveSpan(name, spanOptions, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** A finished span of no duration recording that something happened (a dead letter), under `parent`. */
export function recordSpan(name: string, parent: Context, attributes: Record<string, string | number | boolean | undefined>, error?: string): void {
  const span = tracer().startSpan(name, { attributes }, parent);
  if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
  span.end();
}
