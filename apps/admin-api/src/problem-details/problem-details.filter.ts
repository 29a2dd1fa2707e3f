import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject, Logger } from '@nestjs/common';
import { ApiKeyRegistry } from '../auth/api-key-registry.js';
import { urlForLog } from '../logging/url-for-log.js';
import { PROBLEM_CONTENT_TYPE, ProblemException, ProblemType, type ProblemDetails } from './problem-details.js';
import { DATABASE_RETRY_AFTER_SECONDS, mapKnownError } from './known-errors.js';

/** Fastify's reply: `sent` once an answer went out (or the reply was hijacked). */
interface ResponseLike {
  status(code: number): ResponseLike;
  header(name: string, value: string): ResponseLike;
  type(contentType: string): ResponseLike;
  send(body: string): void;
  sent?: boolean;
}
interface RequestLike {
  id?: unknown;
  method?: string;
  originalUrl?: string;
  url?: string;
}

/** Fastify's words for a body it refuses, as Express's body-parser worded them. */
const FASTIFY_DETAILS: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'request entity too large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'request size did not match content length',
};

const TITLES: Record<number, { title: string; type: string }> = {
  400: { title: 'Invalid request', type: ProblemType.validation },
  401: { title: 'Unauthorized', type: ProblemType.unauthorized },
  403: { title: 'Forbidden', type: ProblemType.forbidden },
  404: { title: 'Not found', type: ProblemType.notFound },
  408: { title: 'Request timeout', type: ProblemType.requestTimeout },
  409: { title: 'Conflict', type: ProblemType.conflict },
  413: { title: 'Request body too large', type: ProblemType.bodyTooLarge },
  415: { title: 'Unsupported media type', type: ProblemType.unsupportedMediaType },
  422: { title: 'Unprocessable request', type: ProblemType.unprocessable },
};

/** Every error leaves the API as RFC 9457 problem+json; unexpected ones are logged and answered without internals. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  constructor(@Inject(ApiKeyRegistry) private readonly keys: ApiKeyRegistry) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<ResponseLike>();
    const request = http.getRequest<RequestLike>();
    const problem: ProblemDetails = { ...this.toProblem(exception, request), instance: request.originalUrl ?? request.url };
    if (response.sent) return;
    // A 503 is temporary by definition: say when to come back (RFC 9110 §10.2.3), as the overload refusal does.
    // A redirect (a merged record's reads: mergedRedirect) says where to go.
    if (problem.status >= 300 && problem.status < 400 && typeof problem.location === 'string') response.header('Location', problem.location);
    if (problem.status === 503) response.header('Retry-After', String(typeof problem.retryAfter === 'number' ? problem.retryAfter : DATABASE_RETRY_AFTER_SECONDS));
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown, request: RequestLike): ProblemDetails {
    if (exception instanceof ProblemException) return exception.problem;
    const known = mapKnownError(exception);
    if (known) return known;
    if (exception instanceof HttpException) return fromHttpException(exception);
    const clientError = asClientError(exception);
    if (clientError) return fromHttpException(new HttpException(clientError.message, clientError.statusCode));
    // With the request it failed (its id is the correlation id), to match the request log line and the client's answer.
    const err = exception instanceof Error ? exception : new Error(String(exception));
    const url = urlForLog(request.originalUrl ?? request.url ?? '', (value) => this.keys.isKey(value));
    this.logger.error({ req: { id: request.id, method: request.method, url }, err }, 'unexpected error');
    return { type: ProblemType.internal, title: 'Internal error', status: 500, detail: 'Something went wrong on our side; nothing you sent was recorded unless a later read shows it.' };
  }
}

function fromHttpException(exception: HttpException): ProblemDetails {
  const status = exception.getStatus();
  const body = exception.getResponse();
  const known = TITLES[status] ?? { title: HttpStatus[status] ?? 'Error', type: ProblemType.other };
  const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
  const code = (exception.cause as { code?: unknown } | undefined)?.code;
  const detail =
    typeof code === 'string' && FASTIFY_DETAILS[code] ? FASTIFY_DETAILS[code] : Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : exception.message;
  return { type: known.type, title: known.title, status, detail };
}

/** An http-errors style client error (e.g. zlib's, marked 400 by the body reader), whichever realm made it. */
function asClientError(exception: unknown): { statusCode: number; message: string } | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { statusCode, expose, message } = exception as { statusCode?: unknown; expose?: unknown; message?: unknown };
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 && expose === true && typeof message === 'string' ? { statusCode, message } : undefined;
}
