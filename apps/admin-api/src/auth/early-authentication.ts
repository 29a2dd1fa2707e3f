import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { correlationIdOf } from '../logging/logging.module.js';
import { refuseAtTheEdge, writeProblem } from '../http/refused-at-the-edge.js';
import { ProblemType, type ProblemDetails } from '../problem-details/problem-details.js';
import type { ApiKeyRegistry } from './api-key-registry.js';
import type { Role } from '../config/app-config.js';
import { KEY_MISSING, KEY_NOT_VALID, presentedKey, roleRefusal } from './api-key.guard.js';
import type { RequestWithPrincipal } from './principal.js';
import { PUBLIC_ROUTE, ROUTE_ROLES } from './roles.decorator.js';

const WITHOUT_BODY = new Set(['GET', 'HEAD']);

const unauthorized = (detail: string, instance: string | undefined): ProblemDetails => ({ type: ProblemType.unauthorized, title: 'Unauthorized', status: 401, detail, instance });

/** Told about every request refused here, so the metrics count what the request log leaves out. */
export interface AuthenticationRefusalObserver {
  refused(status: 401 | 403): void;
}

/**
 * Authenticates every request that can carry a body as soon as its headers are in, before admission gives it a write
 * slot and before its body is read: a client without a valid key, or whose role may not call the route, holds no slot
 * and no buffer, however slowly it sends. Its 401 or 403 closes the connection, so the body it still sends is not
 * read either. Requests without a body (GET, HEAD), @Public() routes and routes whose roles are not in their route
 * config (unknown routes: 404 for a valid key) are left to ApiKeyGuard.
 *
 * A refusal here costs as little as an answer can: a client without a key chooses how many it causes, and the work
 * for each one delays the writes of the clients with keys (issue 17's trickling connections). So, as with
 * admission's 503, the answer is written on the raw response (no onSend hooks: an ETag of a refusal serves nobody) and
 * is left out of the request log at info and of the request-duration metric (refused-at-the-edge.ts); `observer`
 * counts it.
 */
export function registerEarlyAuthentication(fastify: FastifyInstance, registry: ApiKeyRegistry, observer?: AuthenticationRefusalObserver): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const config = request.routeOptions.config as unknown as Record<string, unknown> | undefined;
    if (WITHOUT_BODY.has(request.method) || config?.[PUBLIC_ROUTE]) return done();
    const presented = presentedKey(request.headers);
    const principal = presented ? registry.authenticate(presented) : undefined;
    const roles = config?.[ROUTE_ROLES] as Role[] | undefined;
    const refusal = principal && roles ? roleRefusal(principal.role, roles) : undefined;
    if (principal && !refusal) {
      (request as RequestWithPrincipal).principal = principal;
      return done();
    }
    const problem: ProblemDetails = principal
      ? { type: ProblemType.forbidden, title: 'Forbidden', status: 403, detail: refusal, instance: request.url }
      : unauthorized(presented ? KEY_NOT_VALID : KEY_MISSING, request.url);
    // Answered here instead of calling done(): nothing after this hook runs for the request.
    refuseAtTheEdge(reply, problem, { Connection: 'close' });
    observer?.refused(problem.status as 401 | 403);
  });
}

/**
 * Answers a request that can carry a body and presents no key at all with its 401 before Fastify sees it: no request
 * object, routing, hooks or rate-limit bucket, only the answer's bytes. How many of these arrive is the sender's choice
 * and each one's work delays the writes of clients with keys, so they are refused at the least cost there is.
 * Every such request is refused whatever its route: no @Public() route takes a body (registerEarlyAuthentication's
 * hook refuses the same requests when Fastify is called without this server, as by inject()). A request presenting a
 * key, valid or not, goes on to Fastify: the rate limit counts wrong keys by address, so guessing stays limited.
 * The answer carries what the hook's answer carries: the security headers, the correlation id, the problem.
 */
export function refuseKeylessWritesFirst(server: Server, answerHeaders: Record<string, string>, observer?: AuthenticationRefusalObserver): void {
  const handlers = server.listeners('request') as Array<(request: IncomingMessage, response: ServerResponse) => void>;
  if (handlers.length !== 1) throw new Error(`refuseKeylessWritesFirst: expected the HTTP framework's one request listener, found ${handlers.length}`);
  const [framework] = handlers;
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (WITHOUT_BODY.has(request.method ?? 'GET') || presentedKey(request.headers) !== undefined) return framework!(request, response);
    writeProblem(response, unauthorized(KEY_MISSING, request.url), { ...answerHeaders, 'X-Correlation-Id': correlationIdOf(request), Connection: 'close' });
    observer?.refused(401);
  });
}
