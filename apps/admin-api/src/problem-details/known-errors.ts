import {
  AggregateNotFoundError,
  AlreadyExistsError,
  DomainValidationError,
  FactNotFoundError,
  FactSupersededError,
  IllegalStatusTransitionError,
  MergedError,
  RetractedError,
} from '../../../../libs/domain/src/index.js';
import { isDatabaseUnavailable } from '../../../../libs/database/src/unavailable.js';
import { IdempotencyKeyReusedError, WrongExpectedVersionError } from '../../../../libs/event-store/src/index.js';
import { ProblemType, type ProblemDetails } from './problem-details.js';

/**
 * Domain and event-store errors as problem+json. Every answer says what to do next: the current version to re-read,
 * the statuses that are allowed, the fact that replaced the one being edited.
 */
export function mapKnownError(error: unknown): ProblemDetails | undefined {
  if (error instanceof WrongExpectedVersionError) {
    return {
      type: ProblemType.conflict,
      title: 'Edited by someone else',
      status: 409,
      detail: `${error.streamId} is at version ${error.currentVersion}, not ${String(error.expectedVersion)}: re-read it, check the other edit, and retry with If-Match: "${error.currentVersion}". Nothing was recorded.`,
      streamId: error.streamId,
      expectedVersion: error.expectedVersion,
      currentVersion: error.currentVersion,
    };
  }
  if (error instanceof IdempotencyKeyReusedError) {
    return {
      type: ProblemType.idempotencyKeyReused,
      title: 'Idempotency-Key reused for a different request',
      status: 422,
      detail:
        'This Idempotency-Key was already used by your API key for a different request (another body, route or method): a key names one request, and a retry must repeat it exactly. Use a new key for a new request. Nothing was recorded.',
    };
  }
  if (error instanceof DomainValidationError) {
    // Malformed (a value not of its field's form) is 400 as at the edge, whichever layer saw it; 422 is for rules.
    const malformed = error.errors.some((violation) => violation.malformed);
    const errors = error.errors.map(({ field, message }) => ({ field, message }));
    return malformed
      ? { type: ProblemType.validation, title: 'Invalid request', status: 400, detail: 'The request has invalid fields; nothing was recorded.', errors }
      : { type: ProblemType.validation, title: 'Invalid request', status: 422, detail: 'The request breaks the rules below; nothing was recorded.', errors };
  }
  if (error instanceof IllegalStatusTransitionError) {
    return { type: ProblemType.illegalTransition, title: 'Illegal status transition', status: 422, detail: error.message, from: error.from, to: error.to, allowed: error.allowed };
  }
  if (error instanceof AggregateNotFoundError) {
    return { type: ProblemType.notFound, title: 'Not found', status: 404, detail: error.message };
  }
  if (error instanceof AlreadyExistsError) {
    return { type: ProblemType.alreadyExists, title: 'Already exists', status: 409, detail: error.message };
  }
  if (error instanceof FactNotFoundError) {
    return { type: ProblemType.factNotFound, title: 'Fact not found', status: 422, detail: error.message, factType: error.factType, factId: error.factId };
  }
  if (error instanceof FactSupersededError) {
    return { type: ProblemType.factSuperseded, title: 'Fact was corrected', status: 422, detail: error.message, supersededBy: error.supersededBy };
  }
  if (error instanceof MergedError) {
    const collection = error.aggregate === 'person' ? 'people' : error.aggregate === 'organization' ? 'organizations' : `${error.aggregate}s`;
    return {
      type: ProblemType.merged,
      title: 'Merged into another record',
      status: 409,
      detail: `${error.message}. Nothing was recorded.`,
      survivorId: error.survivorId,
      survivor: `/${collection}/${error.survivorId}`,
    };
  }
  if (error instanceof RetractedError) {
    return { type: ProblemType.retracted, title: 'Retracted', status: 422, detail: error.message, retraction: error.retraction };
  }
  if (isDatabaseUnavailable(error)) return databaseUnavailableProblem();
  return undefined;
}

/** Seconds a client is asked to wait (Retry-After) while PostgreSQL is away: a restart takes a few. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/**
 * PostgreSQL cannot be reached or is restarting: the client is not at fault and the same request will work once it is
 * back, so 503 with Retry-After rather than 500. A write whose connection broke while it committed may have been
 * recorded, hence "retry with the same Idempotency-Key" (which answers the first outcome) rather than "nothing was recorded".
 */
export function databaseUnavailableProblem(): ProblemDetails {
  return {
    type: ProblemType.databaseUnavailable,
    title: 'Database unavailable',
    status: 503,
    detail: `The database cannot be reached right now. Retry after ${DATABASE_RETRY_AFTER_SECONDS} seconds; retry a write with the same Idempotency-Key, so that it is recorded once even if this attempt was.`,
    retryAfter: DATABASE_RETRY_AFTER_SECONDS,
  };
}
