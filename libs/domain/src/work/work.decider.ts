import { refuseIfMerged } from '../shared/merges.js';
import type { PartialDate } from '../../../contracts/src/envelope.js';
import type {
  CompanyCreditValue,
  MilestoneValue,
  RegisteredTitle,
  ReleaseValue,
  StatusChangeValue,
  TalentAttachmentValue,
  TitleValue,
  WorkDetails,
  WorkEventDataMap,
  WorkEventType,
  WorkFactRef,
  WorkRelationValue,
} from '../../../contracts/src/events/work.events.js';
import { WORK_FACT_TYPES } from '../../../contracts/src/events/work.events.js';
import { RELEASE_STATUSES, type ReleaseStatus, WORK_STATUSES } from '../../../contracts/src/vocabulary.js';
import { assertNever, type DecideContext, type Decider, type WriteFields } from '../shared/decider.js';
import { AggregateNotFoundError, AlreadyExistsError, FactNotFoundError, IllegalStatusTransitionError, RetractedError } from '../shared/errors.js';
import { applyChanges, checkStatedStanding, compact, decideStandingChange, factStatedBy, findEditableFact, isCurrent, sameJson, standingOf, type Changes, type FactAnnotations } from '../shared/facts.js';
import { newFactId } from '../shared/fact-ids.js';
import { check, validationError, Violations } from '../shared/validation.js';
import type {
  AddCompanyCredit,
  AddTitle,
  AttachTalent,
  CancelRelease,
  ChangeWorkFactStanding,
  ChangeWorkStatus,
  ClarifyWorkFact,
  CorrectWorkFact,
  DetachTalent,
  EndCompanyCredit,
  MarkReleaseOccurred,
  RecordMilestone,
  RegisterWork,
  RelateWork,
  RescheduleRelease,
  RetractWorkFact,
  ScheduleRelease,
  SetPrimaryTitle,
  UpdateWorkDetails,
  WorkCommand,
  WorkFactRefInput,
} from './work.commands.js';
import type { WorkEvent, WorkEventOf } from './work.events.js';
import { evolveWork } from './work.evolve.js';
import { initialWorkState, mergeDetails, type CompanyCredit, type Release, type TalentAttachment, type Title, type WorkState } from './work.state.js';
import { allowedNextStatuses, statusOf } from './work.status.js';
import {
  ATTACHMENT_FIELDS,
  checkChangeKeys,
  CREDIT_FIELDS,
  MILESTONE_FIELDS,
  RELATION_FIELDS,
  RELEASE_FIELDS,
  STATUS_CHANGE_FIELDS,
  TITLE_FIELDS,
  validateAttachment,
  validateCredit,
  validateMilestone,
  validateRelation,
  validateRelease,
  validateStatusChange,
  validateTitle,
  validateWorkDetails,
  WORK_DETAILS_FIELDS,
} from './work.validation.js';

/** Decides a work command against the work's current state. Pure; throws typed domain errors. */
export function decideWork(command: WorkCommand, state: WorkState, context: DecideContext): WorkEvent[] {
  switch (command.type) {
    case 'RegisterWork':
      return registerWork(command, state, context);
    case 'UpdateWorkDetails':
      return updateWorkDetails(command, state, context);
    case 'AddTitle':
      return addTitle(command, state, context);
    case 'SetPrimaryTitle':
      return setPrimaryTitle(command, state, context);
    case 'RelateWork':
      return relateWork(command, state, context);
    case 'ChangeWorkStatus':
      return changeWorkStatus(command, state, context);
    case 'AddCompanyCredit':
      return addCompanyCredit(command, state, context);
    case 'EndCompanyCredit':
      return endCompanyCredit(command, state, context);
    case 'AttachTalent':
      return attachTalent(command, state, context);
    case 'DetachTalent':
      return detachTalent(command, state, context);
    case 'ScheduleRelease':
      return scheduleRelease(command, state, context);
    case 'RescheduleRelease':
      return rescheduleRelease(command, state, context);
    case 'MarkReleaseOccurred':
      return markReleaseOccurred(command, state, context);
    case 'CancelRelease':
      return cancelRelease(command, state, context);
    case 'RecordMilestone':
      return recordMilestone(command, state, context);
    case 'CorrectWorkFact':
      return correctWorkFact(command, state, context);
    case 'ClarifyWorkFact':
      return clarifyWorkFact(command, state, context);
    case 'RetractWorkFact':
      return retractWorkFact(command, state, context);
    case 'ChangeWorkFactStanding':
      return changeWorkFactStanding(command, state, context);
    default:
      return assertNever(command, 'work command');
  }
}

