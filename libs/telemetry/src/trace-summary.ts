import type { ReceivedSpan } from './otlp-receiver.js';

/**
 * One trace as a readable tree: each span's start after the trace's first, its duration, its name and the service that
 * recorded it, children under their parent in start order. What `npm start -- --trace` prints after a command.
 */
export function traceSummary(all: readonly ReceivedSpan[]): string {
  const spans = all.filter((span) => !isFastifyHook(span));
  if (spans.length === 0) return '(no spans)';
  const ordered = [...spans].sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
  const start = ordered[0]!.startNs;
  const end = ordered.reduce((latest, span) => (span.endNs > latest ? span.endNs : latest), start);
  const ids = new Set(ordered.map((span) => span.spanId));
  const children = new Map<string, ReceivedSpan[]>();
  for (const span of ordered) {
    // A span whose parent is not here (still unexported, or another trace's) is shown at the top level.
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : '';
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const ms = (ns: bigint) => `${(Number(ns) / 1e6).toFixed(1)} ms`;
  const hidden = all.length - spans.length;
  const lines = [`trace ${ordered[0]!.traceId}: ${all.length} spans, ${ms(end - start)}${hidden ? ` (${hidden} Fastify hook spans not shown)` : ''}`];
  const walk = (parent: string, depth: number) => {
    for (const span of children.get(parent) ?? []) {
      const notes = [span.service, ...(span.statusCode === 2 ? ['failed'] : []), ...detail(span)];
      lines.push(`  ${`+${ms(span.startNs - start)}`.padStart(11)} ${ms(span.endNs - span.startNs).padStart(10)}  ${'  '.repeat(depth)}${span.name}  (${notes.join(', ')})`);
      walk(span.spanId, depth + 1);
    }
  };
  walk('', 0);
  return lines.join('\n');
}

/** Fastify's per-hook spans (onRequest, preParsing, onSend…): a dozen per request, shown in a collector, not here. */
function isFastifyHook(span: ReceivedSpan): boolean {
  return span.scope === '@fastify/otel' && /^(onRequest|preParsing|preValidation|preHandler|preSerialization|onSend|onResponse|onTimeout|onError|onRequestAbort) - /.test(span.name);
}

/** The attributes that say most about a reelwire span. */
function detail(span: ReceivedSpan): string[] {
  const pick = ['reelwire.command', 'reelwire.event_types', 'reelwire.event_type', 'reelwire.dead_letter.reason', 'messaging.batch.message_count', 'http.response.status_code', 'http.status_code'];
  return pick.filter((key) => span.attributes[key] !== undefined).map((key) => `${key.replace(/^reelwire\./, '')}=${String(span.attributes[key])}`);
}
