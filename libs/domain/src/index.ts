/**
 * reelwire domain: pure deciders (decide/evolve/initialState) for works, organizations, people and deals.
 * No framework, database or broker imports; clock and ids come in through DecideContext.
 */
export * from './shared/decider.js';
export * from './shared/errors.js';
export * from './shared/facts.js';
export * from './shared/envelope.js';
export { NOT_MERGED, type MergeState } from './shared/merges.js';
export { check, checkChangeKeys, isCountryCode, isLanguageTag, isTerritory, Violations } from './shared/validation.js';

export * from './work/work.commands.js';
export * from './work/work.events.js';
export * from './work/work.state.js';
export { allowedNextStatuses, statusOf, type PipelineStatus } from './work/work.status.js';
export { decideWork, resolveWorkFact, workDecider } from './work/work.decider.js';
export { evolveWork } from './work/work.evolve.js';
export { decideWorkMove, workMoveStreams } from './work/work-move.decider.js';
export { decideWorkMerge, workMergeStreams } from './work/work-merge.decider.js';

export * from './organization/organization.commands.js';
export * from './organization/organization.events.js';
export * from './organization/organization.state.js';
export { decideOrganization, organizationDecider } from './organization/organization.decider.js';
export { evolveOrganization } from './organization/organization.evolve.js';
export { decideOrganizationMerge, organizationMergeStreams } from './organization/organization-merge.decider.js';

export * from './person/person.commands.js';
export * from './person/person.events.js';
export * from './person/person.state.js';
export { decidePerson, personDecider } from './person/person.decider.js';
export { evolvePerson } from './person/person.evolve.js';
export { decidePersonMerge, personMergeStreams } from './person/person-merge.decider.js';

export * from './deal/deal.commands.js';
export * from './deal/deal.events.js';
export * from './deal/deal.state.js';
export { allowedNextDealStatuses } from './deal/deal.status.js';
export { decideDeal, dealDecider } from './deal/deal.decider.js';
export { evolveDeal } from './deal/deal.evolve.js';
