import type { FactStanding } from '../../../contracts/src/vocabulary.js';
import type { PersonDetails, PersonExternalIds, PersonFactRef, PersonNameValue } from '../../../contracts/src/events/person.events.js';
import type { Command, FixFields, WriteFields } from '../shared/decider.js';
import type { MergeData, UndoMergeData } from '../shared/merges.js';
import type { Changes } from '../shared/facts.js';

export interface PersonNameInput extends PersonNameValue {
  nameId?: string;
  primary?: boolean;
}

export type RegisterPerson = Command<
  'RegisterPerson',
  WriteFields & { personId: string; names: PersonNameInput[]; nationalities?: string[]; birthYear?: number; externalIds?: PersonExternalIds }
>;

/** New information; externalIds merge key by key. */
export type UpdatePersonDetails = Command<'UpdatePersonDetails', WriteFields & { personId: string; changes: Partial<PersonDetails> }>;

export type AddPersonName = Command<'AddPersonName', WriteFields & PersonNameInput & { personId: string }>;

export type SetPrimaryPersonName = Command<'SetPrimaryPersonName', WriteFields & { personId: string; nameId: string }>;

export type PersonFactRefInput = PersonFactRef | { type: 'event'; id: string };

export type CorrectPersonFact = Command<
  'CorrectPersonFact',
  FixFields & { personId: string; fact: PersonFactRefInput; changes: Changes<PersonDetails> | Changes<PersonNameValue>; replacementId?: string }
>;

export type ClarifyPersonFact = Command<'ClarifyPersonFact', FixFields & { personId: string; fact: PersonFactRefInput }>;

/** fact { type: 'person' } withdraws the whole person record. */
export type RetractPersonFact = Command<'RetractPersonFact', FixFields & { personId: string; fact: PersonFactRefInput }>;

/**
 * The person asked for their personal data to be erased. The application destroys the data keys first and names
 * them here; the domain records that it happened (names and public facts are not personal data in this sense).
 */
export type ErasePersonData = Command<'ErasePersonData', FixFields & { personId: string; erasedKeyIds: string[] }>;

/** How sure a fact is changed (not a fix): the source that changed it is the command's source. */
export type ChangePersonFactStanding = Command<'ChangePersonFactStanding', WriteFields & { personId: string; fact: PersonFactRefInput; standing: FactStanding }>;

export type PersonCommand =
  | RegisterPerson
  | UpdatePersonDetails
  | AddPersonName
  | SetPrimaryPersonName
  | CorrectPersonFact
  | ClarifyPersonFact
  | RetractPersonFact
  | ChangePersonFactStanding
  | ErasePersonData;

export const PERSON_COMMAND_TYPES = [
  'RegisterPerson',
  'UpdatePersonDetails',
  'AddPersonName',
  'SetPrimaryPersonName',
  'CorrectPersonFact',
  'ClarifyPersonFact',
  'RetractPersonFact',
  'ErasePersonData',
  'ChangePersonFactStanding',
] as const satisfies readonly PersonCommand['type'][];

/** `personId` (the duplicate) is the same person as `survivorId`: one decision over both streams (shared/merges.ts). */
export type MergePerson = Command<'MergePerson', MergeData & { personId: string }>;

/** The merge of `personId` was wrong: it becomes its own record again, and its survivor no longer stands for it. */
export type UndoPersonMerge = Command<'UndoPersonMerge', UndoMergeData & { personId: string }>;

export type PersonMergeCommand = MergePerson | UndoPersonMerge;
