import { streamIdFor } from '../../../contracts/src/streams.js';
import { assertNever, type DecideContext, type StreamEvents } from '../shared/decider.js';
import { applyChanges, findEditableFact, type Changes } from '../shared/facts.js';
import { check, validationError, Violations } from '../shared/validation.js';
import type { MoveCompanyCredit, MoveTalentAttachment, WorkMoveCommand } from './work.commands.js';
import { attachmentValue, creditValue, duplicateAttachment, duplicateCredit, requireLiveWork, workEventEmitter } from './work.decider.js';
import type { WorkEvent } from './work.events.js';
import type { WorkState } from './work.state.js';
import { checkChangeKeys, validateAttachment, validateCredit } from './work.validation.js';

/**
 * Moving a fact from one work to another is ONE correction that changes two streams. The handler loads both works,
 * calls decideWorkMove, and appends both results atomically — one transaction with two appends, each with the
 * expected version it loaded (a conflict on either rolls back both). Both events share `moveId` and the
 * command's source and note.
 */
export function workMoveStreams(command: WorkMoveCommand): { sourceWorkId: string; targetWorkId: string } {
  return { sourceWorkId: command.data.workId, targetWorkId: command.data.targetWorkId };
}

/** Returns [source stream events, target stream events]. */
export function decideWorkMove(command: WorkMoveCommand, source: WorkState, target: WorkState, context: DecideContext): [StreamEvents<WorkEvent>, StreamEvents<WorkEvent>] {
  switch (command.type) {
    case 'MoveCompanyCredit':
      return moveCompanyCredit(command, source, target, context);
    case 'MoveTalentAttachment':
      return moveTalentAttachment(command, source, target, context);
    default:
      return assertNever(command, 'work move command');
  }
}

function checkMoveBasics(v: Violations, d: WorkMoveCommand['data'], source: WorkState, target: WorkState): void {
  check.fixFields(v, d);
  check.aggregateId(v, d.workId, 'workId');
  check.aggregateId(v, d.targetWorkId, 'targetWorkId');
  v.throwIfAny();
  if (d.workId === d.targetWorkId) throw validationError('targetWorkId', 'must be another work than the one the fact is on');
  requireLiveWork(source, d.workId);
  requireLiveWork(target, d.targetWorkId);
}

function targetId(v: Violations, supplied: string | undefined, existing: string[], field: string, context: DecideContext): string {
  if (supplied === undefined) return context.newId();
  check.optionalFactId(v, supplied, field);
  v.check(!existing.includes(supplied), field, `${supplied} is already used on the target work`);
  return supplied;
}

function pair(sourceWorkId: string, targetWorkId: string, sourceEvents: WorkEvent[], targetEvents: WorkEvent[]): [StreamEvents<WorkEvent>, StreamEvents<WorkEvent>] {
  return [
    { aggregate: 'work', streamId: streamIdFor('work', sourceWorkId), events: sourceEvents },
    { aggregate: 'work', streamId: streamIdFor('work', targetWorkId), events: targetEvents },
  ];
}

function moveCompanyCredit(command: MoveCompanyCredit, source: WorkState, target: WorkState, context: DecideContext): [StreamEvents<WorkEvent>, StreamEvents<WorkEvent>] {
  const d = command.data;
  const v = new Violations();
  checkMoveBasics(v, d, source, target);
  check.factId(v, d.creditId, 'creditId');
  v.throwIfAny();
  const credit = findEditableFact(source.credits, (c) => c.creditId, d.creditId, 'company-credit');
  let value = creditValue(credit);
  if (d.changes !== undefined && checkChangeKeys(v, d.changes, ['role', 'country', 'territory', 'from', 'to'], 'company-credit')) {
    value = applyChanges(value, d.changes as Changes<typeof value>);
  }
  validateCredit(v, value, 'changes');
  const targetCreditId = targetId(v, d.targetCreditId, target.credits.map((c) => c.creditId), 'targetCreditId', context);
  const dup = duplicateCredit(target.credits, value);
  if (dup) v.add('targetWorkId', `the target work already credits this organization as ${value.role} (${dup.creditId}); retract this credit instead`);
  v.throwIfAny();
  const moveId = context.newId();
  const emit = workEventEmitter(context, d);
  return pair(
    d.workId,
    d.targetWorkId,
    [emit('CompanyCreditMovedOut', { workId: d.workId, creditId: d.creditId, moveId, targetWorkId: d.targetWorkId, targetCreditId, note: d.note }, { note: d.note })],
    [
      emit(
        'CompanyCreditMovedIn',
        { workId: d.targetWorkId, creditId: targetCreditId, moveId, sourceWorkId: d.workId, sourceCreditId: d.creditId, ...value, note: d.note },
        { note: d.note },
      ),
    ],
  );
}

function moveTalentAttachment(command: MoveTalentAttachment, source: WorkState, target: WorkState, context: DecideContext): [StreamEvents<WorkEvent>, StreamEvents<WorkEvent>] {
  const d = command.data;
  const v = new Violations();
  checkMoveBasics(v, d, source, target);
  check.factId(v, d.attachmentId, 'attachmentId');
  v.throwIfAny();
  const attachment = findEditableFact(source.attachments, (a) => a.attachmentId, d.attachmentId, 'talent-attachment');
  if (attachment.detached) {
    throw validationError('attachmentId', 'a detached attachment cannot be moved; retract it here and record the attachment and detachment on the right work');
  }
  let value = attachmentValue(attachment);
  if (d.changes !== undefined && checkChangeKeys(v, d.changes, ['role', 'character', 'billing', 'attachedAt'], 'talent-attachment')) {
    value = applyChanges(value, d.changes as Changes<typeof value>);
  }
  validateAttachment(v, value, 'changes', context.now);
  const targetAttachmentId = targetId(v, d.targetAttachmentId, target.attachments.map((a) => a.attachmentId), 'targetAttachmentId', context);
  const dup = duplicateAttachment(target.attachments, value);
  if (dup) v.add('targetWorkId', `the target work already has this person attached as ${value.role} (${dup.attachmentId}); retract this attachment instead`);
  v.throwIfAny();
  const moveId = context.newId();
  const emit = workEventEmitter(context, d);
  return pair(
    d.workId,
    d.targetWorkId,
    [
      emit(
        'TalentAttachmentMovedOut',
        { workId: d.workId, attachmentId: d.attachmentId, moveId, targetWorkId: d.targetWorkId, targetAttachmentId, note: d.note },
        { note: d.note },
      ),
    ],
    [
      emit(
        'TalentAttachmentMovedIn',
        { workId: d.targetWorkId, attachmentId: targetAttachmentId, moveId, sourceWorkId: d.workId, sourceAttachmentId: d.attachmentId, ...value, note: d.note },
        { note: d.note, occurredAt: value.attachedAt },
      ),
    ],
  );
}
