import {
  PERSON_FACT_TYPES,
  type PersonDetails,
  type PersonEventDataMap,
  type PersonEventType,
  type PersonExternalIds,
  type PersonFactRef,
  type PersonNameValue,
} from '../../../contracts/src/events/person.events.js';
import { NAME_KINDS } from '../../../contracts/src/vocabulary.js';
import { assertNever, type DecideContext, type Decider, type WriteFields } from '../shared/decider.js';
import { AggregateNotFoundError, AlreadyExistsError, RetractedError } from '../shared/errors.js';
import { applyChanges, compact, decideStandingChange, detailsDiff, findEditableFact, resolveFactRef, sameJson, type Changes } from '../shared/facts.js';
import { newFactId } from '../shared/fact-ids.js';
import { refuseIfMerged } from '../shared/merges.js';
import { assignPrimary, planNameAddition, planPrimaryName } from '../shared/names.js';
import { check, checkChangeKeys, validationError, Violations } from '../shared/validation.js';
import type {
  AddPersonName,
  ChangePersonFactStanding,
  ClarifyPersonFact,
  CorrectPersonFact,
  ErasePersonData,
  PersonCommand,
  RegisterPerson,
  RetractPersonFact,
  SetPrimaryPersonName,
  UpdatePersonDetails,
} from './person.commands.js';
import type { PersonEvent, PersonEventOf } from './person.events.js';
import { evolvePerson, mergePersonDetails } from './person.evolve.js';
import { initialPersonState, type PersonState } from './person.state.js';

const DETAILS_FIELDS = ['nationalities', 'birthYear', 'externalIds'] as const;
const NAME_FIELDS = ['text', 'language', 'kind', 'familyName', 'givenName', 'familyNameFirst'] as const;

const EXTERNAL_ID_PATTERNS: Record<keyof PersonExternalIds, { pattern: RegExp; example: string }> = {
  imdb: { pattern: /^nm\d{7,9}$/, example: 'nm1234567' },
  kobis: { pattern: /^\d{8}$/, example: '10057153' },
  tmdb: { pattern: /^\d+$/, example: '1245167' },
  wikidata: { pattern: /^Q\d+$/, example: 'Q484593' },
};

export function decidePerson(command: PersonCommand, state: PersonState, context: DecideContext): PersonEvent[] {
  switch (command.type) {
    case 'RegisterPerson':
      return register(command, state, context);
    case 'UpdatePersonDetails':
      return updateDetails(command, state, context);
    case 'AddPersonName':
      return addName(command, state, context);
    case 'SetPrimaryPersonName':
      return setPrimaryName(command, state, context);
    case 'CorrectPersonFact':
      return correct(command, state, context);
    case 'ClarifyPersonFact':
      return clarify(command, state, context);
    case 'RetractPersonFact':
      return retract(command, state, context);
    case 'ErasePersonData':
      return erase(command, state, context);
    case 'ChangePersonFactStanding':
      return changeStanding(command, state, context);
    default:
      return assertNever(command, 'person command');
  }
}

export const personDecider: Decider<PersonCommand, PersonEvent, PersonState> = {
  decide: decidePerson,
  evolve: evolvePerson,
  initialState: initialPersonState,
};

function emitter(context: DecideContext, fields: WriteFields) {
  return <T extends PersonEventType>(type: T, data: PersonEventDataMap[T], meta: { note?: string } = {}): PersonEventOf<T> =>
    ({
      type,
      data: compact(data),
      metadata: compact({ eventId: context.newId(), source: fields.source, occurredAt: fields.occurredAt, note: meta.note ?? fields.note }),
    }) as PersonEventOf<T>;
}

function requireLive(state: PersonState, personId: string): asserts state is PersonState & { personId: string; details: PersonDetails } {
  if (state.personId === null || state.details === null) throw new AggregateNotFoundError('person', personId);
  if (state.personId !== personId) throw validationError('personId', `the command is for ${personId} but the state loaded is ${state.personId}`);
  refuseIfMerged('person', personId, state);
  if (state.withdrawn) throw new RetractedError('person', personId, state.withdrawn);
}

/**
 * Family-name order matters: 이광수 / 'Lee Kwang-soo' are family-name-first; 'Kwang-soo Lee' is not. When both parts
 * are given, the order must be stated and must match the text.
 */
function validateName(v: Violations, n: Partial<PersonNameValue>, prefix: string): void {
  const p = prefix ? `${prefix}.` : '';
  check.text(v, n.text, `${p}text`);
  check.language(v, n.language, `${p}language`);
  check.optionalOneOf(v, n.kind, NAME_KINDS, `${p}kind`);
  check.optionalText(v, n.familyName, `${p}familyName`, 200);
  check.optionalText(v, n.givenName, `${p}givenName`, 200);
  if (n.familyNameFirst !== undefined) check.boolean(v, n.familyNameFirst, `${p}familyNameFirst`);
  if (n.familyName !== undefined && n.givenName !== undefined && typeof n.text === 'string') {
    if (!v.check(n.familyNameFirst !== undefined, `${p}familyNameFirst`, 'is required with familyName and givenName: say which comes first in the text')) return;
    const text = n.text.trim();
    const ok = n.familyNameFirst
      ? text.startsWith(n.familyName) && text.endsWith(n.givenName)
      : text.startsWith(n.givenName) && text.endsWith(n.familyName);
    v.check(ok, `${p}text`, `does not read "${n.familyNameFirst ? `${n.familyName} … ${n.givenName}` : `${n.givenName} … ${n.familyName}`}" as familyName, givenName and familyNameFirst say`);
  }
}

