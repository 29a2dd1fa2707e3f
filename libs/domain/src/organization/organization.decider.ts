import type { PartialDate } from '../../../contracts/src/envelope.js';
import {
  ORGANIZATION_FACT_TYPES,
  type OrganizationDetails,
  type OrganizationEventDataMap,
  type OrganizationEventType,
  type OrganizationFactRef,
  type OrganizationNameValue,
} from '../../../contracts/src/events/organization.events.js';
import { NAME_KINDS, ORGANIZATION_KINDS } from '../../../contracts/src/vocabulary.js';
import { assertNever, type DecideContext, type Decider, type WriteFields } from '../shared/decider.js';
import { AggregateNotFoundError, AlreadyExistsError, RetractedError } from '../shared/errors.js';
import { applyChanges, compact, decideStandingChange, detailsDiff, findEditableFact, resolveFactRef, sameJson, type Changes } from '../shared/facts.js';
import { newFactId } from '../shared/fact-ids.js';
import { refuseIfMerged } from '../shared/merges.js';
import { assignPrimary, planNameAddition, planPrimaryName } from '../shared/names.js';
import { check, checkChangeKeys, validationError, Violations } from '../shared/validation.js';
import type {
  AddOrganizationName,
  ChangeParentOrganization,
  ChangeOrganizationFactStanding,
  ClarifyOrganizationFact,
  CorrectOrganizationFact,
  OrganizationCommand,
  RegisterOrganization,
  RetractOrganizationFact,
  SetPrimaryOrganizationName,
  UpdateOrganizationDetails,
} from './organization.commands.js';
import type { OrganizationEvent, OrganizationEventOf } from './organization.events.js';
import { evolveOrganization } from './organization.evolve.js';
import { initialOrganizationState, type OrganizationState } from './organization.state.js';

const DETAILS_FIELDS = ['kind', 'country', 'parentOrganizationId'] as const;
const NAME_FIELDS = ['text', 'language', 'kind'] as const;

export function decideOrganization(command: OrganizationCommand, state: OrganizationState, context: DecideContext): OrganizationEvent[] {
  switch (command.type) {
    case 'RegisterOrganization':
      return register(command, state, context);
    case 'UpdateOrganizationDetails':
      return updateDetails(command, state, context);
    case 'ChangeParentOrganization':
      return changeParent(command, state, context);
    case 'AddOrganizationName':
      return addName(command, state, context);
    case 'SetPrimaryOrganizationName':
      return setPrimaryName(command, state, context);
    case 'CorrectOrganizationFact':
      return correct(command, state, context);
    case 'ClarifyOrganizationFact':
      return clarify(command, state, context);
    case 'RetractOrganizationFact':
      return retract(command, state, context);
    case 'ChangeOrganizationFactStanding':
      return changeStanding(command, state, context);
    default:
      return assertNever(command, 'organization command');
  }
}

export const organizationDecider: Decider<OrganizationCommand, OrganizationEvent, OrganizationState> = {
  decide: decideOrganization,
  evolve: evolveOrganization,
  initialState: initialOrganizationState,
};

function emitter(context: DecideContext, fields: WriteFields) {
  return <T extends OrganizationEventType>(type: T, data: OrganizationEventDataMap[T], meta: { occurredAt?: PartialDate; note?: string } = {}): OrganizationEventOf<T> =>
    ({
      type,
      data: compact(data),
      metadata: compact({ eventId: context.newId(), source: fields.source, occurredAt: fields.occurredAt ?? meta.occurredAt, note: meta.note ?? fields.note }),
    }) as OrganizationEventOf<T>;
}

function requireLive(state: OrganizationState, organizationId: string): asserts state is OrganizationState & { organizationId: string; details: OrganizationDetails } {
  if (state.organizationId === null || state.details === null) throw new AggregateNotFoundError('organization', organizationId);
  if (state.organizationId !== organizationId) throw validationError('organizationId', `the command is for ${organizationId} but the state loaded is ${state.organizationId}`);
  refuseIfMerged('organization', organizationId, state);
  if (state.withdrawn) throw new RetractedError('organization', organizationId, state.withdrawn);
}

function validateName(v: Violations, n: Partial<OrganizationNameValue>, prefix: string): void {
  const p = prefix ? `${prefix}.` : '';
  check.text(v, n.text, `${p}text`);
  check.language(v, n.language, `${p}language`);
  check.optionalOneOf(v, n.kind, NAME_KINDS, `${p}kind`);
}

