/**
 * Work events: the published `data` shapes of every event on a `work-<uuid>` stream.
 * Part of the public contract — fields are added (optional), never renamed or removed; a breaking change is a new
 * schema version with an upcaster. The JSON Schemas in ../schemas/work.schemas.ts describe the same shapes.
 */
import type { PartialDate } from '../envelope.js';
import type {
  Billing,
  FactStanding,
  CompanyCreditRole,
  MilestoneKind,
  ReleaseStatus,
  ReleaseType,
  TalentRole,
  TitleClass,
  WorkKind,
  WorkRelationType,
  WorkStatus,
} from '../vocabulary.js';

export interface WorkExternalIds {
  /** EIDR content id, e.g. 10.5240/1489-49A2-3956-4B2D-FE16-5 */
  eidr?: string;
  /** KOBIS movieCd (Korean Film Council), 8 digits. */
  kobis?: string;
  /** IMDb title id, e.g. tt0354668 */
  imdb?: string;
  /** TMDB id, e.g. movie/24097 or tv/1399 */
  tmdb?: string;
  /** Wikidata item, e.g. Q491880 */
  wikidata?: string;
}

/** The work's own attributes (the "work" fact). */
export interface WorkDetails {
  kind: WorkKind;
  /** BCP 47, e.g. 'ko', 'en', 'vi'. */
  originalLanguage: string;
  /** Countries of origin, ISO 3166-1 alpha-2, in credit order. */
  countries: string[];
  productionYear?: number;
  externalIds: WorkExternalIds;
}

export interface TitleValue {
  text: string;
  /** BCP 47 with script where it matters: 'ko-Kore' (Hangul), 'ko-Latn' (romanized), 'en', 'vi'. */
  language: string;
  class: TitleClass;
  /** Where this title is used: a country or a territory group (territories.ts). */
  territory?: string;
}

export interface RegisteredTitle extends TitleValue {
  titleId: string;
  primary: boolean;
}

/** "<this work> <relation> <targetWorkId>", optionally tied to the rights deal that allowed it. */
export interface WorkRelationValue {
  relation: WorkRelationType;
  targetWorkId: string;
  dealId?: string;
}

export interface CompanyCreditValue {
  organizationId: string;
  role: CompanyCreditRole;
  /** The credited company's country for this credit (ISO alpha-2). */
  country?: string;
  /** Where the role applies: a country or a territory group (territories.ts), e.g. distributor in VN, licensee for latin-america. */
  territory?: string;
  from?: PartialDate;
  to?: PartialDate;
}

export interface TalentAttachmentValue {
  personId: string;
  role: TalentRole;
  /** Cast only. */
  character?: string;
  /** Cast only. */
  billing?: Billing;
  attachedAt?: PartialDate;
}

export interface ReleaseValue {
  /** A country or a territory group (territories.ts): 'XW' for a worldwide streaming launch, 'north-america'. */
  territory: string;
  date: PartialDate;
  type: ReleaseType;
  status: ReleaseStatus;
  /** Organization id of the distributor / platform. */
  distributorId?: string;
  /** Festival name for world-premiere / festival releases, e.g. 'Busan International Film Festival'. */
  festival?: string;
}

export interface MilestoneValue {
  label: string;
  kind: MilestoneKind;
  date: PartialDate;
}

/** The status-change fact: what a status change says, apart from where it came from. */
export interface StatusChangeValue {
  to: WorkStatus;
  effective: PartialDate;
  reason?: string;
}

export const WORK_FACT_TYPES = ['work', 'title', 'relation', 'status-change', 'company-credit', 'talent-attachment', 'release', 'milestone'] as const;
export type WorkFactType = (typeof WORK_FACT_TYPES)[number];

/** A fact of a work, by its id ('work' → the workId; 'status-change' → its statusChangeId). */
export interface WorkFactRef {
  type: WorkFactType;
  id: string;
}