export const workDecider: Decider<WorkCommand, WorkEvent, WorkState> = {
  decide: decideWork,
  evolve: evolveWork,
  initialState: initialWorkState,
};

// ---- helpers ------------------------------------------------------------------------------------------------------

/** Builds events of one command: a fresh eventId each, the command's source, its note and world date. */
export function workEventEmitter(context: DecideContext, fields: WriteFields) {
  return <T extends WorkEventType>(type: T, data: WorkEventDataMap[T], meta: { occurredAt?: PartialDate; note?: string } = {}): WorkEventOf<T> =>
    ({
      type,
      data: compact(data),
      metadata: compact({
        eventId: context.newId(),
        source: fields.source,
        occurredAt: fields.occurredAt ?? meta.occurredAt,
        note: meta.note ?? fields.note,
      }),
    }) as WorkEventOf<T>;
}

/** The work must exist, not be merged into another and not be withdrawn. */
export function requireLiveWork(state: WorkState, workId: string): asserts state is WorkState & { workId: string; details: WorkDetails } {
  if (state.workId === null || state.details === null) throw new AggregateNotFoundError('work', workId);
  if (state.workId !== workId) throw validationError('workId', `the command is for work ${workId} but the state loaded is work ${state.workId}`);
  refuseIfMerged('work', workId, state);
  if (state.withdrawn) throw new RetractedError('work', workId, state.withdrawn);
}


const titleValue = (t: Title): TitleValue => compact({ text: t.text, language: t.language, class: t.class, territory: t.territory });
const relationValue = (r: WorkRelationValue): WorkRelationValue => compact({ relation: r.relation, targetWorkId: r.targetWorkId, dealId: r.dealId });
const statusChangeValue = (s: Omit<StatusChangeValue, 'effective'> & { effective?: PartialDate }): StatusChangeValue =>
  compact({ to: s.to, effective: s.effective, reason: s.reason }) as StatusChangeValue;
export const creditValue = (c: CompanyCreditValue): CompanyCreditValue =>
  compact({ organizationId: c.organizationId, role: c.role, country: c.country, territory: c.territory, from: c.from, to: c.to });
export const attachmentValue = (a: TalentAttachmentValue): TalentAttachmentValue =>
  compact({ personId: a.personId, role: a.role, character: a.character, billing: a.billing, attachedAt: a.attachedAt });
const releaseValue = (r: ReleaseValue): ReleaseValue =>
  compact({ territory: r.territory, date: r.date, type: r.type, status: r.status, distributorId: r.distributorId, festival: r.festival });
const milestoneValue = (m: MilestoneValue): MilestoneValue => compact({ label: m.label, kind: m.kind, date: m.date });

function sameTitle(a: TitleValue, b: TitleValue): boolean {
  return a.text === b.text && a.language === b.language && a.class === b.class && a.territory === b.territory;
}

/** A company holds a role once per territory while the credit is open (no `to`). */
export function duplicateCredit(credits: readonly CompanyCredit[], value: CompanyCreditValue, except?: string): CompanyCredit | undefined {
  return credits.find(
    (c) => isCurrent(c) && c.creditId !== except && c.to === undefined && c.organizationId === value.organizationId && c.role === value.role && c.territory === value.territory,
  );
}

/** A person holds a role (for cast: a character) once while attached. */
export function duplicateAttachment(attachments: readonly TalentAttachment[], value: TalentAttachmentValue, except?: string): TalentAttachment | undefined {
  return attachments.find(
    (a) => isCurrent(a) && a.attachmentId !== except && !a.detached && a.personId === value.personId && a.role === value.role && a.character === value.character,
  );
}

function duplicateRelease(releases: readonly Release[], value: ReleaseValue, except?: string): Release | undefined {
  return releases.find(
    (r) => isCurrent(r) && r.releaseId !== except && r.status !== 'cancelled' && r.territory === value.territory && r.type === value.type && r.festival === value.festival,
  );
}

const RELEASE_TRANSITIONS: Record<ReleaseStatus, ReleaseStatus[]> = {
  scheduled: ['moved', 'occurred', 'cancelled'],
  moved: ['moved', 'occurred', 'cancelled'],
  occurred: [],
  cancelled: [],
};

function requireReleaseTransition(release: Release, to: ReleaseStatus): void {
  const allowed = RELEASE_TRANSITIONS[release.status];
  if (!allowed.includes(to)) throw new IllegalStatusTransitionError('release', release.status, to, allowed);
}

