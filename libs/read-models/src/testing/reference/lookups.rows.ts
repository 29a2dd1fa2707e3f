/**
 * Reference (lookups): what the model shows, computed from a stream's whole folded domain state. Tests only: the
 * engine's handlers (../../lookups/lookups.handlers.ts) must give the same rows event by event.
 */
import { streamIdFor } from '../../../../contracts/src/streams.js';
import type { OrganizationState } from '../../../../domain/src/organization/organization.state.js';
import type { PersonState } from '../../../../domain/src/person/person.state.js';
import { isCurrent } from '../../../../domain/src/shared/facts.js';
import type { TableColumns } from '../../shared/columns.js';
import { LookupName, OrganizationNameRow, PersonNameRow } from '../../lookups/lookups.types.js';

export const ORGANIZATION_NAME_COLUMNS: TableColumns<OrganizationNameRow> = {
  organization_id: 'text',
  owner_stream: 'text',
  primary_name: 'text',
  names: 'jsonb',
  kind: 'text',
  country: 'text',
  parent_organization_id: 'text',
  withdrawn: 'boolean',
  merged_into: 'text',
};

export const PERSON_NAME_COLUMNS: TableColumns<PersonNameRow> = {
  person_id: 'text',
  owner_stream: 'text',
  primary_name: 'text',
  names: 'jsonb',
  nationalities: 'text[]',
  withdrawn: 'boolean',
  merged_into: 'text',
};

function currentNames(names: readonly (LookupName & { rank: string; kind?: string })[]): { primary: string | null; names: LookupName[] } {
  const current = names
    .filter((n) => isCurrent(n as never))
    .map((n): LookupName => ({ nameId: n.nameId, text: n.text, language: n.language, ...(n.kind ? { kind: n.kind } : {}), primary: n.primary }));
  return { primary: (current.find((n) => n.primary) ?? current[0])?.text ?? null, names: current };
}

export function organizationNameRows(state: OrganizationState): OrganizationNameRow[] {
  if (!state.organizationId) return [];
  const { primary, names } = currentNames(state.names);
  return [
    {
      organization_id: state.organizationId,
      owner_stream: streamIdFor('organization', state.organizationId),
      primary_name: primary,
      names,
      kind: state.details?.kind ?? null,
      country: state.details?.country ?? null,
      parent_organization_id: state.details?.parentOrganizationId ?? null,
      withdrawn: state.withdrawn !== null,
      merged_into: state.mergedInto?.survivorId ?? null,
    },
  ];
}

export function personNameRows(state: PersonState): PersonNameRow[] {
  if (!state.personId) return [];
  const { primary, names } = currentNames(state.names);
  return [
    {
      person_id: state.personId,
      owner_stream: streamIdFor('person', state.personId),
      primary_name: primary,
      names,
      nationalities: state.details?.nationalities ?? [],
      withdrawn: state.withdrawn !== null,
      merged_into: state.mergedInto?.survivorId ?? null,
    },
  ];
}