export interface WorkRegisteredData extends WorkDetails {
  workId: string;
  /** Exactly one is primary. */
  titles: RegisteredTitle[];
  status: WorkStatus;
  /** Id of the status-change fact the registration states (its initial status). */
  statusChangeId: string;
  statusEffective?: PartialDate;
  /** How sure the project itself is (the 'work' fact); absent means 'reported'. */
  standing?: FactStanding;
}

/** New information about the work (not a fix). externalIds are merged key by key. */
export interface WorkDetailsUpdatedData {
  workId: string;
  changes: Partial<WorkDetails>;
}

/** Added as non-primary; PrimaryTitleSet follows when the title becomes primary. */
export interface TitleAddedData extends TitleValue {
  workId: string;
  titleId: string;
}

export interface PrimaryTitleSetData {
  workId: string;
  titleId: string;
  previousTitleId?: string;
}

export interface WorkRelatedData extends WorkRelationValue {
  workId: string;
  relationId: string;
}

export interface WorkStatusChangedData extends StatusChangeValue {
  workId: string;
  statusChangeId: string;
  from: WorkStatus;
}

export interface CompanyCreditAddedData extends CompanyCreditValue {
  workId: string;
  creditId: string;
  /** How sure the credit is when stated; absent means 'reported'. */
  standing?: FactStanding;
}

/** The company's involvement ended (e.g. a financier pulled out). */
export interface CompanyCreditEndedData {
  workId: string;
  creditId: string;
  to: PartialDate;
  reason?: string;
}

export interface TalentAttachedData extends TalentAttachmentValue {
  workId: string;
  attachmentId: string;
  /** How sure the attachment is when stated ("in talks" is rumored); absent means 'reported'. */
  standing?: FactStanding;
}

export interface TalentDetachedData {
  workId: string;
  attachmentId: string;
  reason: string;
  detachedAt?: PartialDate;
}

/** status 'scheduled', or 'occurred' when recording a past release. */
export interface ReleaseScheduledData extends ReleaseValue {
  workId: string;
  releaseId: string;
}

export interface ReleaseMovedData {
  workId: string;
  releaseId: string;
  previousDate: PartialDate;
  date: PartialDate;
  reason?: string;
}

export interface ReleaseOccurredData {
  workId: string;
  releaseId: string;
  date: PartialDate;
}

export interface ReleaseCancelledData {
  workId: string;
  releaseId: string;
  reason?: string;
}

export interface MilestoneRecordedData extends MilestoneValue {
  workId: string;
  milestoneId: string;
}

// ---- editorial fixes -------------------------------------------------------------------------------------------
// A correction never edits a fact in place: the old fact is deprecated (kept, with the note) and a replacement fact
// with a new id carries the corrected value (the Wikidata model). Details are the exception: they have no id, so the
// event carries the previous values.

export interface WorkDetailsCorrectedData {
  workId: string;
  changes: Partial<WorkDetails>;
  previous: Partial<WorkDetails>;
  note: string;
}

export interface TitleCorrectedData {
  workId: string;
  titleId: string;
  replacementTitleId: string;
  replacement: TitleValue;
  note: string;
}

export interface WorkRelationCorrectedData {
  workId: string;
  relationId: string;
  replacementRelationId: string;
  replacement: WorkRelationValue;
  note: string;
}

export interface WorkStatusChangeCorrectedData {
  workId: string;
  statusChangeId: string;
  replacementStatusChangeId: string;
  replacement: StatusChangeValue;
  note: string;
}

export interface CompanyCreditCorrectedData {
  workId: string;
  creditId: string;
  replacementCreditId: string;
  replacement: CompanyCreditValue;
  note: string;
}

export interface TalentAttachmentCorrectedData {
  workId: string;
  attachmentId: string;
  replacementAttachmentId: string;
  replacement: TalentAttachmentValue;
  note: string;
}

