import type { DecideContext, StreamEvents } from '../shared/decider.js';
import { decideMerge, decideUndoMerge, survivorOf, type MergeableState } from '../shared/merges.js';
import type { PersonMergeCommand } from './person.commands.js';
import type { PersonEvent } from './person.events.js';
import type { PersonState } from './person.state.js';

const mergeable = (state: PersonState): MergeableState => ({ id: state.personId, withdrawn: state.withdrawn, mergedInto: state.mergedInto, absorbed: state.absorbed });

/**
 * The two streams a merge command changes: the duplicate's, then the survivor's. An undo names only the duplicate, so
 * its survivor is read from the duplicate's state (throws the domain's refusal when it is not merged).
 */
export function personMergeStreams(command: PersonMergeCommand, duplicate: PersonState): { duplicateId: string; survivorId: string } {
  const duplicateId = command.data.personId;
  return { duplicateId, survivorId: command.type === 'MergePerson' ? command.data.survivorId : survivorOf('person', duplicateId, mergeable(duplicate)) };
}

/** Returns [duplicate's stream events, survivor's stream events], appended together. */
export function decidePersonMerge(command: PersonMergeCommand, duplicate: PersonState, survivor: PersonState, context: DecideContext): [StreamEvents<PersonEvent>, StreamEvents<PersonEvent>] {
  const decided =
    command.type === 'MergePerson'
      ? decideMerge('person', command.data.personId, command.data, mergeable(duplicate), mergeable(survivor), context)
      : decideUndoMerge('person', command.data.personId, command.data, mergeable(duplicate), mergeable(survivor), context);
  return decided as [StreamEvents<PersonEvent>, StreamEvents<PersonEvent>];
}
