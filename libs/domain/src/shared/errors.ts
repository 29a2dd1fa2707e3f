/**
 * Typed domain errors. No framework here: the API maps them to problem+json
 * (DomainValidationError → 422 with `errors`, IllegalStatusTransitionError → 422 with `allowed`,
 * FactNotFoundError / AggregateNotFoundError → 404 (or 422 when the id came from a body), AlreadyExistsError → 409,
 * RetractedError / FactSupersededError → 422).
 */

export interface FieldViolation {
  /** Path into the command data, e.g. 'titles[1].language', 'source.publisher'. */
  field: string;
  message: string;
  /**
   * The value is not of the form the field takes (a partial date whose date does not match its precision, say), as
   * opposed to a well-formed value a rule refuses: the API answers a command with any such violation 400, not 422.
   */
  malformed?: true;
}

export abstract class DomainError extends Error {
  /** Stable machine-readable code, usable as the problem type suffix. */
  abstract readonly code: string;
}

/** A business rule rejects the command; every violated field is listed. */
export class DomainValidationError extends DomainError {
  readonly code = 'validation-failed';
  constructor(readonly errors: FieldViolation[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    this.name = 'DomainValidationError';
  }
}

export class IllegalStatusTransitionError extends DomainError {
  readonly code = 'illegal-status-transition';
  constructor(
    readonly aggregate: string,
    readonly from: string | null,
    readonly to: string,
    readonly allowed: string[],
  ) {
    super(
      `A ${aggregate} cannot go from ${from ?? '(none)'} to ${to}; allowed from ${from ?? '(none)'}: ${allowed.length ? allowed.join(', ') : 'nothing (final status)'}`,
    );
    this.name = 'IllegalStatusTransitionError';
  }
}

/** A command references a fact (credit, title, …, or an event id) the aggregate does not have. */
export class FactNotFoundError extends DomainError {
  readonly code = 'fact-not-found';
  constructor(
    readonly factType: string,
    readonly factId: string,
  ) {
    super(`No ${factType} with id ${factId}`);
    this.name = 'FactNotFoundError';
  }
}

export class AggregateNotFoundError extends DomainError {
  readonly code = 'not-found';
  constructor(
    readonly aggregate: string,
    readonly id: string,
  ) {
    super(`No ${aggregate} with id ${id}`);
    this.name = 'AggregateNotFoundError';
  }
}

export class AlreadyExistsError extends DomainError {
  readonly code = 'already-exists';
  constructor(
    readonly aggregate: string,
    readonly id: string,
  ) {
    super(`A ${aggregate} with id ${id} already exists`);
    this.name = 'AlreadyExistsError';
  }
}

/** The item (a whole aggregate or one fact) was retracted: its record stays, but it takes no further edits. */
export class RetractedError extends DomainError {
  readonly code = 'retracted';
  constructor(
    readonly subjectType: string,
    readonly subjectId: string,
    readonly retraction: { note: string; eventId: string },
  ) {
    super(`The ${subjectType} ${subjectId} was retracted (${retraction.note}); it cannot be edited`);
    this.name = 'RetractedError';
  }
}

/** The fact was corrected (or moved): edit its replacement instead, named in `supersededBy`. */
export class FactSupersededError extends DomainError {
  readonly code = 'fact-superseded';
  constructor(
    readonly factType: string,
    readonly factId: string,
    readonly supersededBy: { id: string; workId?: string },
  ) {
    super(
      `The ${factType} ${factId} was superseded by ${supersededBy.id}${supersededBy.workId ? ` on work ${supersededBy.workId}` : ''}; edit that one instead`,
    );
    this.name = 'FactSupersededError';
  }
}

/**
 * The record was merged into another (a duplicate of it): it takes no further edits. Edit the survivor, named in
 * `survivorId`; or, if the merge was wrong, undo it.
 */
export class MergedError extends DomainError {
  readonly code = 'merged';
  constructor(
    readonly aggregate: string,
    readonly id: string,
    readonly survivorId: string,
  ) {
    super(`The ${aggregate} ${id} was merged into ${survivorId} as a duplicate of it; edit ${survivorId} instead, or undo the merge`);
    this.name = 'MergedError';
  }
}
