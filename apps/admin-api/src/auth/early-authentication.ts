import type { FastifyInstance } from 'fastify';
import { PROBLEM_CONTENT_TYPE, ProblemType, type ProblemDetails } from '../problem-details/problem-details.js';
import type { ApiKeyRegistry } from './api-key-registry.js';
import { KEY_MISSING, KEY_NOT_VALID, presentedKey } from './api-key.guard.js';
import type { RequestWithPrincipal } from './principal.js';
import { PUBLIC_ROUTE } from './roles.decorator.js';

const WITHOUT_BODY = new Set(['GET', 'HEAD']);

/**
 * Authenticates every request that can carry a body as soon as its headers are in, before admission gives it a write
 * slot and before its body is read: a client without a valid key holds no slot and no buffer, however slowly it
 * sends. Its 401 closes the connection, so the body it still sends is not read either. Requests without a body (GET,
 * HEAD) and @Public() routes are left to ApiKeyGuard, which also checks every role.
 */
export function registerEarlyAuthentication(fastify: FastifyInstance, registry: ApiKeyRegistry): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (WITHOUT_BODY.has(request.method) || (request.routeOptions.config as unknown as Record<string, unknown> | undefined)?.[PUBLIC_ROUTE]) return done();
    const presented = presentedKey(request.headers);
    const principal = presented ? registry.authenticate(presented) : undefined;
    if (principal) {
      (request as RequestWithPrincipal).principal = principal;
      return done();
    }
    const problem: ProblemDetails = { type: ProblemType.unauthorized, title: 'Unauthorized', status: 401, detail: presented ? KEY_NOT_VALID : KEY_MISSING, instance: request.url };
    // Answered here instead of calling done(): nothing after this hook runs for the request.
    void reply.code(401).header('Connection', 'close').type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  });
}
