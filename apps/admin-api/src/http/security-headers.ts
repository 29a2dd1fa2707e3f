import type { FastifyInstance } from 'fastify';

/**
 * Headers every answer carries, API or page: the browser must not guess a type (nosniff), leak the URL elsewhere
 * (no-referrer) or show an answer inside another site's frame (DENY and frame-ancestors 'none', for browsers that
 * know only one of the two). HSTS only in production, where the API is reached through TLS: over plain HTTP on a
 * developer's machine it would pin localhost to HTTPS.
 */
export function securityHeaders(options: { strictTransportSecurity?: boolean }): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy': "frame-ancestors 'none'",
    ...(options.strictTransportSecurity ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

/**
 * Adds the headers to every answer sent through Fastify; answers written on the raw socket (refused writes, HTTP the
 * parser could not read) add them themselves. A page's own Content-Security-Policy is kept, with frame-ancestors
 * added when it has none.
 */
export function registerSecurityHeaders(fastify: FastifyInstance, headers: Record<string, string>): void {
  const { 'Content-Security-Policy': frameAncestors, ...others } = headers;
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    reply.headers(others);
    const policy = reply.getHeader('content-security-policy');
    if (typeof policy !== 'string' || policy === '') reply.header('Content-Security-Policy', frameAncestors);
    else if (!/(^|;)\s*frame-ancestors\s/i.test(policy)) reply.header('Content-Security-Policy', `${policy}; ${frameAncestors}`);
    done(null, payload);
  });
}
