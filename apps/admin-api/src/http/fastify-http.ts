import { createHash } from 'node:crypto';
import { parse as parseQueryString } from 'node:querystring';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { BadRequestException, HttpException } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest, RequestPayload } from 'fastify';
import type { HttpLimits } from '../config/app-config.js';
import { correlationIdOf } from '../logging/logging.module.js';
import { createClientErrorHandler, createFrameworkErrorHandler } from './client-errors.js';

/**
 * The admin API's HTTP layer is Fastify (it replaced Express: same routes, same answers, a fraction of the CPU per
 * request). This file keeps what clients saw from Express where Fastify's defaults differ:
 * - request bodies: JSON (strict: an object or an array; an empty body is `{}`; gzip/deflate/br bodies inflated) and
 *   urlencoded forms, at most 100 KiB (413 beyond), and any other content type ignored (no body, so the DTO's
 *   validation answers 400 with field errors) instead of 415;
 * - routing ignores a trailing slash and letter case; a path parameter may be long (ParseUUIDPipe answers for it);
 * - an ETag on every answer that has none (weak, of the body) and 304 to a GET/HEAD whose If-None-Match matches.
 * The request id is the correlation id (X-Correlation-Id when it is a valid one), as pino-http made it.
 * Beyond Express: JSON nested deeper than MAX_JSON_DEPTH is refused before a DTO is built from it, HTTP that Node's
 * parser or Fastify's router refuses is answered with problem+json (client-errors.ts), and the limits in HttpLimits
 * bound how long and how many connections a client holds.
 */
export const BODY_LIMIT_BYTES = 100 * 1024;

/**
 * Objects and arrays nested deeper than this are refused with 400. The deepest body the API defines nests a handful
 * of levels; without a bound, a 100 KiB body of brackets is 100,000 levels, which class-transformer walks recursively
 * until the stack overflows.
 */
export const MAX_JSON_DEPTH = 32;

export function createHttpAdapter(limits: HttpLimits, answerHeaders: Record<string, string>): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: correlationIdOf,
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false, maxParamLength: 2048 },
    // Node checks the header and whole-request deadlines on a timer, often enough to end a request close to its deadline.
    http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))) },
    requestTimeout: limits.bodyTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    clientErrorHandler: createClientErrorHandler(answerHeaders, limits),
    frameworkErrors: createFrameworkErrorHandler(answerHeaders),
  });
}

