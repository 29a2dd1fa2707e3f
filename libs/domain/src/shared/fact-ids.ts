import type { DecideContext } from './decider.js';
import { check, type Violations } from './validation.js';

/**
 * The id of a fact a command adds (a title, credit, name, party…): the caller's own (a valid id not already used on
 * this aggregate — imports and retries choose their ids) or a fresh one.
 */
export function newFactId(v: Violations, supplied: string | undefined, existing: readonly string[], field: string, context: DecideContext, aggregate: string): string {
  if (supplied === undefined) return context.newId();
  check.optionalFactId(v, supplied, field);
  v.check(!existing.includes(supplied), field, `${supplied} is already used on this ${aggregate}`);
  return supplied;
}
