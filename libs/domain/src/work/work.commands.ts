import type { MergeData, UndoMergeData } from '../shared/merges.js';
import type { PartialDate } from '../../../contracts/src/envelope.js';
import type {
  CompanyCreditValue,
  MilestoneValue,
  ReleaseValue,
  StatusChangeValue,
  TalentAttachmentValue,
  TitleValue,
  WorkDetails,
  WorkExternalIds,
  WorkFactRef,
  WorkRelationValue,
} from '../../../contracts/src/events/work.events.js';
import type { FactStanding, MilestoneKind, ReleaseType, WorkKind, WorkStatus } from '../../../contracts/src/vocabulary.js';
import type { Command, FixFields, WriteFields } from '../shared/decider.js';
import type { Changes } from '../shared/facts.js';

/**
 * Work commands. Every command names its work (`workId`, a UUID; stream `work-<workId>`) and carries its source.
 * Ids of new facts (titleId, creditId, …) may be supplied by the caller; when absent decide generates them.
 */

export interface TitleInput extends TitleValue {
  titleId?: string;
  primary?: boolean;
}

export type RegisterWork = Command<
  'RegisterWork',
  WriteFields & {
    workId: string;
    kind: WorkKind;
    originalLanguage: string;
    countries: string[];
    productionYear?: number;
    externalIds?: WorkExternalIds;
    /** At least one; exactly one with primary: true (a single title is primary by default). */
    titles: TitleInput[];
    /** Default 'announced'. Any status may be the first (cataloguing a film released in 2003 starts at 'released'). */
    status?: WorkStatus;
    statusEffective?: PartialDate;
    /** How sure the project itself is; default 'reported'. */
    standing?: FactStanding;
  }
>;

/** New information, not a fix (use CorrectWorkFact for that). externalIds are merged key by key. */
export type UpdateWorkDetails = Command<'UpdateWorkDetails', WriteFields & { workId: string; changes: Partial<WorkDetails> }>;

export type AddTitle = Command<'AddTitle', WriteFields & TitleInput & { workId: string }>;

export type SetPrimaryTitle = Command<'SetPrimaryTitle', WriteFields & { workId: string; titleId: string }>;

/** "<workId> <relation> <targetWorkId>", e.g. the Hollywood version remake-of the Korean original. */
export type RelateWork = Command<'RelateWork', WriteFields & WorkRelationValue & { workId: string; relationId?: string }>;

export type ChangeWorkStatus = Command<'ChangeWorkStatus', WriteFields & { workId: string; to: WorkStatus; effective: PartialDate; reason?: string }>;

export type AddCompanyCredit = Command<'AddCompanyCredit', WriteFields & CompanyCreditValue & { workId: string; creditId?: string; standing?: FactStanding }>;

/** The company's involvement ended (a financier pulled out, a distribution term ran out). */
export type EndCompanyCredit = Command<'EndCompanyCredit', WriteFields & { workId: string; creditId: string; to: PartialDate; reason?: string }>;

export type AttachTalent = Command<'AttachTalent', WriteFields & TalentAttachmentValue & { workId: string; attachmentId?: string; standing?: FactStanding }>;

/** A director replaced during a long development: the attachment stays in the history with its reason. */
export type DetachTalent = Command<'DetachTalent', WriteFields & { workId: string; attachmentId: string; reason: string; detachedAt?: PartialDate }>;

export type ScheduleRelease = Command<
  'ScheduleRelease',
  WriteFields & {
    workId: string;
    releaseId?: string;
    territory: string;
    date: PartialDate;
    type: ReleaseType;
    distributorId?: string;
    festival?: string;
    /** Default 'scheduled'; 'occurred' records a release that already happened. */
    status?: 'scheduled' | 'occurred';
  }
>;

export type RescheduleRelease = Command<'RescheduleRelease', WriteFields & { workId: string; releaseId: string; date: PartialDate; reason?: string }>;

export type MarkReleaseOccurred = Command<'MarkReleaseOccurred', WriteFields & { workId: string; releaseId: string; date?: PartialDate }>;

export type CancelRelease = Command<'CancelRelease', WriteFields & { workId: string; releaseId: string; reason?: string }>;

export type RecordMilestone = Command<'RecordMilestone', WriteFields & { workId: string; milestoneId?: string; label: string; kind: MilestoneKind; date: PartialDate }>;

/** A fact by its own id, or by the eventId of the event that stated it. */
export type WorkFactRefInput = WorkFactRef | { type: 'event'; id: string };

