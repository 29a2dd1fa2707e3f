import type { DecideContext, StreamEvents } from '../shared/decider.js';
import { decideMerge, decideUndoMerge, survivorOf, type MergeableState } from '../shared/merges.js';
import type { WorkMergeCommand } from './work.commands.js';
import type { WorkEvent } from './work.events.js';
import type { WorkState } from './work.state.js';

const mergeable = (state: WorkState): MergeableState => ({ id: state.workId, withdrawn: state.withdrawn, mergedInto: state.mergedInto, absorbed: state.absorbed });

/**
 * The two streams a merge command changes: the duplicate's, then the survivor's. An undo names only the duplicate, so
 * its survivor is read from the duplicate's state (throws the domain's refusal when it is not merged).
 */
export function workMergeStreams(command: WorkMergeCommand, duplicate: WorkState): { duplicateId: string; survivorId: string } {
  const duplicateId = command.data.workId;
  return { duplicateId, survivorId: command.type === 'MergeWork' ? command.data.survivorId : survivorOf('work', duplicateId, mergeable(duplicate)) };
}

/** Returns [duplicate's stream events, survivor's stream events], appended together. */
export function decideWorkMerge(command: WorkMergeCommand, duplicate: WorkState, survivor: WorkState, context: DecideContext): [StreamEvents<WorkEvent>, StreamEvents<WorkEvent>] {
  const decided =
    command.type === 'MergeWork'
      ? decideMerge('work', command.data.workId, command.data, mergeable(duplicate), mergeable(survivor), context)
      : decideUndoMerge('work', command.data.workId, command.data, mergeable(duplicate), mergeable(survivor), context);
  return decided as [StreamEvents<WorkEvent>, StreamEvents<WorkEvent>];
}
