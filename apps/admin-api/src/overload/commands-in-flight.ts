import type { IncomingMessage, ServerResponse } from 'node:http';
import { markRefusedAtTheEdge } from '../http/refused-at-the-edge.js';
import { PROBLEM_CONTENT_TYPE, ProblemType, type ProblemDetails } from '../problem-details/problem-details.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Told about admission, so the metrics show the writes in flight and the writes refused. */
export interface CommandsInFlightObserver {
  inFlight(count: number): void;
  refused(): void;
}

/**
 * Admission control for writes. Without it, writes offered faster than PostgreSQL commits them all wait inside the
 * process (for a pool connection or the store's group commit), each holding its request, body and handler state, for
 * as many as the clients or a load balancer send: nothing else bounds the heap or the wait, and answers seconds late
 * help no editor. Beyond `limit` writes in flight, a write is answered at once with 503 and Retry-After, before its
 * body is read; nothing is recorded, so a client retries it (with the same Idempotency-Key). Reads, health and metrics
 * are never refused. `answerHeaders` go on every refusal (written straight to the socket, so no hook adds them).
 */
export function limitCommandsInFlight(limit: number, observer?: CommandsInFlightObserver, answerHeaders: Record<string, string> = {}) {
  let inFlight = 0;
  return (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    if (READS.has(request.method ?? 'GET')) return next();
    if (inFlight >= limit) {
      const problem: ProblemDetails = {
        type: ProblemType.overloaded,
        title: 'Too many edits in progress',
        status: 503,
        detail: `More than ${limit} edits are waiting to be recorded; nothing was recorded. Retry after the Retry-After seconds (with the same Idempotency-Key).`,
        instance: request.url,
      };
      markRefusedAtTheEdge(response);
      response.writeHead(503, { ...answerHeaders, 'Content-Type': PROBLEM_CONTENT_TYPE, 'Retry-After': '1' });
      response.end(JSON.stringify(problem));
      observer?.refused();
      return;
    }
    inFlight += 1;
    observer?.inFlight(inFlight);
    // 'close' fires once the answer is sent or the client went away, whichever the request ends with.
    response.once('close', () => {
      inFlight -= 1;
      observer?.inFlight(inFlight);
    });
    next();
  };
}