/**
 * What a correction changes, by fact type. A key set to null removes an optional value that should never have been
 * stated. Keys that do not belong to the referenced fact's type are rejected.
 */
export type WorkFactChanges =
  | Changes<WorkDetails>
  | Changes<TitleValue>
  | Changes<WorkRelationValue>
  | Changes<StatusChangeValue>
  | Changes<CompanyCreditValue>
  | Changes<TalentAttachmentValue>
  | Changes<ReleaseValue>
  | Changes<MilestoneValue>;

/** The fact was wrong. The old fact is deprecated (kept) and a replacement states the corrected value. */
export type CorrectWorkFact = Command<'CorrectWorkFact', FixFields & { workId: string; fact: WorkFactRefInput; changes: WorkFactChanges; replacementId?: string }>;

/** Right but misleading: the fact stays current with the note. */
export type ClarifyWorkFact = Command<'ClarifyWorkFact', FixFields & { workId: string; fact: WorkFactRefInput }>;

/** The premise was wrong: the fact is withdrawn, its record stays. fact { type: 'work' } withdraws the whole work. */
export type RetractWorkFact = Command<'RetractWorkFact', FixFields & { workId: string; fact: WorkFactRefInput }>;

/** How sure a fact is changed (not a fix): the source that changed it is the command's source. */
export type ChangeWorkFactStanding = Command<'ChangeWorkFactStanding', WriteFields & { workId: string; fact: WorkFactRefInput; standing: FactStanding }>;

/** Commands decided on one work stream by `decideWork`. */
export type WorkCommand =
  | RegisterWork
  | UpdateWorkDetails
  | AddTitle
  | SetPrimaryTitle
  | RelateWork
  | ChangeWorkStatus
  | AddCompanyCredit
  | EndCompanyCredit
  | AttachTalent
  | DetachTalent
  | ScheduleRelease
  | RescheduleRelease
  | MarkReleaseOccurred
  | CancelRelease
  | RecordMilestone
  | CorrectWorkFact
  | ClarifyWorkFact
  | RetractWorkFact
  | ChangeWorkFactStanding;

/**
 * A credit stated on the wrong work, moved to the right one: ONE correction, decided by `decideWorkMove` over both
 * works' states, producing events for both streams (append them atomically).
 */
export type MoveCompanyCredit = Command<
  'MoveCompanyCredit',
  FixFields & {
    /** The work the credit is wrongly on. */
    workId: string;
    creditId: string;
    targetWorkId: string;
    targetCreditId?: string;
    /** Optional further corrections applied on the way (e.g. the role was also wrong). */
    changes?: Changes<Omit<CompanyCreditValue, 'organizationId'>>;
  }
>;

export type MoveTalentAttachment = Command<
  'MoveTalentAttachment',
  FixFields & {
    workId: string;
    attachmentId: string;
    targetWorkId: string;
    targetAttachmentId?: string;
    changes?: Changes<Omit<TalentAttachmentValue, 'personId'>>;
  }
>;

export type WorkMoveCommand = MoveCompanyCredit | MoveTalentAttachment;

export const WORK_COMMAND_TYPES = [
  'RegisterWork',
  'UpdateWorkDetails',
  'AddTitle',
  'SetPrimaryTitle',
  'RelateWork',
  'ChangeWorkStatus',
  'AddCompanyCredit',
  'EndCompanyCredit',
  'AttachTalent',
  'DetachTalent',
  'ScheduleRelease',
  'RescheduleRelease',
  'MarkReleaseOccurred',
  'CancelRelease',
  'RecordMilestone',
  'CorrectWorkFact',
  'ClarifyWorkFact',
  'RetractWorkFact',
  'ChangeWorkFactStanding',
] as const satisfies readonly WorkCommand['type'][];

/** `workId` (the duplicate) is the same work as `survivorId`: one decision over both streams (shared/merges.ts). */
export type MergeWork = Command<'MergeWork', MergeData & { workId: string }>;

/** The merge of `workId` was wrong: it becomes its own work again, and its survivor no longer stands for it. */
export type UndoWorkMerge = Command<'UndoWorkMerge', UndoMergeData & { workId: string }>;

export type WorkMergeCommand = MergeWork | UndoWorkMerge;

export const WORK_MOVE_COMMAND_TYPES = ['MoveCompanyCredit', 'MoveTalentAttachment'] as const satisfies readonly WorkMoveCommand['type'][];