export interface ReleaseCorrectedData {
  workId: string;
  releaseId: string;
  replacementReleaseId: string;
  replacement: ReleaseValue;
  note: string;
}

export interface MilestoneCorrectedData {
  workId: string;
  milestoneId: string;
  replacementMilestoneId: string;
  replacement: MilestoneValue;
  note: string;
}

/** Right but misleading: the fact stays current, with the note next to it. */
export interface WorkFactClarifiedData {
  workId: string;
  fact: WorkFactRef;
  note: string;
}

/** The premise was wrong: the fact is withdrawn (deprecated, kept with the note). */
export interface WorkFactRetractedData {
  workId: string;
  fact: WorkFactRef;
  note: string;
}

/** The whole work was a mistake (e.g. a project that never existed): withdrawn, record kept. */
export interface WorkRetractedData {
  workId: string;
  note: string;
}

/**
 * A credit stated on the wrong work, moved to the right one by one correction. The source work's stream gets
 * …MovedOut and the target's …MovedIn, appended atomically; `moveId` is shared by both events.
 */
export interface CompanyCreditMovedOutData {
  workId: string;
  creditId: string;
  moveId: string;
  targetWorkId: string;
  targetCreditId: string;
  note: string;
}

export interface CompanyCreditMovedInData extends CompanyCreditValue {
  workId: string;
  creditId: string;
  moveId: string;
  sourceWorkId: string;
  sourceCreditId: string;
  note: string;
}

export interface TalentAttachmentMovedOutData {
  workId: string;
  attachmentId: string;
  moveId: string;
  targetWorkId: string;
  targetAttachmentId: string;
  note: string;
}

export interface TalentAttachmentMovedInData extends TalentAttachmentValue {
  workId: string;
  attachmentId: string;
  moveId: string;
  sourceWorkId: string;
  sourceAttachmentId: string;
  note: string;
}

/** Event type → data. The single list every other part (domain unions, schemas, registry) is checked against. */
/**
 * How sure a fact is changed (rumored → reported → confirmed, or denied), citing the source that changed it in the
 * event's metadata. Not a fix: the fact was not wrong, the desk knows more. `from` is the standing before.
 */
export interface WorkFactStandingChangedData {
  workId: string;
  fact: WorkFactRef;
  standing: FactStanding;
  from: FactStanding;
}

/**
 * Two records of one film found to be the same: this one (the duplicate) now points to the survivor and takes no
 * further edits. Appended together with WorkAbsorbed on the survivor's stream (same mergeId), in one transaction.
 */
export interface WorkMergedData {
  workId: string;
  survivorId: string;
  mergeId: string;
  note: string;
}

/** The survivor's half of a merge: it now stands for the duplicate too. */
export interface WorkAbsorbedData {
  workId: string;
  duplicateId: string;
  mergeId: string;
  note: string;
}

/** The merge was wrong: the duplicate is its own work again. Appended with WorkAbsorptionReverted on the survivor. */
export interface WorkUnmergedData {
  workId: string;
  survivorId: string;
  mergeId: string;
  note: string;
}

/** The survivor's half of an undone merge: it no longer stands for the duplicate. */
export interface WorkAbsorptionRevertedData {
  workId: string;
  duplicateId: string;
  mergeId: string;
  note: string;
}

