import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import pino, { type Logger as PinoLogger } from 'pino';
import { wasRefusedAtTheEdge } from '../http/refused-at-the-edge.js';
import { urlForLog } from './url-for-log.js';

/** Accepted from clients so one edit can be followed across services; anything else gets a fresh id. */
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function correlationIdOf(request: IncomingMessage): string {
  const header = request.headers['x-correlation-id'];
  const value = Array.isArray(header) ? header[0] : header;
  return value && CORRELATION_ID.test(value) ? value : randomUUID();
}

/**
 * The app's one pino logger: Nest's own messages (through PinoNestLogger) and one JSON line per request.
 * API keys travel in headers that are redacted, so a key never reaches a log (no request log line carries headers);
 * a key sent in the URL is hidden from the logged URL (urlForLog).
 */
export function createAppLogger(level: string): PinoLogger {
  return pino({
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'], censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
  });
}

/**
 * One JSON line per request, when the answer is sent, carrying the correlation id — which is the request id
 * (Fastify's genReqId: correlationIdOf), is echoed in the X-Correlation-Id response header and is stored on every
 * event the request records. The line is the one pino-http wrote before:
 * `{"req":{"id","method","url"},"correlationId","res":{"statusCode"},"responseTime","msg":"request completed"}`, at
 * error level with `err` and "request errored" for a 5xx, "request aborted" when the client went away first.
 *
 * Nothing per request is allocated for a line whose level is off (the benchmark runs at warn), and no request-scoped
 * child logger or AsyncLocalStorage is kept: the only logs written inside a request (ProblemDetailsFilter's
 * unexpected errors) name the request themselves.
 */
export function registerRequestLogging(fastify: FastifyInstance, logger: PinoLogger, isKey: (value: string) => boolean): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Correlation-Id', request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    // A request refused at the edge (admission's 503, early authentication's 401 and 403, the rate limits' 429) is
    // counted in its own metric instead: the client decides how many there are, so a line each only at debug.
    if (wasRefusedAtTheEdge(reply.raw)) {
      logRequest(logger, isKey, request, reply, undefined, 'request refused at the edge', 'debug');
      return done();
    }
    logRequest(logger, isKey, request, reply, reply.statusCode >= 500 ? new Error(`failed with status code ${reply.statusCode}`) : undefined, 'request completed');
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    logRequest(logger, isKey, request, undefined, undefined, 'request aborted');
    done();
  });
}

function logRequest(
  logger: PinoLogger,
  isKey: (value: string) => boolean,
  request: FastifyRequest,
  reply: FastifyReply | undefined,
  err: Error | undefined,
  message: string,
  level: 'debug' | 'info' | 'error' = err ? 'error' : 'info',
): void {
  if (!logger.isLevelEnabled(level)) return;
  const line = {
    req: { id: request.id, method: request.method, url: urlForLog(request.url, isKey) },
    correlationId: request.id,
    // An aborted request has no answer: pino-http showed the status the response had not sent (200).
    res: { statusCode: reply ? reply.statusCode : 200 },
    ...(err ? { err } : {}),
    ...(reply ? { responseTime: Math.round(reply.elapsedTime) } : {}),
  };
  logger[level](line, err ? 'request errored' : message);
}

/**
 * Nest's LoggerService on the app's pino logger, writing the lines nestjs-pino's Logger wrote:
 * `{"level":30,…,"context":"NestFactory","msg":"Starting Nest application..."}`; an Error as `err`.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: PinoLogger) {}

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.call('trace', message, optionalParams);
  }
  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.call('debug', message, optionalParams);
  }
  log(message: unknown, ...optionalParams: unknown[]): void {
    this.call('info', message, optionalParams);
  }
  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.call('warn', message, optionalParams);
  }
  error(message: unknown, ...optionalParams: unknown[]): void {
    this.call('error', message, optionalParams);
  }
  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.call('fatal', message, optionalParams);
  }

  private call(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal', message: unknown, optionalParams: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    // Nest passes the context as the last parameter.
    let params: unknown[] = [];
    if (optionalParams.length !== 0) {
      fields.context = optionalParams[optionalParams.length - 1];
      params = optionalParams.slice(0, -1);
    }
    if (typeof message === 'object' && message !== null) {
      if (message instanceof Error) fields.err = message;
      else Object.assign(fields, message);
      this.logger[level](fields, ...(params as []));
    } else if (level === 'error' && typeof message === 'string' && params.length === 1 && typeof params[0] === 'string' && /\n\s*at /.test(params[0])) {
      // Nest's own exception handlers call error(message, stack, context).
      const err = new Error(message);
      err.stack = params[0];
      fields.err = err;
      this.logger[level](fields);
    } else {
      this.logger[level](fields, message as string, ...(params as []));
    }
  }
}
