import type { DecideContext, StreamEvents } from '../shared/decider.js';
import { decideMerge, decideUndoMerge, survivorOf, type MergeableState } from '../shared/merges.js';
import type { OrganizationMergeCommand } from './organization.commands.js';
import type { OrganizationEvent } from './organization.events.js';
import type { OrganizationState } from './organization.state.js';

const mergeable = (state: OrganizationState): MergeableState => ({ id: state.organizationId, withdrawn: state.withdrawn, mergedInto: state.mergedInto, absorbed: state.absorbed });

/**
 * The two streams a merge command changes: the duplicate's, then the survivor's. An undo names only the duplicate, so
 * its survivor is read from the duplicate's state (throws the domain's refusal when it is not merged).
 */
export function organizationMergeStreams(command: OrganizationMergeCommand, duplicate: OrganizationState): { duplicateId: string; survivorId: string } {
  const duplicateId = command.data.organizationId;
  return { duplicateId, survivorId: command.type === 'MergeOrganization' ? command.data.survivorId : survivorOf('organization', duplicateId, mergeable(duplicate)) };
}

/** Returns [duplicate's stream events, survivor's stream events], appended together. */
export function decideOrganizationMerge(command: OrganizationMergeCommand, duplicate: OrganizationState, survivor: OrganizationState, context: DecideContext): [StreamEvents<OrganizationEvent>, StreamEvents<OrganizationEvent>] {
  const decided =
    command.type === 'MergeOrganization'
      ? decideMerge('organization', command.data.organizationId, command.data, mergeable(duplicate), mergeable(survivor), context)
      : decideUndoMerge('organization', command.data.organizationId, command.data, mergeable(duplicate), mergeable(survivor), context);
  return decided as [StreamEvents<OrganizationEvent>, StreamEvents<OrganizationEvent>];
}