function validateDetails(v: Violations, d: Partial<PersonDetails>, prefix: string, partial = false): void {
  const p = prefix ? `${prefix}.` : '';
  if (!partial || d.nationalities !== undefined) check.countries(v, d.nationalities, `${p}nationalities`);
  if (d.birthYear !== undefined) check.year(v, d.birthYear, `${p}birthYear`);
  if (!partial || d.externalIds !== undefined) {
    const ids = d.externalIds;
    if (v.check(typeof ids === 'object' && ids !== null && !Array.isArray(ids), `${p}externalIds`, 'must be an object of external ids (imdb, kobis, tmdb, wikidata)')) {
      for (const [key, id] of Object.entries(ids as object)) {
        const rule = EXTERNAL_ID_PATTERNS[key as keyof PersonExternalIds];
        if (!rule) v.add(`${p}externalIds.${key}`, `is not a known external id; use ${Object.keys(EXTERNAL_ID_PATTERNS).join(', ')}`);
        else v.check(typeof id === 'string' && rule.pattern.test(id), `${p}externalIds.${key}`, `must look like ${rule.example}`);
      }
    }
  }
}

const nameValue = (n: PersonNameValue): PersonNameValue =>
  compact({ text: n.text, language: n.language, kind: n.kind, familyName: n.familyName, givenName: n.givenName, familyNameFirst: n.familyNameFirst });
const sameName = (a: PersonNameValue, b: PersonNameValue) => a.text === b.text && a.language === b.language;


function register(command: RegisterPerson, state: PersonState, context: DecideContext): PersonEvent[] {
  const d = command.data;
  if (state.personId !== null) throw new AlreadyExistsError('person', state.personId);
  const v = new Violations();
  check.writeFields(v, d);
  check.aggregateId(v, d.personId, 'personId');
  const details: PersonDetails = compact({ nationalities: d.nationalities ?? [], birthYear: d.birthYear, externalIds: d.externalIds ?? {} });
  validateDetails(v, details, '');
  const names: PersonEventDataMap['PersonRegistered']['names'] = [];
  if (v.check(Array.isArray(d.names) && d.names.length > 0, 'names', 'must list at least one name')) {
    const primary = assignPrimary(v, d.names, 'names');
    const ids: string[] = [];
    d.names.forEach((n, i) => {
      validateName(v, n, `names[${i}]`);
      const nameId = newFactId(v, n.nameId, ids, `names[${i}].nameId`, context, 'person');
      ids.push(nameId);
      const value = nameValue(n);
      if (names.some((other) => sameName(other, value))) v.add(`names[${i}]`, 'repeats another name');
      names.push({ nameId, ...value, primary: primary[i]! });
    });
  }
  v.throwIfAny();
  return [emitter(context, d)('PersonRegistered', { personId: d.personId, names, ...details })];
}

function updateDetails(command: UpdatePersonDetails, state: PersonState, context: DecideContext): PersonEvent[] {
  const d = command.data;
  requireLive(state, d.personId);
  const v = new Violations();
  check.writeFields(v, d);
  if (checkChangeKeys(v, d.changes, DETAILS_FIELDS, 'person')) validateDetails(v, d.changes, 'changes', true);
  v.throwIfAny();
  if (sameJson(mergePersonDetails(state.details, d.changes), state.details)) throw validationError('changes', 'changes nothing: the person already has these values');
  return [emitter(context, d)('PersonDetailsUpdated', { personId: d.personId, changes: d.changes })];
}

function addName(command: AddPersonName, state: PersonState, context: DecideContext): PersonEvent[] {
  const d = command.data;
  requireLive(state, d.personId);
  const v = new Violations();
  check.writeFields(v, d);
  const value = nameValue(d);
  validateName(v, value, '');
  const plan = planNameAddition(v, state.names, d, value, 'person', context);
  const emit = emitter(context, d);
  const events: PersonEvent[] = [emit('PersonNameAdded', { personId: d.personId, nameId: plan.nameId, ...value })];
  if (plan.makePrimary) events.push(emit('PrimaryPersonNameSet', { personId: d.personId, nameId: plan.nameId, previousNameId: plan.previousPrimaryId }));
  return events;
}

function setPrimaryName(command: SetPrimaryPersonName, state: PersonState, context: DecideContext): PersonEvent[] {
  const d = command.data;
  requireLive(state, d.personId);
  const v = new Violations();
  check.writeFields(v, d);
  const { previousPrimaryId } = planPrimaryName(v, state.names, d.nameId);
  return [emitter(context, d)('PrimaryPersonNameSet', { personId: d.personId, nameId: d.nameId, previousNameId: previousPrimaryId })];
}

