import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { ApiKeyRegistry } from '../auth/api-key-registry.js';
import { presentedKey } from '../auth/api-key.guard.js';
import { PUBLIC_ROUTE } from '../auth/roles.decorator.js';
import type { RateLimits } from '../config/app-config.js';
import { ProblemType, type ProblemDetails } from '../problem-details/problem-details.js';
import { refuseAtTheEdge } from './refused-at-the-edge.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const MINUTE_MS = 60_000;

/** Told about every request refused for its rate, so the metrics count them. */
export interface RateLimitObserver {
  limited(kind: 'read' | 'write'): void;
}

/**
 * Registers @fastify/rate-limit without its own hooks (`global: false`) and returns the onRequest hook that applies
 * it, so create-admin-api.ts places the check itself: after the security headers, before the key's role is checked,
 * a write slot is taken or a byte of the body is read. Writes and reads have separate counts; a request is counted
 * under the principal of the key it presents, or under its address when it presents no valid key (so guessing keys
 * is limited too). @Public() routes (health, docs, contract, the timeline page) are not counted: a load balancer's
 * probes must never be refused.
 */
export async function registerRateLimits(fastify: FastifyInstance, limits: RateLimits, registry: ApiKeyRegistry, observer?: RateLimitObserver) {
  await fastify.register(rateLimit, { global: false });
  const callerOf = (request: FastifyRequest): string => {
    const presented = presentedKey(request.headers);
    const principal = presented ? registry.authenticate(presented) : undefined;
    return principal ? `key:${principal.id}` : `address:${request.ip}`;
  };
  const writes = fastify.createRateLimit({ max: limits.writesPerMinute, timeWindow: MINUTE_MS, keyGenerator: callerOf });
  const reads = fastify.createRateLimit({ max: limits.readsPerMinute, timeWindow: MINUTE_MS, keyGenerator: callerOf });

  return function refuseOverRate(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const config = request.routeOptions.config as unknown as Record<string, unknown> | undefined;
    if (config?.[PUBLIC_ROUTE]) return done();
    const isRead = READS.has(request.method);
    (isRead ? reads : writes)(request).then((counted) => {
      if (counted.isAllowed || !counted.isExceeded) return done();
      const perMinute = isRead ? limits.readsPerMinute : limits.writesPerMinute;
      const problem: ProblemDetails = {
        type: ProblemType.rateLimited,
        title: 'Too many requests',
        status: 429,
        detail: `More than ${perMinute} ${isRead ? 'reads' : 'writes'} a minute from this ${counted.key.startsWith('key:') ? 'API key' : 'address'}; nothing was done. Retry after the Retry-After seconds${isRead ? '' : ' (with the same Idempotency-Key)'}.`,
        instance: request.url,
      };
      observer?.limited(isRead ? 'read' : 'write');
      // Answered here instead of calling done(), on the raw response and out of the request log at info, as early
      // authentication's refusals are (refused-at-the-edge.ts): the rate limits' metric counts it. A write's body is
      // not read: closing the connection keeps Node from reading it to reuse the connection.
      refuseAtTheEdge(reply, problem, { 'Retry-After': String(Math.max(1, counted.ttlInSeconds)), ...(isRead ? {} : { Connection: 'close' }) });
    }, done);
  };
}
