import type { FactStanding } from '../../../contracts/src/vocabulary.js';
import type { PartialDate } from '../../../contracts/src/envelope.js';
import type { DealDetails, DealFactRef, DealPartyValue, DealStatusChangeValue, DealWorkValue, RightsWindow } from '../../../contracts/src/events/deal.events.js';
import type { DealStatus, DealType } from '../../../contracts/src/vocabulary.js';
import type { Command, FixFields, WriteFields } from '../shared/decider.js';
import type { Changes } from '../shared/facts.js';

export interface DealPartyInput extends DealPartyValue {
  partyId?: string;
}

export type AnnounceDeal = Command<
  'AnnounceDeal',
  WriteFields & {
    dealId: string;
    type: DealType;
    name?: string;
    /** At least one. */
    parties: DealPartyInput[];
    works?: DealWorkValue[];
    territories?: string[];
    languages?: string[];
    rightsWindow?: RightsWindow;
    termsDisclosed: boolean;
    coProductionTreaty?: boolean;
    announcedAt: PartialDate;
    /** How sure the deal is ("in talks" is rumored); default 'reported'. */
    standing?: FactStanding;
  }
>;

/** New information (scope extended, terms disclosed later); not a fix. */
export type UpdateDealDetails = Command<'UpdateDealDetails', WriteFields & { dealId: string; changes: Partial<Omit<DealDetails, 'type' | 'announcedAt'>> }>;

export type AddDealParty = Command<'AddDealParty', WriteFields & DealPartyInput & { dealId: string }>;

/** E.g. each new local version of a localization franchise. */
export type AddWorkToDeal = Command<'AddWorkToDeal', WriteFields & DealWorkValue & { dealId: string }>;

/** announced → closed | terminated | expired; closed → terminated | expired. */
export type ChangeDealStatus = Command<'ChangeDealStatus', WriteFields & { dealId: string; to: DealStatus; effective: PartialDate; reason?: string }>;

export type DealFactRefInput = DealFactRef | { type: 'event'; id: string };

export type CorrectDealFact = Command<
  'CorrectDealFact',
  FixFields & {
    dealId: string;
    fact: DealFactRefInput;
    changes: Changes<DealDetails> | Changes<DealPartyValue> | Changes<DealWorkValue> | Changes<DealStatusChangeValue>;
    replacementId?: string;
  }
>;

export type ClarifyDealFact = Command<'ClarifyDealFact', FixFields & { dealId: string; fact: DealFactRefInput }>;

/** fact { type: 'deal' } withdraws the whole deal. */
export type RetractDealFact = Command<'RetractDealFact', FixFields & { dealId: string; fact: DealFactRefInput }>;

/** How sure a fact is changed (not a fix): the source that changed it is the command's source. */
export type ChangeDealFactStanding = Command<'ChangeDealFactStanding', WriteFields & { dealId: string; fact: DealFactRefInput; standing: FactStanding }>;

export type DealCommand = AnnounceDeal | UpdateDealDetails | AddDealParty | AddWorkToDeal | ChangeDealStatus | CorrectDealFact | ClarifyDealFact | RetractDealFact
  | ChangeDealFactStanding;

export const DEAL_COMMAND_TYPES = [
  'AnnounceDeal',
  'UpdateDealDetails',
  'AddDealParty',
  'AddWorkToDeal',
  'ChangeDealStatus',
  'CorrectDealFact',
  'ClarifyDealFact',
  'RetractDealFact',
  'ChangeDealFactStanding',
] as const satisfies readonly DealCommand['type'][];
