import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { validationProblem } from '../problem-details/problem-details.js';
import { parseInstant } from '../shared/strict-dates.js';

/** Which view of the read models a request asks for: now (neither), as of an instant, or as of a log position. */
export interface ViewRequest {
  asOf?: Date;
  asOfPosition?: number;
}

function parseView(query: Record<string, unknown>): ViewRequest {
  const view: ViewRequest = {};
  const asOf = query.asOf;
  if (asOf !== undefined && asOf !== '') {
    const date = parseInstant(asOf);
    if (!date) throw validationProblem([{ field: 'asOf', message: 'asOf must be a real ISO 8601 instant with a time zone, e.g. 2025-11-25T12:00:00Z' }]);
    view.asOf = date;
  }
  const position = query.asOfPosition;
  if (position !== undefined && position !== '') {
    const value = typeof position === 'string' && /^\d{1,15}$/.test(position) ? Number(position) : Number.NaN;
    if (!Number.isSafeInteger(value)) throw validationProblem([{ field: 'asOfPosition', message: 'asOfPosition must be a global position: a whole number from 0 to 999999999999999' }]);
    view.asOfPosition = value;
  }
  if (view.asOf && view.asOfPosition !== undefined) {
    throw validationProblem([{ field: 'asOfPosition', message: 'give asOf or asOfPosition, not both' }]);
  }
  return view;
}

/** `?asOf=` / `?asOfPosition=` of a read-model request, or a 400 naming the parameter. */
export const ViewAt = createParamDecorator((_data: unknown, context: ExecutionContext): ViewRequest => {
  const request = context.switchToHttp().getRequest<{ query?: Record<string, unknown> }>();
  return parseView(request.query ?? {});
});

/** The two as-of parameters every read model and list accepts, in the OpenAPI document. */
export const ViewAtQuery = () =>
  applyDecorators(
    ApiQuery({ name: 'asOf', required: false, description: 'ISO 8601 instant: answer as the desk knew it then (the read models as of the last event recorded by then)', example: '2025-11-25T12:00:00Z' }),
    ApiQuery({ name: 'asOfPosition', required: false, description: 'Global log position: answer as the read models stood once every event up to it was applied', example: '120' }),
  );
