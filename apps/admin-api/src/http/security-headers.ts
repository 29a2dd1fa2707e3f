import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { inRouteConfig } from '../auth/roles.decorator.js';

const HSTS_MAX_AGE_SECONDS = 31_536_000;

/**
 * Headers every answer carries, API or page: the browser must not guess a type (nosniff), leak the URL elsewhere
 * (no-referrer) or show an answer inside another site's frame (DENY and frame-ancestors 'none', for browsers that
 * know only one of the two). HSTS only in production, where the API is reached through TLS: over plain HTTP on a
 * developer's machine it would pin localhost to HTTPS. This list is for the answers written on the raw socket
 * (refused writes, HTTP the parser could not read), which no hook reaches; @fastify/helmet (helmetOptions below)
 * puts the same headers on every answer sent through Fastify.
 */
export function securityHeaders(options: { strictTransportSecurity?: boolean }): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy': "frame-ancestors 'none'",
    ...(options.strictTransportSecurity ? { 'Strict-Transport-Security': `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains` } : {}),
  };
}

/** The policy of an answer that is not a page: it may not be framed, and it loads nothing, so nothing else is said. */
const API_POLICY = {
  useDefaults: false,
  directives: { defaultSrc: helmetOfThePlugin().contentSecurityPolicy.dangerouslyDisableDefaultSrc, frameAncestors: ["'none'"] },
} as FastifyHelmetOptions['contentSecurityPolicy'];

type HelmetMiddleware = (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * helmet as @fastify/helmet loads it (CommonJS, its own dependency): helmet's marker for "no default-src" is a symbol
 * of its own, and the ES module build of helmet has another one, which the plugin's helmet would not recognise.
 */
function helmetOfThePlugin(): ((options: FastifyHelmetOptions) => HelmetMiddleware) & { contentSecurityPolicy: { dangerouslyDisableDefaultSrc: symbol } } {
  const fromThisFile = createRequire(import.meta.url);
  return createRequire(fromThisFile.resolve('@fastify/helmet'))('helmet') as ReturnType<typeof helmetOfThePlugin>;
}

/**
 * Helmet set to exactly the headers of securityHeaders(): its other defaults (cross-origin isolation, Origin-Agent-
 * Cluster, X-DNS-Prefetch-Control…) are left off, so answers to existing clients change in nothing.
 */
export function helmetOptions(options: { strictTransportSecurity?: boolean }): FastifyHelmetOptions {
  return {
    contentSecurityPolicy: API_POLICY,
    xContentTypeOptions: true,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: options.strictTransportSecurity ? { maxAge: HSTS_MAX_AGE_SECONDS, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: false,
    crossOriginResourcePolicy: false,
    originAgentCluster: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xPoweredBy: false,
    xXssProtection: false,
  };
}

/**
 * Registered before any other hook, so even an answer refused by a later hook carries the headers. @fastify/helmet
 * builds helmet's middleware anew for every request it serves (the policy parsed, each header's function made), work
 * that a client without a key makes the API do as often as it likes; every answer but a page's carries the same
 * headers, so those come from one middleware built here, and the plugin serves only the routes with a policy of their
 * own (PagePolicy).
 */
export async function registerSecurityHeaders(fastify: FastifyInstance, options: { strictTransportSecurity?: boolean }): Promise<void> {
  const everyAnswer = helmetOptions(options);
  await fastify.register(fastifyHelmet, { ...everyAnswer, global: false });
  const setHeaders = helmetOfThePlugin()(everyAnswer);
  fastify.addHook('onRequest', (request, reply, done) => {
    const ownPolicy = (request.routeOptions.config as { helmet?: unknown } | undefined)?.helmet;
    if (ownPolicy !== undefined) return done();
    setHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined));
  });
}

/**
 * A page's own Content-Security-Policy (directives in helmet's camelCase), set by helmet for that route with
 * frame-ancestors 'none' added, in place of the policy every other answer gets.
 */
export function PagePolicy(directives: Record<string, string[]>): MethodDecorator {
  return inRouteConfig({ helmet: { contentSecurityPolicy: { useDefaults: false, directives: { ...directives, frameAncestors: ["'none'"] } } } });
}
