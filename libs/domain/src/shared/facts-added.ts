import type { DealEventDataMap } from '../../../contracts/src/events/deal.events.js';
import type { OrganizationEventDataMap } from '../../../contracts/src/events/organization.events.js';
import type { PersonEventDataMap } from '../../../contracts/src/events/person.events.js';
import type { WorkEventDataMap } from '../../../contracts/src/events/work.events.js';

/** A fact an event states under an id of its own: the reference a later fix or standing change names it by. */
export interface FactAdded {
  type: string;
  id: string;
}

type FactsOf<M> = { [K in keyof M]: (data: M[K]) => FactAdded[] };

const NONE = (): FactAdded[] => [];

/**
 * For every event type (the maps are exhaustive, so a new event type must say what it adds): the facts it adds with a
 * new id — a registration (the record itself, then its titles or names and its initial status change), an added fact,
 * the replacement a correction states, the fact a move brings to its target work. Events that change, end, fix or
 * link existing facts add none. Read from the event's data alone, so an answer replayed from the stored events names
 * the same facts as the first one.
 */
const WORK: FactsOf<WorkEventDataMap> = {
  WorkRegistered: (d) => [{ type: 'work', id: d.workId }, ...d.titles.map((t) => ({ type: 'title', id: t.titleId })), { type: 'status-change', id: d.statusChangeId }],
  WorkDetailsUpdated: NONE,
  TitleAdded: (d) => [{ type: 'title', id: d.titleId }],
  PrimaryTitleSet: NONE,
  WorkRelated: (d) => [{ type: 'relation', id: d.relationId }],
  WorkStatusChanged: (d) => [{ type: 'status-change', id: d.statusChangeId }],
  CompanyCreditAdded: (d) => [{ type: 'company-credit', id: d.creditId }],
  CompanyCreditEnded: NONE,
  TalentAttached: (d) => [{ type: 'talent-attachment', id: d.attachmentId }],
  TalentDetached: NONE,
  ReleaseScheduled: (d) => [{ type: 'release', id: d.releaseId }],
  ReleaseMoved: NONE,
  ReleaseOccurred: NONE,
  ReleaseCancelled: NONE,
  MilestoneRecorded: (d) => [{ type: 'milestone', id: d.milestoneId }],
  WorkDetailsCorrected: NONE,
  TitleCorrected: (d) => [{ type: 'title', id: d.replacementTitleId }],
  WorkRelationCorrected: (d) => [{ type: 'relation', id: d.replacementRelationId }],
  WorkStatusChangeCorrected: (d) => [{ type: 'status-change', id: d.replacementStatusChangeId }],
  CompanyCreditCorrected: (d) => [{ type: 'company-credit', id: d.replacementCreditId }],
  TalentAttachmentCorrected: (d) => [{ type: 'talent-attachment', id: d.replacementAttachmentId }],
  ReleaseCorrected: (d) => [{ type: 'release', id: d.replacementReleaseId }],
  MilestoneCorrected: (d) => [{ type: 'milestone', id: d.replacementMilestoneId }],
  WorkFactClarified: NONE,
  WorkFactRetracted: NONE,
  WorkRetracted: NONE,
  WorkFactStandingChanged: NONE,
  CompanyCreditMovedOut: NONE,
  CompanyCreditMovedIn: (d) => [{ type: 'company-credit', id: d.creditId }],
  TalentAttachmentMovedOut: NONE,
  TalentAttachmentMovedIn: (d) => [{ type: 'talent-attachment', id: d.attachmentId }],
  WorkMerged: NONE,
  WorkAbsorbed: NONE,
  WorkUnmerged: NONE,
  WorkAbsorptionReverted: NONE,
};

