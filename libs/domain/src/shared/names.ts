import type { DecideContext } from './decider.js';
import { newFactId } from './fact-ids.js';
import { findEditableFact, isCurrent, type FactAnnotations } from './facts.js';
import { check, validationError, type Violations } from './validation.js';

/**
 * Lists with a primary entry (a work's titles, an organization's or person's names): exactly one is primary.
 * A single entry is primary unless it says otherwise.
 */
export function assignPrimary<T extends { primary?: boolean }>(v: Violations, items: readonly T[], field: string): boolean[] {
  const flags = items.map((item) => (items.length === 1 ? item.primary !== false : item.primary === true));
  const count = flags.filter(Boolean).length;
  v.check(count === 1, field, `exactly one must be primary (found ${count})`);
  return flags;
}

interface NameEntry extends FactAnnotations {
  nameId: string;
  primary: boolean;
  text: string;
  language: string;
}

/**
 * AddOrganizationName / AddPersonName once the name value itself is validated: the new name's id, a refusal of a
 * name the aggregate already has, and whether the primary name moves to it (and from which).
 */
export function planNameAddition(
  v: Violations,
  names: readonly NameEntry[],
  input: { nameId?: string; primary?: unknown },
  value: { text: string; language: string },
  aggregate: string,
  context: DecideContext,
): { nameId: string; makePrimary: boolean; previousPrimaryId: string | undefined } {
  if (input.primary !== undefined) check.boolean(v, input.primary, 'primary');
  const nameId = newFactId(v, input.nameId, names.map((n) => n.nameId), 'nameId', context, aggregate);
  const duplicate = names.find((n) => isCurrent(n) && n.text === value.text && n.language === value.language);
  if (duplicate) v.add('text', `the ${aggregate} already has this name (${duplicate.nameId})`);
  v.throwIfAny();
  return { nameId, makePrimary: input.primary === true, previousPrimaryId: names.find((n) => n.primary && isCurrent(n))?.nameId };
}

/** SetPrimaryOrganizationName / SetPrimaryPersonName: the name must be current and not already primary. */
export function planPrimaryName(v: Violations, names: readonly NameEntry[], nameId: string): { previousPrimaryId: string | undefined } {
  check.factId(v, nameId, 'nameId');
  v.throwIfAny();
  const name = findEditableFact(names, (n) => n.nameId, nameId, 'name');
  if (name.primary) throw validationError('nameId', `${nameId} is already the primary name`);
  return { previousPrimaryId: names.find((n) => n.primary && isCurrent(n))?.nameId };
}
