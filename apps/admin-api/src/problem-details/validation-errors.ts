import type { ValidationError } from 'class-validator';
import type { FieldError } from './problem-details.js';

/** class-validator nests errors per property; a client wants a flat list with dotted paths (`titles.0.language`). */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message: message.replace(/^[\w.]+ /, `${field} `) }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}