/** Registered instead of Nest's own parsers (`bodyParser: false`), before the routes. */
export function registerBodyParsers(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addHook('preParsing', inflateBody);
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES }, (request, body, done) => {
    try {
      assertUtf8(request);
      done(null, parseStrictJson(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES }, (request, body, done) => {
    try {
      assertUtf8(request);
      done(null, { ...parseQueryString(body as string) });
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  // Express left a body of any other type unread: the handler sees no body.
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
}

function assertUtf8(request: FastifyRequest): void {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') throw new HttpException(`unsupported charset "${charset.toUpperCase()}"`, 415);
}

/** body-parser's strict JSON: an object or an array; anything else is refused with the message JSON.parse gives. */
export function parseStrictJson(body: string): unknown {
  if (body.length === 0) return {};
  if (body[0] !== '{' && body[0] !== '[') {
    const first = /^[\x20\x09\x0a\x0d]*([^\x20\x09\x0a\x0d])/.exec(body)?.[1];
    if (first !== '{' && first !== '[') throw new BadRequestException(strictViolationMessage(body, first));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new BadRequestException((error as Error).message);
  }
  // Only JSON that parses is measured, so a body both too deep and malformed gets JSON.parse's message, as before.
  if (exceedsDepth(body, MAX_JSON_DEPTH)) {
    throw new BadRequestException(`JSON nested deeper than ${MAX_JSON_DEPTH} levels of objects and arrays; the API reads at most ${MAX_JSON_DEPTH}`);
  }
  return parsed;
}

/** Whether valid JSON text opens more than `limit` objects or arrays inside each other (brackets in strings do not count). */
export function exceedsDepth(json: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < json.length; index++) {
    const code = json.charCodeAt(index);
    if (inString) {
      if (code === 0x5c) index++; // a backslash: the next character is escaped
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x7b || code === 0x5b) {
      if (++depth > limit) return true;
    } else if (code === 0x7d || code === 0x5d) {
      depth--;
    }
  }
  return false;
}

function strictViolationMessage(body: string, first: string | undefined): string {
  const index = first === undefined ? -1 : body.indexOf(first);
  const partial = index === -1 ? '' : body.slice(0, index) + '#'.repeat(body.length - index);
  try {
    JSON.parse(partial);
    return 'strict violation';
  } catch (error) {
    return (error as Error).message.replace(/#+/g, (placeholder) => body.slice(index, index + placeholder.length));
  }
}

function inflateBody(request: FastifyRequest, _reply: FastifyReply, payload: RequestPayload, done: (error: Error | null, payload?: RequestPayload) => void): void {
  const encoding = request.headers['content-encoding']?.toLowerCase();
  if (encoding === undefined || encoding === 'identity') return done(null, payload);
  const inflate = encoding === 'gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : encoding === 'br' ? createBrotliDecompress() : undefined;
  if (!inflate) return done(new HttpException(`unsupported content encoding "${encoding}"`, 415));
  // Fastify counts the inflated bytes against the body limit, and checks Content-Length against the bytes received.
  const inflated = payload.pipe(inflate) as unknown as RequestPayload & { receivedEncodedLength: number };
  inflated.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => (inflated.receivedEncodedLength += chunk.length));
  payload.on('error', (error: Error) => inflate.destroy(error));
  // Bytes that do not inflate are the client's mistake: 400 with zlib's words, as body-parser answered.
  inflate.once('error', (error: Error & { status?: number; statusCode?: number; expose?: boolean }) => Object.assign(error, { status: 400, statusCode: 400, expose: true }));
  done(null, inflated);
}

/** Express's ETag and freshness: a weak ETag of the body when the answer has none, 304 when the client has it. */
export function registerEtags(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if ((typeof payload !== 'string' && !Buffer.isBuffer(payload)) || reply.statusCode === 304) return done(null, payload);
    if (typeof payload === 'string') {
      // Express sent every text body with its charset (Swagger UI's pages and scripts are typed without one).
      const type = reply.getHeader('content-type');
      if (typeof type === 'string' && !type.includes('charset')) reply.header('Content-Type', `${type}; charset=utf-8`);
    }
    let etag = reply.getHeader('etag') as string | undefined;
    if (etag === undefined) {
      etag = weakEtag(payload);
      reply.header('ETag', etag);
    }
    if ((request.method === 'GET' || request.method === 'HEAD') && ((reply.statusCode >= 200 && reply.statusCode < 300) || reply.statusCode === 304) && isFresh(request, etag, reply.getHeader('last-modified') as string | undefined)) {
      reply.code(304);
      reply.removeHeader('content-type');
      reply.removeHeader('content-length');
      reply.removeHeader('transfer-encoding');
      // No body, and so no Content-Length either (null: undefined would keep the payload).
      return done(null, null);
    }
    done(null, payload);
  });
}

function weakEtag(body: string | Buffer): string {
  if (body.length === 0) return 'W/"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"';
  const hash = createHash('sha1').update(body).digest('base64').slice(0, 27);
  const length = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length;
  return `W/"${length.toString(16)}-${hash}"`;
}

function isFresh(request: FastifyRequest, etag: string, lastModified: string | undefined): boolean {
  const modifiedSince = request.headers['if-modified-since'];
  const noneMatch = request.headers['if-none-match'];
  if (!modifiedSince && !noneMatch) return false;
  const cacheControl = request.headers['cache-control'];
  if (cacheControl && /(?:^|,)\s*?no-cache\s*?(?:,|$)/.test(cacheControl)) return false;
  if (noneMatch) {
    if (noneMatch === '*') return true;
    return noneMatch
      .split(',')
      .map((token) => token.trim())
      .some((match) => match === etag || match === `W/${etag}` || `W/${match}` === etag);
  }
  if (!lastModified) return false;
  return Date.parse(lastModified) <= Date.parse(modifiedSince!);
}
