import type { PersonDetails, PersonExternalIds, PersonFactRef, PersonNameValue } from '../../../contracts/src/events/person.events.js';
import type { Command, FixFields, WriteFields } from '../shared/decider.js';
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
export type PersonCommand =
  | RegisterPerson
  | UpdatePersonDetails
  | AddPersonName
  | SetPrimaryPersonName
  | CorrectPersonFact
  | ClarifyPersonFact
  | RetractPersonFact
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
] as const satisfies readonly PersonCommand['type'][];