export interface WorkEventDataMap {
  WorkRegistered: WorkRegisteredData;
  WorkDetailsUpdated: WorkDetailsUpdatedData;
  TitleAdded: TitleAddedData;
  PrimaryTitleSet: PrimaryTitleSetData;
  WorkRelated: WorkRelatedData;
  WorkStatusChanged: WorkStatusChangedData;
  CompanyCreditAdded: CompanyCreditAddedData;
  CompanyCreditEnded: CompanyCreditEndedData;
  TalentAttached: TalentAttachedData;
  TalentDetached: TalentDetachedData;
  ReleaseScheduled: ReleaseScheduledData;
  ReleaseMoved: ReleaseMovedData;
  ReleaseOccurred: ReleaseOccurredData;
  ReleaseCancelled: ReleaseCancelledData;
  MilestoneRecorded: MilestoneRecordedData;
  WorkDetailsCorrected: WorkDetailsCorrectedData;
  TitleCorrected: TitleCorrectedData;
  WorkRelationCorrected: WorkRelationCorrectedData;
  WorkStatusChangeCorrected: WorkStatusChangeCorrectedData;
  CompanyCreditCorrected: CompanyCreditCorrectedData;
  TalentAttachmentCorrected: TalentAttachmentCorrectedData;
  ReleaseCorrected: ReleaseCorrectedData;
  MilestoneCorrected: MilestoneCorrectedData;
  WorkFactClarified: WorkFactClarifiedData;
  WorkFactRetracted: WorkFactRetractedData;
  WorkRetracted: WorkRetractedData;
  WorkFactStandingChanged: WorkFactStandingChangedData;
  CompanyCreditMovedOut: CompanyCreditMovedOutData;
  CompanyCreditMovedIn: CompanyCreditMovedInData;
  TalentAttachmentMovedOut: TalentAttachmentMovedOutData;
  TalentAttachmentMovedIn: TalentAttachmentMovedInData;
  WorkMerged: WorkMergedData;
  WorkAbsorbed: WorkAbsorbedData;
  WorkUnmerged: WorkUnmergedData;
  WorkAbsorptionReverted: WorkAbsorptionRevertedData;
}
export type WorkEventType = keyof WorkEventDataMap;

/** Runtime list of the work event types; `satisfies` keeps it equal to the map's keys. */
export const WorkEventTypes = {
  WorkRegistered: 'WorkRegistered',
  WorkDetailsUpdated: 'WorkDetailsUpdated',
  TitleAdded: 'TitleAdded',
  PrimaryTitleSet: 'PrimaryTitleSet',
  WorkRelated: 'WorkRelated',
  WorkStatusChanged: 'WorkStatusChanged',
  CompanyCreditAdded: 'CompanyCreditAdded',
  CompanyCreditEnded: 'CompanyCreditEnded',
  TalentAttached: 'TalentAttached',
  TalentDetached: 'TalentDetached',
  ReleaseScheduled: 'ReleaseScheduled',
  ReleaseMoved: 'ReleaseMoved',
  ReleaseOccurred: 'ReleaseOccurred',
  ReleaseCancelled: 'ReleaseCancelled',
  MilestoneRecorded: 'MilestoneRecorded',
  WorkDetailsCorrected: 'WorkDetailsCorrected',
  TitleCorrected: 'TitleCorrected',
  WorkRelationCorrected: 'WorkRelationCorrected',
  WorkStatusChangeCorrected: 'WorkStatusChangeCorrected',
  CompanyCreditCorrected: 'CompanyCreditCorrected',
  TalentAttachmentCorrected: 'TalentAttachmentCorrected',
  ReleaseCorrected: 'ReleaseCorrected',
  MilestoneCorrected: 'MilestoneCorrected',
  WorkFactClarified: 'WorkFactClarified',
  WorkFactRetracted: 'WorkFactRetracted',
  WorkRetracted: 'WorkRetracted',
  WorkFactStandingChanged: 'WorkFactStandingChanged',
  CompanyCreditMovedOut: 'CompanyCreditMovedOut',
  CompanyCreditMovedIn: 'CompanyCreditMovedIn',
  TalentAttachmentMovedOut: 'TalentAttachmentMovedOut',
  TalentAttachmentMovedIn: 'TalentAttachmentMovedIn',
  WorkMerged: 'WorkMerged',
  WorkAbsorbed: 'WorkAbsorbed',
  WorkUnmerged: 'WorkUnmerged',
  WorkAbsorptionReverted: 'WorkAbsorptionReverted',
} as const satisfies { [K in WorkEventType]: K };
