import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails } from '../problem-details/problem-details.js';

const refusedAtTheEdge = new WeakSet<ServerResponse>();

/**
 * Marks an answer given before the request's body was read: admission's 503 (commands-in-flight.ts), early
 * authentication's 401 and 403 (early-authentication.ts) and the rate limits' 429 (rate-limits.ts). The request log
 * (at info) and the request-duration metric skip these; each kind has its own counter. How many of them arrive is the
 * client's choice, not the API's: a line and a histogram sample each would let a client without a key set the log's
 * volume and spend the API's time on it.
 */
export function markRefusedAtTheEdge(response: ServerResponse): void {
  refusedAtTheEdge.add(response);
}

/** Whether markRefusedAtTheEdge marked this response. */
export function wasRefusedAtTheEdge(response: ServerResponse): boolean {
  return refusedAtTheEdge.has(response);
}

/**
 * Answers `problem` from an onRequest hook, at as little cost as an answer can have: written on the raw response, so
 * no onSend hook runs (an ETag of a refusal serves nobody) and nothing after the hook runs for the request. The
 * security headers are already on the raw response (helmet's hook runs first); the correlation id is among the reply's
 * own headers; the charset is the one every other text answer names.
 */
export function refuseAtTheEdge(reply: FastifyReply, problem: ProblemDetails, headers: OutgoingHttpHeaders = {}): void {
  markRefusedAtTheEdge(reply.raw);
  reply.hijack();
  writeProblem(reply.raw, problem, { ...(reply.getHeaders() as OutgoingHttpHeaders), ...headers });
}

/** Writes `problem` as the whole answer on a raw response, after `headers`: its own type, charset and length. */
export function writeProblem(response: ServerResponse, problem: ProblemDetails, headers: OutgoingHttpHeaders): void {
  const body = JSON.stringify(problem);
  response.writeHead(problem.status, {
    ...headers,
    'Content-Type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(body);
}
