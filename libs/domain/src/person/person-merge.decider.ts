import { mergeDeciderOf, type MergeableState } from '../shared/merges.js';
import type { PersonMergeCommand } from './person.commands.js';
import type { PersonEvent } from './person.events.js';
import type { PersonState } from './person.state.js';

const mergeable = (state: PersonState): MergeableState => ({ id: state.personId, withdrawn: state.withdrawn, mergedInto: state.mergedInto, absorbed: state.absorbed });

const personMerge = mergeDeciderOf<PersonState, PersonMergeCommand, PersonEvent>('person', 'MergePerson', mergeable);

/** The two streams a merge command changes: the duplicate's, then the survivor's (shared/merges.ts). */
export const personMergeStreams = personMerge.streams;

/** Returns [duplicate's stream events, survivor's stream events], appended together. */
export const decidePersonMerge = personMerge.decide;