function resolve(state: PersonState, ref: CorrectPersonFact['data']['fact']): PersonFactRef {
  return resolveFactRef(ref, state.factsByEventId, PERSON_FACT_TYPES, { type: 'person', id: state.personId });
}

function correct(command: CorrectPersonFact, state: PersonState, context: DecideContext): PersonEvent[] {
  const d = command.data;
  requireLive(state, d.personId);
  const v = new Violations();
  check.fixFields(v, d);
  v.throwIfAny();
  const fact = resolve(state, d.fact);
  const emit = emitter(context, d);
  switch (fact.type) {
    case 'person': {
      if (!checkChangeKeys(v, d.changes, DETAILS_FIELDS, 'person')) v.throwIfAny();
      const value = applyChanges(state.details, d.changes as Changes<PersonDetails>);
      validateDetails(v, value, 'changes');
      v.throwIfAny();
      if (sameJson(value, state.details)) throw validationError('changes', 'changes nothing: the person already states these values');
      return [emit('PersonDetailsCorrected', { personId: d.personId, ...detailsDiff(state.details, value, Object.keys(d.changes)), note: d.note }, { note: d.note })];
    }
    case 'name': {
      const name = findEditableFact(state.names, (n) => n.nameId, fact.id, 'name');
      if (!checkChangeKeys(v, d.changes, NAME_FIELDS, 'name')) v.throwIfAny();
      const current = nameValue(name);
      const value = applyChanges(current, d.changes as Changes<PersonNameValue>);
      validateName(v, value, 'changes');
      const replacementNameId = newFactId(v, d.replacementId, state.names.map((n) => n.nameId), 'replacementId', context, 'person');
      v.throwIfAny();
      if (sameJson(value, current)) throw validationError('changes', 'changes nothing: the name already states these values');
      return [emit('PersonNameCorrected', { personId: d.personId, nameId: fact.id, replacementNameId, replacement: value, note: d.note }, { note: d.note })];
    }
    default:
      return assertNever(fact.type, 'person fact type');
  }
}

function clarify(command: ClarifyPersonFact, state: PersonState, context: DecideContext): PersonEvent[] {
  const d = command.data;
  requireLive(state, d.personId);
  const v = new Violations();
  check.fixFields(v, d);
  v.throwIfAny();
  const fact = resolve(state, d.fact);
  if (fact.type === 'name') findEditableFact(state.names, (n) => n.nameId, fact.id, 'name');
  return [emitter(context, d)('PersonFactClarified', { personId: d.personId, fact, note: d.note }, { note: d.note })];
}

function retract(command: RetractPersonFact, state: PersonState, context: DecideContext): PersonEvent[] {
  const d = command.data;
  requireLive(state, d.personId);
  const v = new Violations();
  check.fixFields(v, d);
  v.throwIfAny();
  const fact = resolve(state, d.fact);
  const emit = emitter(context, d);
  if (fact.type === 'person') return [emit('PersonRetracted', { personId: d.personId, note: d.note }, { note: d.note })];
  const name = findEditableFact(state.names, (n) => n.nameId, fact.id, 'name');
  if (name.primary) throw validationError('fact', 'this is the primary name: set another name as primary first');
  return [emit('PersonFactRetracted', { personId: d.personId, fact, note: d.note }, { note: d.note })];
}

/**
 * Allowed on a retracted person and on a duplicate merged into another too: withdrawing or merging a record does not
 * withdraw the person's right to erasure (a merged duplicate's keys are its own: docs/confidential-sources.md).
 */
function erase(command: ErasePersonData, state: PersonState, context: DecideContext): PersonEvent[] {
  const d = command.data;
  if (state.personId === null) throw new AggregateNotFoundError('person', d.personId);
  const v = new Violations();
  check.fixFields(v, d);
  if (v.check(Array.isArray(d.erasedKeyIds), 'erasedKeyIds', 'must list the destroyed data keys')) {
    d.erasedKeyIds.forEach((id, i) => check.aggregateId(v, id, `erasedKeyIds[${i}]`));
    v.check(new Set(d.erasedKeyIds).size === d.erasedKeyIds.length, 'erasedKeyIds', 'must not repeat a key');
  }
  v.throwIfAny();
  return [emitter(context, d)('PersonDataErased', { personId: d.personId, erasedKeyIds: [...d.erasedKeyIds], note: d.note }, { note: d.note })];
}

function changeStanding(command: ChangePersonFactStanding, state: PersonState, context: DecideContext): PersonEvent[] {
  const d = command.data;
  requireLive(state, d.personId);
  const v = new Violations();
  check.writeFields(v, d);
  v.throwIfAny();
  const fact = resolve(state, d.fact);
  const annotations = fact.type === 'person' ? { standing: state.standing } : findEditableFact(state.names, (n) => n.nameId, fact.id, 'name');
  return [emitter(context, d)('PersonFactStandingChanged', { personId: d.personId, fact, ...decideStandingChange(annotations, d.standing, fact.type, fact.id) })];
}