/** Resolves { type: 'event', id } to the fact that event stated; checks the fact type is known. */
export function resolveWorkFact(state: WorkState, ref: WorkFactRefInput): WorkFactRef {
  if (typeof ref !== 'object' || ref === null || typeof ref.id !== 'string' || ref.id === '') {
    throw validationError('fact', "is required: { type, id } of the fact, e.g. { type: 'company-credit', id: '<creditId>' } or { type: 'event', id: '<eventId>' }");
  }
  if (ref.type === 'event') {
    const fact = factStatedBy(state.factsByEventId, ref.id);
    if (!fact) throw new FactNotFoundError('event', ref.id);
    return fact;
  }
  if (!(WORK_FACT_TYPES as readonly string[]).includes(ref.type)) {
    throw validationError('fact.type', `must be one of ${[...WORK_FACT_TYPES, 'event'].join(', ')}`);
  }
  if (ref.type === 'work' && ref.id !== state.workId) throw new FactNotFoundError('work', ref.id);
  return { type: ref.type, id: ref.id };
}

// ---- commands -----------------------------------------------------------------------------------------------------

function registerWork(command: RegisterWork, state: WorkState, context: DecideContext): WorkEvent[] {
  const d = command.data;
  if (state.workId !== null) throw new AlreadyExistsError('work', state.workId);
  const v = new Violations();
  check.writeFields(v, d);
  check.aggregateId(v, d.workId, 'workId');
  const details: WorkDetails = compact({
    kind: d.kind,
    originalLanguage: d.originalLanguage,
    countries: d.countries,
    productionYear: d.productionYear,
    externalIds: d.externalIds ?? {},
  });
  validateWorkDetails(v, details, '');
  const titles: RegisteredTitle[] = [];
  if (v.check(Array.isArray(d.titles) && d.titles.length > 0, 'titles', 'must list at least one title (the original title)')) {
    const ids: string[] = [];
    d.titles.forEach((t, i) => {
      validateTitle(v, t, `titles[${i}]`);
      if (t.primary !== undefined) check.boolean(v, t.primary, `titles[${i}].primary`);
      const titleId = newFactId(v, t.titleId, ids, `titles[${i}].titleId`, context, 'work');
      ids.push(titleId);
      const value = compact({ text: t.text, language: t.language, class: t.class, territory: t.territory });
      if (titles.some((other) => sameTitle(other, value))) v.add(`titles[${i}]`, 'repeats another title');
      titles.push({ titleId, ...value, primary: d.titles.length === 1 ? t.primary !== false : t.primary === true });
    });
    const primaries = titles.filter((t) => t.primary).length;
    v.check(primaries === 1, 'titles', `exactly one title must be primary (found ${primaries})`);
  }
  if (d.status !== undefined) check.oneOf(v, d.status, WORK_STATUSES, 'status');
  check.optionalPartialDate(v, d.statusEffective, 'statusEffective');
  check.notInFuture(v, d.statusEffective, context.now, 'statusEffective');
  v.throwIfAny();
  const standing = checkStatedStanding(d.standing);
  const emit = workEventEmitter(context, d);
  return [
    emit(
      'WorkRegistered',
      { workId: d.workId, ...details, titles, status: d.status ?? 'announced', statusChangeId: context.newId(), statusEffective: d.statusEffective, standing },
      { occurredAt: d.statusEffective },
    ),
  ];
}

function updateWorkDetails(command: UpdateWorkDetails, state: WorkState, context: DecideContext): WorkEvent[] {
  const d = command.data;
  requireLiveWork(state, d.workId);
  const v = new Violations();
  check.writeFields(v, d);
  const keysOk = checkChangeKeys(v, d.changes, WORK_DETAILS_FIELDS, 'work');
  const nulls = keysOk || (typeof d.changes === 'object' && d.changes !== null) ? Object.entries(d.changes).filter(([, value]) => value === null) : [];
  for (const [key] of nulls) v.add(`changes.${key}`, 'cannot be removed by an update; a value that was wrong is fixed with CorrectWorkFact');
  if (keysOk && nulls.length === 0) validateWorkDetails(v, d.changes, 'changes', true);
  v.throwIfAny();
  const merged = mergeDetails(state.details, d.changes);
  if (sameJson(merged, state.details)) throw validationError('changes', 'changes nothing: the work already has these values');
  return [workEventEmitter(context, d)('WorkDetailsUpdated', { workId: d.workId, changes: d.changes })];
}

