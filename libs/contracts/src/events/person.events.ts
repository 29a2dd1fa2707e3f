/** Person events: the published `data` shapes on `person-<uuid>` streams. Fields are added, never renamed. */
import type { NameKind, FactStanding } from '../vocabulary.js';

/**
 * A name in one language/script. Korean names are family-name-first in every script: 이광수 (ko-Kore) and its
 * romanization 'Lee Kwang-soo' (ko-Latn) both have familyName first; an English-order rendering 'Kwang-soo Lee'
 * would have familyNameFirst: false.
 */
export interface PersonNameValue {
  text: string;
  language: string;
  kind?: NameKind;
  familyName?: string;
  givenName?: string;
  /** Required when familyName and givenName are given: the order they appear in `text`. */
  familyNameFirst?: boolean;
}

export interface RegisteredPersonName extends PersonNameValue {
  nameId: string;
  primary: boolean;
}

export interface PersonExternalIds {
  /** nm0000000 */
  imdb?: string;
  /** KOBIS peopleCd, 8 digits */
  kobis?: string;
  /** TMDB person id (digits) */
  tmdb?: string;
  /** Q… */
  wikidata?: string;
}

export interface PersonDetails {
  /** ISO 3166-1 alpha-2, e.g. ['KR'] for Lee Kwang-soo, ['VN'] for Tuấn Trần. */
  nationalities: string[];
  birthYear?: number;
  externalIds: PersonExternalIds;
}

export const PERSON_FACT_TYPES = ['person', 'name'] as const;
export type PersonFactType = (typeof PERSON_FACT_TYPES)[number];
export interface PersonFactRef {
  type: PersonFactType;
  id: string;
}

export interface PersonRegisteredData extends PersonDetails {
  personId: string;
  /** Exactly one is primary. */
  names: RegisteredPersonName[];
}

/** New information (externalIds merge key by key). */
export interface PersonDetailsUpdatedData {
  personId: string;
  changes: Partial<PersonDetails>;
}

export interface PersonNameAddedData extends PersonNameValue {
  personId: string;
  nameId: string;
}

export interface PrimaryPersonNameSetData {
  personId: string;
  nameId: string;
  previousNameId?: string;
}

export interface PersonDetailsCorrectedData {
  personId: string;
  changes: Partial<PersonDetails>;
  previous: Partial<PersonDetails>;
  note: string;
}

export interface PersonNameCorrectedData {
  personId: string;
  nameId: string;
  replacementNameId: string;
  replacement: PersonNameValue;
  note: string;
}

export interface PersonFactClarifiedData {
  personId: string;
  fact: PersonFactRef;
  note: string;
}

export interface PersonFactRetractedData {
  personId: string;
  fact: PersonFactRef;
  note: string;
}

export interface PersonRetractedData {
  personId: string;
  note: string;
}

/**
 * The person asked for their personal data to be erased: the data keys that sealed it were destroyed before this was
 * recorded, so no copy of the log can be read for it any more (confidential-sources.md). Names and public facts stay.
 */
export interface PersonDataErasedData {
  personId: string;
  /** The data keys destroyed (none when nothing personal had been recorded). */
  erasedKeyIds: string[];
  note: string;
}

/**
 * Two records of one person found to be the same: this one (the duplicate) now points to the survivor and takes no
 * further edits. Appended together with PersonAbsorbed on the survivor's stream (same mergeId), in one transaction.
 */
export interface PersonMergedData {
  personId: string;
  survivorId: string;
  mergeId: string;
  note: string;
}

/** The survivor's half of a merge: it now stands for the duplicate too. */
export interface PersonAbsorbedData {
  personId: string;
  duplicateId: string;
  mergeId: string;
  note: string;
}

/** The merge was wrong: the duplicate is its own record again. Appended with PersonAbsorptionReverted on the survivor. */
export interface PersonUnmergedData {
  personId: string;
  survivorId: string;
  mergeId: string;
  note: string;
}

/** The survivor's half of an undone merge: it no longer stands for the duplicate. */
export interface PersonAbsorptionRevertedData {
  personId: string;
  duplicateId: string;
  mergeId: string;
  note: string;
}

/**
 * How sure a fact is changed (rumored → reported → confirmed, or denied), citing the source that changed it in the
 * event's metadata. Not a fix: the fact was not wrong, the desk knows more. `from` is the standing before.
 */
export interface PersonFactStandingChangedData {
  personId: string;
  fact: PersonFactRef;
  standing: FactStanding;
  from: FactStanding;
}

export interface PersonEventDataMap {
  PersonRegistered: PersonRegisteredData;
  PersonDetailsUpdated: PersonDetailsUpdatedData;
  PersonNameAdded: PersonNameAddedData;
  PrimaryPersonNameSet: PrimaryPersonNameSetData;
  PersonDetailsCorrected: PersonDetailsCorrectedData;
  PersonNameCorrected: PersonNameCorrectedData;
  PersonFactClarified: PersonFactClarifiedData;
  PersonFactRetracted: PersonFactRetractedData;
  PersonRetracted: PersonRetractedData;
  PersonDataErased: PersonDataErasedData;
  PersonMerged: PersonMergedData;
  PersonAbsorbed: PersonAbsorbedData;
  PersonUnmerged: PersonUnmergedData;
  PersonAbsorptionReverted: PersonAbsorptionRevertedData;
  PersonFactStandingChanged: PersonFactStandingChangedData;
}
export type PersonEventType = keyof PersonEventDataMap;

export const PersonEventTypes = {
  PersonRegistered: 'PersonRegistered',
  PersonDetailsUpdated: 'PersonDetailsUpdated',
  PersonNameAdded: 'PersonNameAdded',
  PrimaryPersonNameSet: 'PrimaryPersonNameSet',
  PersonDetailsCorrected: 'PersonDetailsCorrected',
  PersonNameCorrected: 'PersonNameCorrected',
  PersonFactClarified: 'PersonFactClarified',
  PersonFactRetracted: 'PersonFactRetracted',
  PersonRetracted: 'PersonRetracted',
  PersonDataErased: 'PersonDataErased',
  PersonMerged: 'PersonMerged',
  PersonAbsorbed: 'PersonAbsorbed',
  PersonUnmerged: 'PersonUnmerged',
  PersonAbsorptionReverted: 'PersonAbsorptionReverted',
  PersonFactStandingChanged: 'PersonFactStandingChanged',
} as const satisfies { [K in PersonEventType]: K };
