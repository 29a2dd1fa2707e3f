import { mergeDeciderOf, type MergeableState } from '../shared/merges.js';
import type { OrganizationMergeCommand } from './organization.commands.js';
import type { OrganizationEvent } from './organization.events.js';
import type { OrganizationState } from './organization.state.js';

const mergeable = (state: OrganizationState): MergeableState => ({ id: state.organizationId, withdrawn: state.withdrawn, mergedInto: state.mergedInto, absorbed: state.absorbed });

const organizationMerge = mergeDeciderOf<OrganizationState, OrganizationMergeCommand, OrganizationEvent>('organization', 'MergeOrganization', mergeable);

/** The two streams a merge command changes: the duplicate's, then the survivor's (shared/merges.ts). */
export const organizationMergeStreams = organizationMerge.streams;

/** Returns [duplicate's stream events, survivor's stream events], appended together. */
export const decideOrganizationMerge = organizationMerge.decide;
