import { HttpException } from '@nestjs/common';

/** One thing wrong with one field, in words a person can act on. `field` is a dotted path: `source.publisher`. */
export interface FieldError {
  field: string;
  message: string;
}

/** RFC 9457 problem details. Extension members carry what a client needs to recover (current version, allowed statuses). */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problem type URIs, relative to the API (RFC 9457 §3.1.1 allows relative references); listed in the README. */
export const ProblemType = {
  validation: '/problems/validation-error',
  unauthorized: '/problems/unauthorized',
  forbidden: '/problems/forbidden',
  notFound: '/problems/not-found',
  conflict: '/problems/concurrency-conflict',
  idempotencyKeyReused: '/problems/idempotency-key-reused',
  unprocessable: '/problems/business-rule-violation',
  illegalTransition: '/problems/illegal-status-transition',
  alreadyExists: '/problems/already-exists',
  factNotFound: '/problems/fact-not-found',
  factSuperseded: '/problems/fact-superseded',
  retracted: '/problems/retracted',
  possibleDuplicate: '/problems/possible-duplicate',
  merged: '/problems/merged',
  internal: '/problems/internal-error',
  overloaded: '/problems/overloaded',
  rateLimited: '/problems/rate-limited',
  databaseUnavailable: '/problems/database-unavailable',
  malformedRequest: '/problems/malformed-request',
  requestTimeout: '/problems/request-timeout',
  bodyTooLarge: '/problems/body-too-large',
  unsupportedMediaType: '/problems/unsupported-media-type',
  other: 'about:blank',
} as const;

/** Thrown by controllers and handlers when they already know the exact problem to answer with. */
export class ProblemException extends HttpException {
  constructor(readonly problem: ProblemDetails) {
    super(problem, problem.status);
  }
}

export function validationProblem(errors: FieldError[], detail = 'The request has invalid fields; nothing was recorded.'): ProblemException {
  return new ProblemException({ type: ProblemType.validation, title: 'Invalid request', status: 400, detail, errors });
}