const PERSON: FactsOf<PersonEventDataMap> = {
  PersonRegistered: (d) => [{ type: 'person', id: d.personId }, ...d.names.map((n) => ({ type: 'name', id: n.nameId }))],
  PersonDetailsUpdated: NONE,
  PersonNameAdded: (d) => [{ type: 'name', id: d.nameId }],
  PrimaryPersonNameSet: NONE,
  PersonDetailsCorrected: NONE,
  PersonNameCorrected: (d) => [{ type: 'name', id: d.replacementNameId }],
  PersonFactClarified: NONE,
  PersonFactRetracted: NONE,
  PersonRetracted: NONE,
  PersonDataErased: NONE,
  PersonMerged: NONE,
  PersonAbsorbed: NONE,
  PersonUnmerged: NONE,
  PersonAbsorptionReverted: NONE,
  PersonFactStandingChanged: NONE,
};

const ORGANIZATION: FactsOf<OrganizationEventDataMap> = {
  OrganizationRegistered: (d) => [{ type: 'organization', id: d.organizationId }, ...d.names.map((n) => ({ type: 'name', id: n.nameId }))],
  OrganizationDetailsUpdated: NONE,
  OrganizationParentChanged: NONE,
  OrganizationNameAdded: (d) => [{ type: 'name', id: d.nameId }],
  PrimaryOrganizationNameSet: NONE,
  OrganizationDetailsCorrected: NONE,
  OrganizationNameCorrected: (d) => [{ type: 'name', id: d.replacementNameId }],
  OrganizationFactClarified: NONE,
  OrganizationFactRetracted: NONE,
  OrganizationRetracted: NONE,
  OrganizationMerged: NONE,
  OrganizationAbsorbed: NONE,
  OrganizationUnmerged: NONE,
  OrganizationAbsorptionReverted: NONE,
  OrganizationFactStandingChanged: NONE,
};

const DEAL: FactsOf<DealEventDataMap> = {
  DealAnnounced: (d) => [{ type: 'deal', id: d.dealId }, ...d.parties.map((p) => ({ type: 'party', id: p.partyId })), ...d.works.map((w) => ({ type: 'work', id: w.workId })), { type: 'status-change', id: d.statusChangeId }],
  DealDetailsUpdated: NONE,
  DealPartyAdded: (d) => [{ type: 'party', id: d.partyId }],
  // A deal work's fact id is the work's id.
  DealWorkAdded: (d) => [{ type: 'work', id: d.workId }],
  DealStatusChanged: (d) => [{ type: 'status-change', id: d.statusChangeId }],
  DealDetailsCorrected: NONE,
  DealPartyCorrected: (d) => [{ type: 'party', id: d.replacementPartyId }],
  DealWorkCorrected: (d) => [{ type: 'work', id: d.replacement.workId }],
  DealStatusChangeCorrected: (d) => [{ type: 'status-change', id: d.replacementStatusChangeId }],
  DealFactClarified: NONE,
  DealFactRetracted: NONE,
  DealRetracted: NONE,
  DealFactStandingChanged: NONE,
};

const BY_TYPE = { ...WORK, ...PERSON, ...ORGANIZATION, ...DEAL } as Record<string, (data: never) => FactAdded[]>;

/** The facts one event adds with a new id (see the maps above); none for an event type no aggregate has. */
export function factsAddedBy(event: { type: string; data: Record<string, unknown> }): FactAdded[] {
  const facts = BY_TYPE[event.type];
  return facts ? facts(event.data as never) : [];
}

/** The event that makes another title or name primary, and the field naming the one it demotes. */
const PRIMARY_SETS: Record<string, { type: 'title' | 'name'; previousField: string }> = {
  PrimaryTitleSet: { type: 'title', previousField: 'previousTitleId' },
  PrimaryPersonNameSet: { type: 'name', previousField: 'previousNameId' },
  PrimaryOrganizationNameSet: { type: 'name', previousField: 'previousNameId' },
};

/** The title or name an event demoted from primary: `{ type, id }` as a fix names it. */
export function primaryDemotedBy(event: { type: string; data: Record<string, unknown> }): FactAdded | undefined {
  const primarySet = PRIMARY_SETS[event.type];
  const previous = primarySet && event.data[primarySet.previousField];
  return typeof previous === 'string' ? { type: primarySet.type, id: previous } : undefined;
}
