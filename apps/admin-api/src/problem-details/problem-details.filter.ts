import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { PROBLEM_CONTENT_TYPE, ProblemException, ProblemType, type ProblemDetails } from './problem-details.js';
import { mapKnownError } from './known-errors.js';

interface ResponseLike {
  status(code: number): ResponseLike;
  type(contentType: string): ResponseLike;
  send(body: string): void;
  headersSent?: boolean;
}
interface RequestLike {
  originalUrl?: string;
  url?: string;
}

const TITLES: Record<number, { title: string; type: string }> = {
  400: { title: 'Invalid request', type: ProblemType.validation },
  401: { title: 'Unauthorized', type: ProblemType.unauthorized },
  403: { title: 'Forbidden', type: ProblemType.forbidden },
  404: { title: 'Not found', type: ProblemType.notFound },
  409: { title: 'Conflict', type: ProblemType.conflict },
  422: { title: 'Unprocessable request', type: ProblemType.unprocessable },
};

/** Every error leaves the API as RFC 9457 problem+json; unexpected ones are logged and answered without internals. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<ResponseLike>();
    const request = http.getRequest<RequestLike>();
    const problem = { ...this.toProblem(exception), instance: request.originalUrl ?? request.url };
    if (response.headersSent) return;
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof ProblemException) return exception.problem;
    const known = mapKnownError(exception);
    if (known) return known;
    if (exception instanceof HttpException) return fromHttpException(exception);
    if (isBodyParserError(exception)) {
      return { type: ProblemType.validation, title: 'Invalid request', status: 400, detail: `The request body is not valid JSON: ${exception.message}` };
    }
    this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    return { type: ProblemType.internal, title: 'Internal error', status: 500, detail: 'Something went wrong on our side; nothing you sent was recorded unless a later read shows it.' };
  }
}

function fromHttpException(exception: HttpException): ProblemDetails {
  const status = exception.getStatus();
  const body = exception.getResponse();
  const known = TITLES[status] ?? { title: HttpStatus[status] ?? 'Error', type: ProblemType.other };
  const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
  const detail = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : exception.message;
  return { type: known.type, title: known.title, status, detail };
}

function isBodyParserError(exception: unknown): exception is Error & { status: number; type: string } {
  return exception instanceof Error && (exception as { type?: string }).type === 'entity.parse.failed';
}