function addTitle(command: AddTitle, state: WorkState, context: DecideContext): WorkEvent[] {
  const d = command.data;
  requireLiveWork(state, d.workId);
  const v = new Violations();
  check.writeFields(v, d);
  const value: TitleValue = compact({ text: d.text, language: d.language, class: d.class, territory: d.territory });
  validateTitle(v, value, '');
  if (d.primary !== undefined) check.boolean(v, d.primary, 'primary');
  const titleId = newFactId(v, d.titleId, state.titles.map((t) => t.titleId), 'titleId', context, 'work');
  const dup = state.titles.find((t) => isCurrent(t) && sameTitle(t, value));
  if (dup) v.add('text', `the work already has this title (${dup.titleId})`);
  v.throwIfAny();
  const emit = workEventEmitter(context, d);
  const events: WorkEvent[] = [emit('TitleAdded', { workId: d.workId, titleId, ...value })];
  if (d.primary === true) {
    const previous = state.titles.find((t) => t.primary && isCurrent(t));
    events.push(emit('PrimaryTitleSet', { workId: d.workId, titleId, previousTitleId: previous?.titleId }));
  }
  return events;
}

function setPrimaryTitle(command: SetPrimaryTitle, state: WorkState, context: DecideContext): WorkEvent[] {
  const d = command.data;
  requireLiveWork(state, d.workId);
  const v = new Violations();
  check.writeFields(v, d);
  check.factId(v, d.titleId, 'titleId');
  v.throwIfAny();
  const title = findEditableFact(state.titles, (t) => t.titleId, d.titleId, 'title');
  if (title.primary) throw validationError('titleId', `${d.titleId} is already the primary title`);
  const previous = state.titles.find((t) => t.primary && isCurrent(t));
  return [workEventEmitter(context, d)('PrimaryTitleSet', { workId: d.workId, titleId: d.titleId, previousTitleId: previous?.titleId })];
}

function relateWork(command: RelateWork, state: WorkState, context: DecideContext): WorkEvent[] {
  const d = command.data;
  requireLiveWork(state, d.workId);
  const v = new Violations();
  check.writeFields(v, d);
  const value = relationValue(d);
  validateRelation(v, value, '', d.workId);
  const relationId = newFactId(v, d.relationId, state.relations.map((r) => r.relationId), 'relationId', context, 'work');
  const dup = state.relations.find((r) => isCurrent(r) && r.relation === value.relation && r.targetWorkId === value.targetWorkId);
  if (dup) v.add('targetWorkId', `this work is already recorded as ${value.relation} ${value.targetWorkId} (${dup.relationId})`);
  v.throwIfAny();
  return [workEventEmitter(context, d)('WorkRelated', { workId: d.workId, relationId, ...value })];
}

function changeWorkStatus(command: ChangeWorkStatus, state: WorkState, context: DecideContext): WorkEvent[] {
  const d = command.data;
  requireLiveWork(state, d.workId);
  const v = new Violations();
  check.writeFields(v, d);
  validateStatusChange(v, { to: d.to, effective: d.effective, reason: d.reason }, '', context.now);
  v.throwIfAny();
  const { status, lastPipeline } = statusOf(state.statusHistory);
  const allowed = status === null ? [...WORK_STATUSES] : allowedNextStatuses(status, lastPipeline);
  if (!allowed.includes(d.to)) throw new IllegalStatusTransitionError('work', status, d.to, allowed);
  return [
    workEventEmitter(context, d)(
      'WorkStatusChanged',
      { workId: d.workId, statusChangeId: context.newId(), from: status ?? d.to, to: d.to, effective: d.effective, reason: d.reason },
      { occurredAt: d.effective },
    ),
  ];
}

function addCompanyCredit(command: AddCompanyCredit, state: WorkState, context: DecideContext): WorkEvent[] {
  const d = command.data;
  requireLiveWork(state, d.workId);
  const v = new Violations();
  check.writeFields(v, d);
  const value = creditValue(d);
  validateCredit(v, value, '');
  const creditId = newFactId(v, d.creditId, state.credits.map((c) => c.creditId), 'creditId', context, 'work');
  const dup = duplicateCredit(state.credits, value);
  if (dup) v.add('organizationId', `this organization is already credited as ${value.role}${value.territory ? ` in ${value.territory}` : ''} (${dup.creditId})`);
  v.throwIfAny();
  const standing = checkStatedStanding(d.standing);
  return [workEventEmitter(context, d)('CompanyCreditAdded', { workId: d.workId, creditId, ...value, standing }, { occurredAt: value.from })];
}

