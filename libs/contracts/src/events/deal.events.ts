/** Deal events: the published `data` shapes on `deal-<uuid>` streams. Fields are added, never renamed. */
import type { PartialDate } from '../envelope.js';
import type { DealSide, DealStatus, DealType, DealWorkRole, FactStanding } from '../vocabulary.js';

export interface DealPartyValue {
  organizationId: string;
  side: DealSide;
  /** Percentage (0 < share ≤ 100), e.g. a co-production split. The shares of a deal add up to at most 100. */
  share?: number;
}

export interface RegisteredDealParty extends DealPartyValue {
  partyId: string;
}

/**
 * A work the deal covers. 'source': the property whose rights are dealt (Miss Granny in a localization franchise);
 * 'subject': a work the deal produces or covers (each local version), optionally for one territory.
 */
export interface DealWorkValue {
  workId: string;
  role: DealWorkRole;
  territory?: string;
}

export interface RightsWindow {
  from?: PartialDate;
  to?: PartialDate;
}

/** The deal's own attributes (the "deal" fact). */
export interface DealDetails {
  type: DealType;
  /** How the trade press names it, e.g. "One Source Multi Territory". */
  name?: string;
  /** Countries or territory groups (territories.ts). */
  territories: string[];
  /** BCP 47. */
  languages: string[];
  rightsWindow?: RightsWindow;
  termsDisclosed: boolean;
  /** Co-productions: made under an official co-production treaty. */
  coProductionTreaty?: boolean;
  announcedAt: PartialDate;
}

export interface DealStatusChangeValue {
  to: DealStatus;
  effective: PartialDate;
  reason?: string;
}

export const DEAL_FACT_TYPES = ['deal', 'party', 'work', 'status-change'] as const;
export type DealFactType = (typeof DEAL_FACT_TYPES)[number];
/** 'party' → partyId; 'work' → the workId; 'status-change' → statusChangeId. */
export interface DealFactRef {
  type: DealFactType;
  id: string;
}

export interface DealAnnouncedData extends DealDetails {
  dealId: string;
  parties: RegisteredDealParty[];
  works: DealWorkValue[];
  /** The status-change fact the announcement states (status 'announced', effective announcedAt). */
  statusChangeId: string;
  /** How sure the deal itself is (the 'deal' fact): a deal "in talks" is rumored; absent means 'reported'. */
  standing?: FactStanding;
}

/** New information (not a fix): scope extended, terms disclosed later, … */
export interface DealDetailsUpdatedData {
  dealId: string;
  changes: Partial<Omit<DealDetails, 'type' | 'announcedAt'>>;
}

export interface DealPartyAddedData extends DealPartyValue {
  dealId: string;
  partyId: string;
}

export interface DealWorkAddedData extends DealWorkValue {
  dealId: string;
}

export interface DealStatusChangedData extends DealStatusChangeValue {
  dealId: string;
  statusChangeId: string;
  from: DealStatus;
}

export interface DealDetailsCorrectedData {
  dealId: string;
  changes: Partial<DealDetails>;
  previous: Partial<DealDetails>;
  note: string;
}

export interface DealPartyCorrectedData {
  dealId: string;
  partyId: string;
  replacementPartyId: string;
  replacement: DealPartyValue;
  note: string;
}

/** A deal work's fact id is its workId; a replacement with another workId supersedes the old entry. */
export interface DealWorkCorrectedData {
  dealId: string;
  workId: string;
  replacement: DealWorkValue;
  note: string;
}

export interface DealStatusChangeCorrectedData {
  dealId: string;
  statusChangeId: string;
  replacementStatusChangeId: string;
  replacement: DealStatusChangeValue;
  note: string;
}

export interface DealFactClarifiedData {
  dealId: string;
  fact: DealFactRef;
  note: string;
}

export interface DealFactRetractedData {
  dealId: string;
  fact: DealFactRef;
  note: string;
}

/** The deal never existed (a misreport): withdrawn, record kept. */
export interface DealRetractedData {
  dealId: string;
  note: string;
}

/**
 * How sure a fact is changed (rumored → reported → confirmed, or denied), citing the source that changed it in the
 * event's metadata. Not a fix: the fact was not wrong, the desk knows more. `from` is the standing before.
 */
export interface DealFactStandingChangedData {
  dealId: string;
  fact: DealFactRef;
  standing: FactStanding;
  from: FactStanding;
}

export interface DealEventDataMap {
  DealAnnounced: DealAnnouncedData;
  DealDetailsUpdated: DealDetailsUpdatedData;
  DealPartyAdded: DealPartyAddedData;
  DealWorkAdded: DealWorkAddedData;
  DealStatusChanged: DealStatusChangedData;
  DealDetailsCorrected: DealDetailsCorrectedData;
  DealPartyCorrected: DealPartyCorrectedData;
  DealWorkCorrected: DealWorkCorrectedData;
  DealStatusChangeCorrected: DealStatusChangeCorrectedData;
  DealFactClarified: DealFactClarifiedData;
  DealFactRetracted: DealFactRetractedData;
  DealRetracted: DealRetractedData;
  DealFactStandingChanged: DealFactStandingChangedData;
}
export type DealEventType = keyof DealEventDataMap;

export const DealEventTypes = {
  DealAnnounced: 'DealAnnounced',
  DealDetailsUpdated: 'DealDetailsUpdated',
  DealPartyAdded: 'DealPartyAdded',
  DealWorkAdded: 'DealWorkAdded',
  DealStatusChanged: 'DealStatusChanged',
  DealDetailsCorrected: 'DealDetailsCorrected',
  DealPartyCorrected: 'DealPartyCorrected',
  DealWorkCorrected: 'DealWorkCorrected',
  DealStatusChangeCorrected: 'DealStatusChangeCorrected',
  DealFactClarified: 'DealFactClarified',
  DealFactRetracted: 'DealFactRetracted',
  DealRetracted: 'DealRetracted',
  DealFactStandingChanged: 'DealFactStandingChanged',
} as const satisfies { [K in DealEventType]: K };
