import { isUuid, streamIdFor, type AggregateType } from '../../../../libs/contracts/src/streams.js';
import type { FieldViolation } from '../../../../libs/domain/src/index.js';

/**
 * Fields of command data that point at another aggregate. The deciders check one stream each; whether the company,
 * person, work or deal a command names exists is checked here, before anything is decided.
 */
const REFERENCE_FIELDS: Record<string, AggregateType> = {
  organizationId: 'organization',
  parentOrganizationId: 'organization',
  distributorId: 'organization',
  personId: 'person',
  workId: 'work',
  targetWorkId: 'work',
  dealId: 'deal',
};

export interface AggregateReference {
  field: string;
  aggregate: AggregateType;
  id: string;
}

/**
 * Every reference in `data` except the command's own aggregate id at the top level. `fact` is skipped: it names a
 * fact inside the command's own aggregate, which the decider checks.
 */
export function findReferences(data: Record<string, unknown>, ownIdField: string): AggregateReference[] {
  const found: AggregateReference[] = [];
  const visit = (value: unknown, path: string, topLevel: boolean): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${path}[${index}]`, false));
      return;
    }
    if (!value || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const field = path ? `${path}.${key}` : key;
      if (key === 'fact' || key === 'source') continue;
      if (topLevel && key === ownIdField) continue;
      const aggregate = REFERENCE_FIELDS[key];
      // Malformed ids are left to the decider's field validation, which names the field.
      if (aggregate && typeof child === 'string' && isUuid(child)) found.push({ field, aggregate, id: child });
      else visit(child, field, false);
    }
  };
  visit(data, '', true);
  return found;
}

/** Field violations for references whose aggregate does not exist, given the set of existing stream ids. */
export function missingReferences(references: AggregateReference[], existingStreamIds: ReadonlySet<string>): FieldViolation[] {
  return references
    .filter((reference) => !existingStreamIds.has(streamIdFor(reference.aggregate, reference.id)))
    .map((reference) => ({ field: reference.field, message: `no ${reference.aggregate} with id ${reference.id}; register it first` }));
}