function endCompanyCredit(command: EndCompanyCredit, state: WorkState, context: DecideContext): WorkEvent[] {
  const d = command.data;
  requireLiveWork(state, d.workId);
  const v = new Violations();
  check.writeFields(v, d);
  check.factId(v, d.creditId, 'creditId');
  check.partialDate(v, d.to, 'to');
  check.notInFuture(v, d.to, context.now, 'to');
  check.optionalText(v, d.reason, 'reason', 2000);
  v.throwIfAny();
  const credit = findEditableFact(state.credits, (c) => c.creditId, d.creditId, 'company-credit');
  if (credit.to) throw validationError('creditId', `the credit already ends ${credit.to.date}; a wrong end date is fixed with CorrectWorkFact`);
  validateCredit(v, { ...creditValue(credit), to: d.to }, '');
  v.throwIfAny();
  return [workEventEmitter(context, d)('CompanyCreditEnded', { workId: d.workId, creditId: d.creditId, to: d.to, reason: d.reason }, { occurredAt: d.to })];
}

function attachTalent(command: AttachTalent, state: WorkState, context: DecideContext): WorkEvent[] {
  const d = command.data;
  requireLiveWork(state, d.workId);
  const v = new Violations();
  check.writeFields(v, d);
  const value = attachmentValue(d);
  validateAttachment(v, value, '', context.now);
  const attachmentId = newFactId(v, d.attachmentId, state.attachments.map((a) => a.attachmentId), 'attachmentId', context, 'work');
  const dup = duplicateAttachment(state.attachments, value);
  if (dup) v.add('personId', `this person is already attached as ${value.role}${value.character ? ` (${value.character})` : ''} (${dup.attachmentId})`);
  v.throwIfAny();
  const standing = checkStatedStanding(d.standing);
  return [workEventEmitter(context, d)('TalentAttached', { workId: d.workId, attachmentId, ...value, standing }, { occurredAt: value.attachedAt })];
}

function detachTalent(command: DetachTalent, state: WorkState, context: DecideContext): WorkEvent[] {
  const d = command.data;
  requireLiveWork(state, d.workId);
  const v = new Violations();
  check.writeFields(v, d);
  check.factId(v, d.attachmentId, 'attachmentId');
  check.text(v, d.reason, 'reason', 2000);
  check.optionalPartialDate(v, d.detachedAt, 'detachedAt');
  check.notInFuture(v, d.detachedAt, context.now, 'detachedAt');
  v.throwIfAny();
  const attachment = findEditableFact(state.attachments, (a) => a.attachmentId, d.attachmentId, 'talent-attachment');
  if (attachment.detached) throw validationError('attachmentId', `already detached (${attachment.detached.reason})`);
  return [
    workEventEmitter(context, d)(
      'TalentDetached',
      { workId: d.workId, attachmentId: d.attachmentId, reason: d.reason, detachedAt: d.detachedAt },
      { occurredAt: d.detachedAt },
    ),
  ];
}

function scheduleRelease(command: ScheduleRelease, state: WorkState, context: DecideContext): WorkEvent[] {
  const d = command.data;
  requireLiveWork(state, d.workId);
  const v = new Violations();
  check.writeFields(v, d);
  const status = d.status ?? 'scheduled';
  v.check(status === 'scheduled' || status === 'occurred', 'status', "must be 'scheduled' or 'occurred' for a new release");
  const value = releaseValue({ territory: d.territory, date: d.date, type: d.type, status, distributorId: d.distributorId, festival: d.festival });
  validateRelease(v, value, '', context.now);
  const releaseId = newFactId(v, d.releaseId, state.releases.map((r) => r.releaseId), 'releaseId', context, 'work');
  const dup = duplicateRelease(state.releases, value);
  if (dup) v.add('territory', `a ${value.type} release in ${value.territory} is already recorded (${dup.releaseId}); move or correct it`);
  v.throwIfAny();
  return [
    workEventEmitter(context, d)('ReleaseScheduled', { workId: d.workId, releaseId, ...value }, { occurredAt: status === 'occurred' ? value.date : undefined }),
  ];
}

