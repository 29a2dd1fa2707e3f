import type { FactStanding } from '../../../contracts/src/vocabulary.js';
import type {
  CompanyCreditValue,
  MilestoneValue,
  RegisteredTitle,
  ReleaseValue,
  StatusChangeValue,
  TalentAttachmentValue,
  WorkDetails,
  WorkFactRef,
  WorkRelationValue,
} from '../../../contracts/src/events/work.events.js';
import type { PartialDate } from '../../../contracts/src/envelope.js';
import type { WorkStatus } from '../../../contracts/src/vocabulary.js';
import { NOT_MERGED, type MergeState } from '../shared/merges.js';
import { compact, NO_FACTS_BY_EVENT, type EditorialNote, type FactAnnotations, type FactsByEvent } from '../shared/facts.js';

export interface Title extends RegisteredTitle, FactAnnotations {}

export interface WorkRelation extends WorkRelationValue, FactAnnotations {
  relationId: string;
}

export interface StatusChange extends Omit<StatusChangeValue, 'effective'>, FactAnnotations {
  statusChangeId: string;
  /** Absent only for a registration that did not date its initial status. */
  effective?: PartialDate;
  /** null for the status the work was registered with. */
  from: WorkStatus | null;
}

/** Where a fact moved in from: it was first (wrongly) stated on another work. */
export interface MovedFrom {
  workId: string;
  id: string;
  note: string;
  eventId: string;
}

export interface CompanyCredit extends CompanyCreditValue, FactAnnotations {
  creditId: string;
  endReason?: string;
  movedFrom?: MovedFrom;
}

export interface TalentAttachment extends TalentAttachmentValue, FactAnnotations {
  attachmentId: string;
  detached?: { reason: string; detachedAt?: PartialDate; eventId: string };
  movedFrom?: MovedFrom;
}

export interface Release extends ReleaseValue, FactAnnotations {
  releaseId: string;
  /** Earlier dates of a moved release, oldest first. */
  previousDates: PartialDate[];
  statusReason?: string;
}

export interface Milestone extends MilestoneValue, FactAnnotations {
  milestoneId: string;
}

export interface DetailsCorrection extends EditorialNote {
  changes: Partial<WorkDetails>;
  previous: Partial<WorkDetails>;
}

/**
 * A work folded from its stream. Lists keep every fact ever stated, in order; `rank: 'deprecated'` marks the
 * superseded and retracted ones (use isCurrent to filter).
 */
/** `mergedInto`: this work was found to duplicate another; `absorbed`: the duplicates it stands for (shared/merges.ts). */
export interface WorkState extends MergeState {
  /** null until WorkRegistered. */
  workId: string | null;
  details: WorkDetails | null;
  detailsStatedBy: string | null;
  detailsCorrections: DetailsCorrection[];
  /** Clarifications of the work itself (fact { type: 'work' }). */
  clarifications: EditorialNote[];
  /** Set when the whole work was retracted. */
  withdrawn: EditorialNote | null;
  /** How sure the project itself is (fact { type: 'work' }); absent means 'reported'. */
  standing?: FactStanding;
  /** Current status: the latest current status change. */
  status: WorkStatus | null;
  statusHistory: StatusChange[];
  titles: Title[];
  relations: WorkRelation[];
  credits: CompanyCredit[];
  attachments: TalentAttachment[];
  releases: Release[];
  milestones: Milestone[];
  /** eventId → the fact that event stated, so fixes can reference "the event that said it" (a persistent list, see FactsByEvent). */
  factsByEventId: FactsByEvent<WorkFactRef>;
  /** Number of events folded: the stream version this state reflects. */
  version: number;
}

export function initialWorkState(): WorkState {
  return {
    workId: null,
    details: null,
    detailsStatedBy: null,
    detailsCorrections: [],
    clarifications: [],
    withdrawn: null,
    status: null,
    statusHistory: [],
    titles: [],
    relations: [],
    credits: [],
    attachments: [],
    releases: [],
    milestones: [],
    factsByEventId: NO_FACTS_BY_EVENT,
    ...NOT_MERGED,
    version: 0,
  };
}

/** Update semantics: externalIds merge key by key, other fields replace. */
export function mergeDetails(details: WorkDetails, changes: Partial<WorkDetails>): WorkDetails {
  return compact({ ...details, ...changes, externalIds: { ...details.externalIds, ...(changes.externalIds ?? {}) } });
}
