import { mergeDeciderOf, type MergeableState } from '../shared/merges.js';
import type { WorkMergeCommand } from './work.commands.js';
import type { WorkEvent } from './work.events.js';
import type { WorkState } from './work.state.js';

const mergeable = (state: WorkState): MergeableState => ({ id: state.workId, withdrawn: state.withdrawn, mergedInto: state.mergedInto, absorbed: state.absorbed });

const workMerge = mergeDeciderOf<WorkState, WorkMergeCommand, WorkEvent>('work', 'MergeWork', mergeable);

/** The two streams a merge command changes: the duplicate's, then the survivor's (shared/merges.ts). */
export const workMergeStreams = workMerge.streams;

/** Returns [duplicate's stream events, survivor's stream events], appended together. */
export const decideWorkMerge = workMerge.decide;