function rescheduleRelease(command: RescheduleRelease, state: WorkState, context: DecideContext): WorkEvent[] {
  const d = command.data;
  requireLiveWork(state, d.workId);
  const v = new Violations();
  check.writeFields(v, d);
  check.factId(v, d.releaseId, 'releaseId');
  check.partialDate(v, d.date, 'date');
  check.optionalText(v, d.reason, 'reason', 2000);
  v.throwIfAny();
  const release = findEditableFact(state.releases, (r) => r.releaseId, d.releaseId, 'release');
  requireReleaseTransition(release, 'moved');
  if (sameJson(release.date, d.date)) throw validationError('date', `the release is already dated ${d.date.date}`);
  return [workEventEmitter(context, d)('ReleaseMoved', { workId: d.workId, releaseId: d.releaseId, previousDate: release.date, date: d.date, reason: d.reason })];
}

function markReleaseOccurred(command: MarkReleaseOccurred, state: WorkState, context: DecideContext): WorkEvent[] {
  const d = command.data;
  requireLiveWork(state, d.workId);
  const v = new Violations();
  check.writeFields(v, d);
  check.factId(v, d.releaseId, 'releaseId');
  check.optionalPartialDate(v, d.date, 'date');
  v.throwIfAny();
  const release = findEditableFact(state.releases, (r) => r.releaseId, d.releaseId, 'release');
  requireReleaseTransition(release, 'occurred');
  const date = d.date ?? release.date;
  check.notInFuture(v, date, context.now, 'date');
  v.throwIfAny();
  return [workEventEmitter(context, d)('ReleaseOccurred', { workId: d.workId, releaseId: d.releaseId, date }, { occurredAt: date })];
}

function cancelRelease(command: CancelRelease, state: WorkState, context: DecideContext): WorkEvent[] {
  const d = command.data;
  requireLiveWork(state, d.workId);
  const v = new Violations();
  check.writeFields(v, d);
  check.factId(v, d.releaseId, 'releaseId');
  check.optionalText(v, d.reason, 'reason', 2000);
  v.throwIfAny();
  const release = findEditableFact(state.releases, (r) => r.releaseId, d.releaseId, 'release');
  requireReleaseTransition(release, 'cancelled');
  return [workEventEmitter(context, d)('ReleaseCancelled', { workId: d.workId, releaseId: d.releaseId, reason: d.reason })];
}

function recordMilestone(command: RecordMilestone, state: WorkState, context: DecideContext): WorkEvent[] {
  const d = command.data;
  requireLiveWork(state, d.workId);
  const v = new Violations();
  check.writeFields(v, d);
  const value = milestoneValue(d);
  validateMilestone(v, value, '');
  const milestoneId = newFactId(v, d.milestoneId, state.milestones.map((m) => m.milestoneId), 'milestoneId', context, 'work');
  const dup = state.milestones.find((m) => isCurrent(m) && m.kind === value.kind && m.label === value.label && sameJson(m.date, value.date));
  if (dup) v.add('label', `this milestone is already recorded (${dup.milestoneId})`);
  v.throwIfAny();
  return [workEventEmitter(context, d)('MilestoneRecorded', { workId: d.workId, milestoneId, ...value }, { occurredAt: value.date })];
}

// ---- editorial fixes ----------------------------------------------------------------------------------------------

