import type { FactStanding } from '../../../contracts/src/vocabulary.js';
import type { PartialDate } from '../../../contracts/src/envelope.js';
import type { OrganizationDetails, OrganizationFactRef, RegisteredOrganizationName } from '../../../contracts/src/events/organization.events.js';
import { NOT_MERGED, type MergeState } from '../shared/merges.js';
import { NO_FACTS_BY_EVENT, type EditorialNote, type FactAnnotations, type FactsByEvent } from '../shared/facts.js';

export interface OrganizationName extends RegisteredOrganizationName, FactAnnotations {}

/** `mergedInto`: this record was found to duplicate another; `absorbed`: the duplicates it stands for (shared/merges.ts). */
export interface OrganizationState extends MergeState {
  organizationId: string | null;
  details: OrganizationDetails | null;
  detailsCorrections: (EditorialNote & { changes: Partial<OrganizationDetails>; previous: Partial<OrganizationDetails> })[];
  clarifications: EditorialNote[];
  withdrawn: EditorialNote | null;
  /** How sure the organization itself is (its own fact); absent means 'reported'. */
  standing?: FactStanding;
  names: OrganizationName[];
  /** Every parent change, oldest first (absent parentOrganizationId: none). */
  parentHistory: { parentOrganizationId?: string; effective?: PartialDate; eventId: string }[];
  factsByEventId: FactsByEvent<OrganizationFactRef>;
  version: number;
}

export function initialOrganizationState(): OrganizationState {
  return {
    organizationId: null,
    details: null,
    detailsCorrections: [],
    clarifications: [],
    withdrawn: null,
    names: [],
    parentHistory: [],
    factsByEventId: NO_FACTS_BY_EVENT,
    ...NOT_MERGED,
    version: 0,
  };
}
