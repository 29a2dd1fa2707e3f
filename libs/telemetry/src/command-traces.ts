import type { ReceivedSpan } from './otlp-receiver.js';
import { traceSummary } from './trace-summary.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The HTTP method of an incoming request's server span (old and stable semantic conventions alike). */
function methodOf(span: ReceivedSpan): string | undefined {
  const method = span.attributes['http.request.method'] ?? span.attributes['http.method'];
  return span.kind === 2 && span.parentSpanId === '' && typeof method === 'string' ? method : undefined;
}

/**
 * Gathers spans by trace and, once a trace has been quiet for `quietMs` (the relay and the projector have done their
 * part), hands over the summary of each editor command's trace: one whose root is a write request to the admin API.
 * Other traces (reads, the projector's polls) are dropped, so a long run keeps nothing.
 */
export function commandTraces(onCommand: (title: string, summary: string) => void, quietMs = 1_500): { add(spans: readonly ReceivedSpan[]): void; stop(): void } {
  const pending = new Map<string, { spans: ReceivedSpan[]; timer: NodeJS.Timeout }>();
  const settle = (traceId: string) => {
    const trace = pending.get(traceId);
    pending.delete(traceId);
    const root = trace?.spans.find((span) => WRITE_METHODS.has(methodOf(span) ?? ''));
    if (!trace || !root) return;
    const status = root.attributes['http.response.status_code'] ?? root.attributes['http.status_code'];
    const route = root.attributes['http.route'] ?? root.attributes['url.path'] ?? root.attributes['http.target'] ?? root.name;
    onCommand(`${methodOf(root)} ${String(route)}${status !== undefined ? ` → ${String(status)}` : ''}`, traceSummary(trace.spans));
  };
  return {
    add(spans) {
      for (const span of spans) {
        const trace = pending.get(span.traceId) ?? { spans: [], timer: undefined as unknown as NodeJS.Timeout };
        clearTimeout(trace.timer);
        trace.spans.push(span);
        trace.timer = setTimeout(() => settle(span.traceId), quietMs);
        trace.timer.unref();
        pending.set(span.traceId, trace);
      }
    },
    stop() {
      for (const { timer } of pending.values()) clearTimeout(timer);
      pending.clear();
    },
  };
}