function correctWorkFact(command: CorrectWorkFact, state: WorkState, context: DecideContext): WorkEvent[] {
  const d = command.data;
  requireLiveWork(state, d.workId);
  const v = new Violations();
  check.fixFields(v, d);
  v.throwIfAny();
  const fact = resolveWorkFact(state, d.fact);
  const emit = workEventEmitter(context, d);
  const changes = d.changes as Changes<Record<string, unknown>>;
  /** Validates the corrected value, refuses a no-op, returns the replacement id. */
  const replacementFor = <T extends object>(current: T, fields: readonly string[], label: string, validate: (v: Violations, value: T) => void, ids: string[]): { value: T; id: string } => {
    if (!checkChangeKeys(v, changes, fields, label)) v.throwIfAny();
    const value = applyChanges(current, changes as Changes<T>);
    validate(v, value);
    const id = newFactId(v, d.replacementId, ids, 'replacementId', context, 'work');
    v.throwIfAny();
    if (sameJson(value, current)) throw validationError('changes', `changes nothing: the ${label} already states these values (use ClarifyWorkFact to add a note)`);
    return { value, id };
  };
  switch (fact.type) {
    case 'work': {
      if (!checkChangeKeys(v, changes, WORK_DETAILS_FIELDS, 'work')) v.throwIfAny();
      const value = applyChanges(state.details, changes as Changes<WorkDetails>);
      validateWorkDetails(v, value, 'changes');
      v.throwIfAny();
      if (sameJson(value, state.details)) throw validationError('changes', 'changes nothing: the work already states these values');
      const changedKeys = Object.keys(changes) as (keyof WorkDetails)[];
      const corrected = Object.fromEntries(changedKeys.filter((k) => value[k] !== undefined).map((k) => [k, value[k]])) as Partial<WorkDetails>;
      const previous = Object.fromEntries(changedKeys.filter((k) => state.details[k] !== undefined).map((k) => [k, state.details[k]])) as Partial<WorkDetails>;
      return [emit('WorkDetailsCorrected', { workId: d.workId, changes: corrected, previous, note: d.note }, { note: d.note })];
    }
    case 'title': {
      const title = findEditableFact(state.titles, (t) => t.titleId, fact.id, 'title');
      const { value, id } = replacementFor(titleValue(title), TITLE_FIELDS, 'title', (v, t) => validateTitle(v, t, 'changes'), state.titles.map((t) => t.titleId));
      return [emit('TitleCorrected', { workId: d.workId, titleId: fact.id, replacementTitleId: id, replacement: value, note: d.note }, { note: d.note })];
    }
    case 'relation': {
      const relation = findEditableFact(state.relations, (r) => r.relationId, fact.id, 'relation');
      const { value, id } = replacementFor(relationValue(relation), RELATION_FIELDS, 'relation', (v, r) => validateRelation(v, r, 'changes', d.workId), state.relations.map((r) => r.relationId));
      return [emit('WorkRelationCorrected', { workId: d.workId, relationId: fact.id, replacementRelationId: id, replacement: value, note: d.note }, { note: d.note })];
    }
    case 'status-change': {
      const change = findEditableFact(state.statusHistory, (s) => s.statusChangeId, fact.id, 'status-change');
      const { value, id } = replacementFor(statusChangeValue(change), STATUS_CHANGE_FIELDS, 'status-change', (v, s) => validateStatusChange(v, s, 'changes', context.now), state.statusHistory.map((s) => s.statusChangeId));
      if (value.to !== change.to) {
        const current = state.statusHistory.filter(isCurrent);
        if (current.at(-1)?.statusChangeId !== change.statusChangeId) {
          throw validationError('changes.to', 'only the latest status change can be corrected to another status; correct or retract the later ones first');
        }
        if (change.from !== null) {
          const before = statusOf(current.slice(0, -1));
          const allowed = before.status === null ? [...WORK_STATUSES] : allowedNextStatuses(before.status, before.lastPipeline);
          if (!allowed.includes(value.to)) throw new IllegalStatusTransitionError('work', before.status, value.to, allowed);
        }
      }
      return [
        emit(
          'WorkStatusChangeCorrected',
          { workId: d.workId, statusChangeId: fact.id, replacementStatusChangeId: id, replacement: value, note: d.note },
          { note: d.note, occurredAt: value.effective },
        ),
      ];
    }
    case 'company-credit': {
      const credit = findEditableFact(state.credits, (c) => c.creditId, fact.id, 'company-credit');
      const { value, id } = replacementFor(creditValue(credit), CREDIT_FIELDS, 'company-credit', (v, c) => validateCredit(v, c, 'changes'), state.credits.map((c) => c.creditId));
      const dup = duplicateCredit(state.credits, value, credit.creditId);
      if (dup) throw validationError('changes', `the corrected credit would duplicate ${dup.creditId}; retract this one instead`);
      return [emit('CompanyCreditCorrected', { workId: d.workId, creditId: fact.id, replacementCreditId: id, replacement: value, note: d.note }, { note: d.note })];
    }
    case 'talent-attachment': {
      const attachment = findEditableFact(state.attachments, (a) => a.attachmentId, fact.id, 'talent-attachment');
      const { value, id } = replacementFor(
        attachmentValue(attachment),
        ATTACHMENT_FIELDS,
        'talent-attachment',
        (v, a) => validateAttachment(v, a, 'changes', context.now),
        state.attachments.map((a) => a.attachmentId),
      );
      const dup = attachment.detached ? undefined : duplicateAttachment(state.attachments, value, attachment.attachmentId);
      if (dup) throw validationError('changes', `the corrected attachment would duplicate ${dup.attachmentId}; retract this one instead`);
      return [
        emit('TalentAttachmentCorrected', { workId: d.workId, attachmentId: fact.id, replacementAttachmentId: id, replacement: value, note: d.note }, { note: d.note }),
      ];
    }
    case 'release': {
      const release = findEditableFact(state.releases, (r) => r.releaseId, fact.id, 'release');
      const { value, id } = replacementFor(releaseValue(release), RELEASE_FIELDS, 'release', (v, r) => validateRelease(v, r, 'changes', context.now), state.releases.map((r) => r.releaseId));
      if (!(RELEASE_STATUSES as readonly string[]).includes(value.status)) throw validationError('changes.status', 'unknown release status');
      return [emit('ReleaseCorrected', { workId: d.workId, releaseId: fact.id, replacementReleaseId: id, replacement: value, note: d.note }, { note: d.note })];
    }
    case 'milestone': {
      const milestone = findEditableFact(state.milestones, (m) => m.milestoneId, fact.id, 'milestone');
      const { value, id } = replacementFor(milestoneValue(milestone), MILESTONE_FIELDS, 'milestone', (v, m) => validateMilestone(v, m, 'changes'), state.milestones.map((m) => m.milestoneId));
      return [
        emit('MilestoneCorrected', { workId: d.workId, milestoneId: fact.id, replacementMilestoneId: id, replacement: value, note: d.note }, { note: d.note, occurredAt: value.date }),
      ];
    }
    default:
      return assertNever(fact.type, 'work fact type');
  }
}

