import type { FactStanding } from '../../../contracts/src/vocabulary.js';
import type { PersonDetails, PersonFactRef, RegisteredPersonName } from '../../../contracts/src/events/person.events.js';
import { NOT_MERGED, type MergeState } from '../shared/merges.js';
import { NO_FACTS_BY_EVENT, type EditorialNote, type FactAnnotations, type FactsByEvent } from '../shared/facts.js';

export interface PersonName extends RegisteredPersonName, FactAnnotations {}

/** `mergedInto`: this record was found to duplicate another; `absorbed`: the duplicates it stands for (shared/merges.ts). */
export interface PersonState extends MergeState {
  personId: string | null;
  details: PersonDetails | null;
  detailsCorrections: (EditorialNote & { changes: Partial<PersonDetails>; previous: Partial<PersonDetails> })[];
  clarifications: EditorialNote[];
  withdrawn: EditorialNote | null;
  /** How sure the person itself is (its own fact); absent means 'reported'. */
  standing?: FactStanding;
  names: PersonName[];
  factsByEventId: FactsByEvent<PersonFactRef>;
  version: number;
}

export function initialPersonState(): PersonState {
  return { personId: null, details: null, detailsCorrections: [], clarifications: [], withdrawn: null, names: [], factsByEventId: NO_FACTS_BY_EVENT, ...NOT_MERGED, version: 0 };
}