function validateDetails(v: Violations, d: Partial<OrganizationDetails>, prefix: string, organizationId: string, partial = false): void {
  const p = prefix ? `${prefix}.` : '';
  if (!partial || d.kind !== undefined) check.oneOf(v, d.kind, ORGANIZATION_KINDS, `${p}kind`);
  if (!partial || d.country !== undefined) check.country(v, d.country, `${p}country`);
  if (d.parentOrganizationId !== undefined) {
    check.aggregateId(v, d.parentOrganizationId, `${p}parentOrganizationId`);
    v.check(d.parentOrganizationId !== organizationId, `${p}parentOrganizationId`, 'an organization cannot be its own parent');
  }
}

const nameValue = (n: OrganizationNameValue): OrganizationNameValue => compact({ text: n.text, language: n.language, kind: n.kind });
const sameName = (a: OrganizationNameValue, b: OrganizationNameValue) => a.text === b.text && a.language === b.language;


function register(command: RegisterOrganization, state: OrganizationState, context: DecideContext): OrganizationEvent[] {
  const d = command.data;
  if (state.organizationId !== null) throw new AlreadyExistsError('organization', state.organizationId);
  const v = new Violations();
  check.writeFields(v, d);
  check.aggregateId(v, d.organizationId, 'organizationId');
  const details: OrganizationDetails = compact({ kind: d.kind, country: d.country, parentOrganizationId: d.parentOrganizationId });
  validateDetails(v, details, '', d.organizationId);
  const names: OrganizationEventDataMap['OrganizationRegistered']['names'] = [];
  if (v.check(Array.isArray(d.names) && d.names.length > 0, 'names', 'must list at least one name')) {
    const primary = assignPrimary(v, d.names, 'names');
    const ids: string[] = [];
    d.names.forEach((n, i) => {
      validateName(v, n, `names[${i}]`);
      const nameId = newFactId(v, n.nameId, ids, `names[${i}].nameId`, context, 'organization');
      ids.push(nameId);
      const value = nameValue(n);
      if (names.some((other) => sameName(other, value))) v.add(`names[${i}]`, 'repeats another name');
      names.push({ nameId, ...value, primary: primary[i]! });
    });
  }
  v.throwIfAny();
  return [emitter(context, d)('OrganizationRegistered', { organizationId: d.organizationId, ...details, names })];
}

function updateDetails(command: UpdateOrganizationDetails, state: OrganizationState, context: DecideContext): OrganizationEvent[] {
  const d = command.data;
  requireLive(state, d.organizationId);
  const v = new Violations();
  check.writeFields(v, d);
  if (checkChangeKeys(v, d.changes, ['kind', 'country'], 'organization (the parent changes with ChangeParentOrganization)')) {
    validateDetails(v, d.changes, 'changes', d.organizationId, true);
  }
  v.throwIfAny();
  if (sameJson({ ...state.details, ...d.changes }, state.details)) throw validationError('changes', 'changes nothing: the organization already has these values');
  return [emitter(context, d)('OrganizationDetailsUpdated', { organizationId: d.organizationId, changes: d.changes })];
}

function changeParent(command: ChangeParentOrganization, state: OrganizationState, context: DecideContext): OrganizationEvent[] {
  const d = command.data;
  requireLive(state, d.organizationId);
  const v = new Violations();
  check.writeFields(v, d);
  // Only an explicit null clears the parent: a field left out says nothing, and must not be read as "no parent".
  if (d.parentOrganizationId === undefined) v.add('parentOrganizationId', 'is required: the parent company id, or null to clear the parent');
  else if (d.parentOrganizationId !== null) validateDetails(v, { parentOrganizationId: d.parentOrganizationId }, '', d.organizationId, true);
  check.optionalPartialDate(v, d.effective, 'effective');
  check.notInFuture(v, d.effective, context.now, 'effective');
  v.throwIfAny();
  const previous = state.details.parentOrganizationId;
  if ((d.parentOrganizationId ?? undefined) === previous) throw validationError('parentOrganizationId', 'changes nothing: that is already the parent');
  return [
    emitter(context, d)(
      'OrganizationParentChanged',
      { organizationId: d.organizationId, parentOrganizationId: d.parentOrganizationId ?? undefined, previousParentOrganizationId: previous, effective: d.effective },
      { occurredAt: d.effective },
    ),
  ];
}

function addName(command: AddOrganizationName, state: OrganizationState, context: DecideContext): OrganizationEvent[] {
  const d = command.data;
  requireLive(state, d.organizationId);
  const v = new Violations();
  check.writeFields(v, d);
  const value = nameValue(d);
  validateName(v, value, '');
  const plan = planNameAddition(v, state.names, d, value, 'organization', context);
  const emit = emitter(context, d);
  const events: OrganizationEvent[] = [emit('OrganizationNameAdded', { organizationId: d.organizationId, nameId: plan.nameId, ...value })];
  if (plan.makePrimary) events.push(emit('PrimaryOrganizationNameSet', { organizationId: d.organizationId, nameId: plan.nameId, previousNameId: plan.previousPrimaryId }));
  return events;
}

