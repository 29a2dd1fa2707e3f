import type { ServerResponse } from 'node:http';

const refusedAtTheEdge = new WeakSet<ServerResponse>();

/**
 * Marks an answer given before the request's body was read: admission's 503 (commands-in-flight.ts) and early
 * authentication's 401 and 403 (early-authentication.ts). The request log (at info) and the request-duration metric
 * skip these; each kind has its own counter. How many of them arrive is the client's choice, not the API's: a line
 * and a histogram sample each would let a client without a key set the log's volume and spend the API's time on it.
 */
export function markRefusedAtTheEdge(response: ServerResponse): void {
  refusedAtTheEdge.add(response);
}

/** Whether markRefusedAtTheEdge marked this response. */
export function wasRefusedAtTheEdge(response: ServerResponse): boolean {
  return refusedAtTheEdge.has(response);
}
