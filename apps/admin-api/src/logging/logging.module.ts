import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';

/** Accepted from clients so one edit can be followed across services; anything else gets a fresh id. */
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function correlationIdOf(request: IncomingMessage): string {
  const header = request.headers['x-correlation-id'];
  const value = Array.isArray(header) ? header[0] : header;
  return value && CORRELATION_ID.test(value) ? value : randomUUID();
}

/**
 * One JSON line per request (pino-http), carrying the correlation id, which is also echoed in the
 * X-Correlation-Id response header and stored on every event the request records.
 * API keys travel in headers that are redacted, so a key never reaches a log.
 */
export function loggingModule(level: string) {
  return LoggerModule.forRoot({
    pinoHttp: {
      level,
      genReqId: (request: IncomingMessage, response: ServerResponse) => {
        const id = correlationIdOf(request);
        response.setHeader('X-Correlation-Id', id);
        return id;
      },
      customProps: (request: IncomingMessage) => ({ correlationId: (request as IncomingMessage & { id?: unknown }).id }),
      redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'], censor: '[redacted]' },
      // The serializers get the raw request and response: pino-http's default wrapping first builds pino's full
      // request object (every header copied) on every request, only for these three fields to be picked from it.
      wrapSerializers: false,
      serializers: {
        req: (req: IncomingMessage & { id?: unknown; originalUrl?: string }) => ({ id: req.id, method: req.method, url: req.originalUrl ?? req.url }),
        res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
      customLogLevel: (_request, response, error) => (error || response.statusCode >= 500 ? 'error' : 'info'),
    },
  });
}