function setPrimaryName(command: SetPrimaryOrganizationName, state: OrganizationState, context: DecideContext): OrganizationEvent[] {
  const d = command.data;
  requireLive(state, d.organizationId);
  const v = new Violations();
  check.writeFields(v, d);
  const { previousPrimaryId } = planPrimaryName(v, state.names, d.nameId);
  return [emitter(context, d)('PrimaryOrganizationNameSet', { organizationId: d.organizationId, nameId: d.nameId, previousNameId: previousPrimaryId })];
}

function resolve(state: OrganizationState, ref: CorrectOrganizationFact['data']['fact']): OrganizationFactRef {
  return resolveFactRef(ref, state.factsByEventId, ORGANIZATION_FACT_TYPES, { type: 'organization', id: state.organizationId });
}

function correct(command: CorrectOrganizationFact, state: OrganizationState, context: DecideContext): OrganizationEvent[] {
  const d = command.data;
  requireLive(state, d.organizationId);
  const v = new Violations();
  check.fixFields(v, d);
  v.throwIfAny();
  const fact = resolve(state, d.fact);
  const emit = emitter(context, d);
  switch (fact.type) {
    case 'organization': {
      if (!checkChangeKeys(v, d.changes, DETAILS_FIELDS, 'organization')) v.throwIfAny();
      const value = applyChanges(state.details, d.changes as Changes<OrganizationDetails>);
      validateDetails(v, value, 'changes', d.organizationId);
      v.throwIfAny();
      if (sameJson(value, state.details)) throw validationError('changes', 'changes nothing: the organization already states these values');
      const diff = detailsDiff(state.details, value, Object.keys(d.changes));
      return [emit('OrganizationDetailsCorrected', { organizationId: d.organizationId, ...diff, note: d.note }, { note: d.note })];
    }
    case 'name': {
      const name = findEditableFact(state.names, (n) => n.nameId, fact.id, 'name');
      if (!checkChangeKeys(v, d.changes, NAME_FIELDS, 'name')) v.throwIfAny();
      const current = nameValue(name);
      const value = applyChanges(current, d.changes as Changes<OrganizationNameValue>);
      validateName(v, value, 'changes');
      const replacementNameId = newFactId(v, d.replacementId, state.names.map((n) => n.nameId), 'replacementId', context, 'organization');
      v.throwIfAny();
      if (sameJson(value, current)) throw validationError('changes', 'changes nothing: the name already states these values');
      return [emit('OrganizationNameCorrected', { organizationId: d.organizationId, nameId: fact.id, replacementNameId, replacement: value, note: d.note }, { note: d.note })];
    }
    default:
      return assertNever(fact.type, 'organization fact type');
  }
}

function clarify(command: ClarifyOrganizationFact, state: OrganizationState, context: DecideContext): OrganizationEvent[] {
  const d = command.data;
  requireLive(state, d.organizationId);
  const v = new Violations();
  check.fixFields(v, d);
  v.throwIfAny();
  const fact = resolve(state, d.fact);
  if (fact.type === 'name') findEditableFact(state.names, (n) => n.nameId, fact.id, 'name');
  return [emitter(context, d)('OrganizationFactClarified', { organizationId: d.organizationId, fact, note: d.note }, { note: d.note })];
}

function retract(command: RetractOrganizationFact, state: OrganizationState, context: DecideContext): OrganizationEvent[] {
  const d = command.data;
  requireLive(state, d.organizationId);
  const v = new Violations();
  check.fixFields(v, d);
  v.throwIfAny();
  const fact = resolve(state, d.fact);
  const emit = emitter(context, d);
  if (fact.type === 'organization') return [emit('OrganizationRetracted', { organizationId: d.organizationId, note: d.note }, { note: d.note })];
  const name = findEditableFact(state.names, (n) => n.nameId, fact.id, 'name');
  if (name.primary) throw validationError('fact', 'this is the primary name: set another name as primary first');
  return [emit('OrganizationFactRetracted', { organizationId: d.organizationId, fact, note: d.note }, { note: d.note })];
}

function changeStanding(command: ChangeOrganizationFactStanding, state: OrganizationState, context: DecideContext): OrganizationEvent[] {
  const d = command.data;
  requireLive(state, d.organizationId);
  const v = new Violations();
  check.writeFields(v, d);
  v.throwIfAny();
  const fact = resolve(state, d.fact);
  const annotations = fact.type === 'organization' ? { standing: state.standing } : findEditableFact(state.names, (n) => n.nameId, fact.id, 'name');
  return [emitter(context, d)('OrganizationFactStandingChanged', { organizationId: d.organizationId, fact, ...decideStandingChange(annotations, d.standing, fact.type, fact.id) })];
}