/** The fact must exist and still be current (not retracted, not superseded); answers its annotations (the work's own: its standing). */
function requireEditableWorkFact(state: WorkState, fact: WorkFactRef): Pick<FactAnnotations, 'standing'> {
  switch (fact.type) {
    case 'work':
      return { standing: state.standing };
    case 'title':
      return findEditableFact(state.titles, (t) => t.titleId, fact.id, 'title');
    case 'relation':
      return findEditableFact(state.relations, (r) => r.relationId, fact.id, 'relation');
    case 'status-change':
      return findEditableFact(state.statusHistory, (s) => s.statusChangeId, fact.id, 'status-change');
    case 'company-credit':
      return findEditableFact(state.credits, (c) => c.creditId, fact.id, 'company-credit');
    case 'talent-attachment':
      return findEditableFact(state.attachments, (a) => a.attachmentId, fact.id, 'talent-attachment');
    case 'release':
      return findEditableFact(state.releases, (r) => r.releaseId, fact.id, 'release');
    case 'milestone':
      return findEditableFact(state.milestones, (m) => m.milestoneId, fact.id, 'milestone');
    default:
      return assertNever(fact.type, 'work fact type');
  }
}

function changeWorkFactStanding(command: ChangeWorkFactStanding, state: WorkState, context: DecideContext): WorkEvent[] {
  const d = command.data;
  requireLiveWork(state, d.workId);
  const v = new Violations();
  check.writeFields(v, d);
  v.throwIfAny();
  const fact = resolveWorkFact(state, d.fact);
  const change = decideStandingChange(requireEditableWorkFact(state, fact), d.standing, fact.type, fact.id);
  return [workEventEmitter(context, d)('WorkFactStandingChanged', { workId: d.workId, fact, ...change })];
}

function clarifyWorkFact(command: ClarifyWorkFact, state: WorkState, context: DecideContext): WorkEvent[] {
  const d = command.data;
  requireLiveWork(state, d.workId);
  const v = new Violations();
  check.fixFields(v, d);
  v.throwIfAny();
  const fact = resolveWorkFact(state, d.fact);
  requireEditableWorkFact(state, fact);
  return [workEventEmitter(context, d)('WorkFactClarified', { workId: d.workId, fact, note: d.note }, { note: d.note })];
}

function retractWorkFact(command: RetractWorkFact, state: WorkState, context: DecideContext): WorkEvent[] {
  const d = command.data;
  requireLiveWork(state, d.workId);
  const v = new Violations();
  check.fixFields(v, d);
  v.throwIfAny();
  const fact = resolveWorkFact(state, d.fact);
  const emit = workEventEmitter(context, d);
  if (fact.type === 'work') return [emit('WorkRetracted', { workId: d.workId, note: d.note }, { note: d.note })];
  requireEditableWorkFact(state, fact);
  if (fact.type === 'title' && state.titles.find((t) => t.titleId === fact.id)?.primary) {
    throw validationError('fact', 'this is the primary title: set another title as primary first (a work always has exactly one)');
  }
  if (fact.type === 'status-change' && state.statusHistory.filter(isCurrent).length === 1) {
    throw validationError('fact', "this is the work's only status: correct it instead, or retract the whole work");
  }
  return [emit('WorkFactRetracted', { workId: d.workId, fact, note: d.note }, { note: d.note })];
}
