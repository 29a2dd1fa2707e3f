/** Organization events: the published `data` shapes on `organization-<uuid>` streams. Fields are added, never renamed. */
import type { PartialDate } from '../envelope.js';
import type { NameKind, OrganizationKind, FactStanding } from '../vocabulary.js';

/** A name in one language/script: 'CJ ENM' (en), '씨제이이엔엠' (ko-Kore). */
export interface OrganizationNameValue {
  text: string;
  /** BCP 47, with script where it matters. */
  language: string;
  kind?: NameKind;
}

export interface RegisteredOrganizationName extends OrganizationNameValue {
  nameId: string;
  primary: boolean;
}

export interface OrganizationDetails {
  kind: OrganizationKind;
  /** ISO 3166-1 alpha-2 of the headquarters. */
  country: string;
  /** CJ ENM → its divisions and subsidiaries. */
  parentOrganizationId?: string;
}

export const ORGANIZATION_FACT_TYPES = ['organization', 'name'] as const;
export type OrganizationFactType = (typeof ORGANIZATION_FACT_TYPES)[number];
export interface OrganizationFactRef {
  type: OrganizationFactType;
  id: string;
}

export interface OrganizationRegisteredData extends OrganizationDetails {
  organizationId: string;
  /** Exactly one is primary. */
  names: RegisteredOrganizationName[];
}

/** New information (not a fix). A parent change is its own event. */
export interface OrganizationDetailsUpdatedData {
  organizationId: string;
  changes: Partial<Omit<OrganizationDetails, 'parentOrganizationId'>>;
}

/** Acquired, spun off, reorganized: absent parentOrganizationId means it has no parent any more. */
export interface OrganizationParentChangedData {
  organizationId: string;
  parentOrganizationId?: string;
  previousParentOrganizationId?: string;
  effective?: PartialDate;
}

export interface OrganizationNameAddedData extends OrganizationNameValue {
  organizationId: string;
  nameId: string;
}

export interface PrimaryOrganizationNameSetData {
  organizationId: string;
  nameId: string;
  previousNameId?: string;
}

/** Keys in `previous` but not in `changes` were removed (the value should never have been stated). */
export interface OrganizationDetailsCorrectedData {
  organizationId: string;
  changes: Partial<OrganizationDetails>;
  previous: Partial<OrganizationDetails>;
  note: string;
}

export interface OrganizationNameCorrectedData {
  organizationId: string;
  nameId: string;
  replacementNameId: string;
  replacement: OrganizationNameValue;
  note: string;
}

export interface OrganizationFactClarifiedData {
  organizationId: string;
  fact: OrganizationFactRef;
  note: string;
}

export interface OrganizationFactRetractedData {
  organizationId: string;
  fact: OrganizationFactRef;
  note: string;
}

export interface OrganizationRetractedData {
  organizationId: string;
  note: string;
}

/**
 * Two records of one organization found to be the same: this one (the duplicate) now points to the survivor and takes no
 * further edits. Appended together with OrganizationAbsorbed on the survivor's stream (same mergeId), in one transaction.
 */
export interface OrganizationMergedData {
  organizationId: string;
  survivorId: string;
  mergeId: string;
  note: string;
}

/** The survivor's half of a merge: it now stands for the duplicate too. */
export interface OrganizationAbsorbedData {
  organizationId: string;
  duplicateId: string;
  mergeId: string;
  note: string;
}

/** The merge was wrong: the duplicate is its own record again. Appended with OrganizationAbsorptionReverted on the survivor. */
export interface OrganizationUnmergedData {
  organizationId: string;
  survivorId: string;
  mergeId: string;
  note: string;
}

/** The survivor's half of an undone merge: it no longer stands for the duplicate. */
export interface OrganizationAbsorptionRevertedData {
  organizationId: string;
  duplicateId: string;
  mergeId: string;
  note: string;
}

/**
 * How sure a fact is changed (rumored → reported → confirmed, or denied), citing the source that changed it in the
 * event's metadata. Not a fix: the fact was not wrong, the desk knows more. `from` is the standing before.
 */
export interface OrganizationFactStandingChangedData {
  organizationId: string;
  fact: OrganizationFactRef;
  standing: FactStanding;
  from: FactStanding;
}

export interface OrganizationEventDataMap {
  OrganizationRegistered: OrganizationRegisteredData;
  OrganizationDetailsUpdated: OrganizationDetailsUpdatedData;
  OrganizationParentChanged: OrganizationParentChangedData;
  OrganizationNameAdded: OrganizationNameAddedData;
  PrimaryOrganizationNameSet: PrimaryOrganizationNameSetData;
  OrganizationDetailsCorrected: OrganizationDetailsCorrectedData;
  OrganizationNameCorrected: OrganizationNameCorrectedData;
  OrganizationFactClarified: OrganizationFactClarifiedData;
  OrganizationFactRetracted: OrganizationFactRetractedData;
  OrganizationRetracted: OrganizationRetractedData;
  OrganizationMerged: OrganizationMergedData;
  OrganizationAbsorbed: OrganizationAbsorbedData;
  OrganizationUnmerged: OrganizationUnmergedData;
  OrganizationAbsorptionReverted: OrganizationAbsorptionRevertedData;
  OrganizationFactStandingChanged: OrganizationFactStandingChangedData;
}
export type OrganizationEventType = keyof OrganizationEventDataMap;

export const OrganizationEventTypes = {
  OrganizationRegistered: 'OrganizationRegistered',
  OrganizationDetailsUpdated: 'OrganizationDetailsUpdated',
  OrganizationParentChanged: 'OrganizationParentChanged',
  OrganizationNameAdded: 'OrganizationNameAdded',
  PrimaryOrganizationNameSet: 'PrimaryOrganizationNameSet',
  OrganizationDetailsCorrected: 'OrganizationDetailsCorrected',
  OrganizationNameCorrected: 'OrganizationNameCorrected',
  OrganizationFactClarified: 'OrganizationFactClarified',
  OrganizationFactRetracted: 'OrganizationFactRetracted',
  OrganizationRetracted: 'OrganizationRetracted',
  OrganizationMerged: 'OrganizationMerged',
  OrganizationAbsorbed: 'OrganizationAbsorbed',
  OrganizationUnmerged: 'OrganizationUnmerged',
  OrganizationAbsorptionReverted: 'OrganizationAbsorptionReverted',
  OrganizationFactStandingChanged: 'OrganizationFactStandingChanged',
} as const satisfies { [K in OrganizationEventType]: K };
