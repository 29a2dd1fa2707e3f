import type { Violations } from './validation.js';

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
