import { partialDateStart, type PartialDate } from '../../../contracts/src/envelope.js';
import {
  DEAL_FACT_TYPES,
  type DealDetails,
  type DealEventDataMap,
  type DealEventType,
  type DealFactRef,
  type DealPartyValue,
  type DealStatusChangeValue,
  type DealWorkValue,
  type RegisteredDealParty,
} from '../../../contracts/src/events/deal.events.js';
import { DEAL_SIDES, DEAL_STATUSES, DEAL_TYPES, DEAL_WORK_ROLES } from '../../../contracts/src/vocabulary.js';
import { assertNever, type DecideContext, type Decider, type WriteFields } from '../shared/decider.js';
import { AggregateNotFoundError, AlreadyExistsError, FactNotFoundError, IllegalStatusTransitionError, RetractedError } from '../shared/errors.js';
import { applyChanges, assertEditable, checkStatedStanding, compact, decideStandingChange, detailsDiff, findEditableFact, isCurrent, resolveFactRef, sameJson, type Changes, type FactAnnotations } from '../shared/facts.js';
import { newFactId } from '../shared/fact-ids.js';
import { check, checkChangeKeys, validationError, Violations } from '../shared/validation.js';
import type {
  AddDealParty,
  AddWorkToDeal,
  AnnounceDeal,
  ChangeDealStatus,
  ChangeDealFactStanding,
  ClarifyDealFact,
  CorrectDealFact,
  DealCommand,
  RetractDealFact,
  UpdateDealDetails,
} from './deal.commands.js';
import type { RightsWindow } from '../../../contracts/src/events/deal.events.js';
import type { DealEvent, DealEventOf } from './deal.events.js';
import { evolveDeal } from './deal.evolve.js';
import { findDealWork, initialDealState, type DealParty, type DealState, type DealWork } from './deal.state.js';
import { allowedNextDealStatuses } from './deal.status.js';

const DETAILS_FIELDS = ['type', 'name', 'territories', 'languages', 'rightsWindow', 'termsDisclosed', 'coProductionTreaty', 'announcedAt'] as const;
const UPDATABLE_FIELDS = ['name', 'territories', 'languages', 'rightsWindow', 'termsDisclosed', 'coProductionTreaty'] as const;
const PARTY_FIELDS = ['organizationId', 'side', 'share'] as const;
const WORK_FIELDS = ['workId', 'role', 'territory'] as const;
const STATUS_FIELDS = ['to', 'effective', 'reason'] as const;

export function decideDeal(command: DealCommand, state: DealState, context: DecideContext): DealEvent[] {
  switch (command.type) {
    case 'AnnounceDeal':
      return announce(command, state, context);
    case 'UpdateDealDetails':
      return updateDetails(command, state, context);
    case 'AddDealParty':
      return addParty(command, state, context);
    case 'AddWorkToDeal':
      return addWork(command, state, context);
    case 'ChangeDealStatus':
      return changeStatus(command, state, context);
    case 'CorrectDealFact':
      return correct(command, state, context);
    case 'ClarifyDealFact':
      return clarify(command, state, context);
    case 'RetractDealFact':
      return retract(command, state, context);
    case 'ChangeDealFactStanding':
      return changeStanding(command, state, context);
    default:
      return assertNever(command, 'deal command');
  }
}

export const dealDecider: Decider<DealCommand, DealEvent, DealState> = {
  decide: decideDeal,
  evolve: evolveDeal,
  initialState: initialDealState,
};

function emitter(context: DecideContext, fields: WriteFields) {
  return <T extends DealEventType>(type: T, data: DealEventDataMap[T], meta: { occurredAt?: PartialDate; note?: string } = {}): DealEventOf<T> =>
    ({
      type,
      data: compact(data),
      metadata: compact({ eventId: context.newId(), source: fields.source, occurredAt: fields.occurredAt ?? meta.occurredAt, note: meta.note ?? fields.note }),
    }) as DealEventOf<T>;
}

function requireLive(state: DealState, dealId: string): asserts state is DealState & { dealId: string; details: DealDetails } {
  if (state.dealId === null || state.details === null) throw new AggregateNotFoundError('deal', dealId);
  if (state.dealId !== dealId) throw validationError('dealId', `the command is for ${dealId} but the state loaded is ${state.dealId}`);
  if (state.withdrawn) throw new RetractedError('deal', dealId, state.withdrawn);
}

function validateDetails(v: Violations, d: Partial<DealDetails>, prefix: string, now: Date, partial = false): void {
  const p = prefix ? `${prefix}.` : '';
  if (!partial || d.type !== undefined) check.oneOf(v, d.type, DEAL_TYPES, `${p}type`);
  check.optionalText(v, d.name, `${p}name`);
  if (!partial || d.territories !== undefined) check.territories(v, d.territories, `${p}territories`);
  if (!partial || d.languages !== undefined) check.languages(v, d.languages, `${p}languages`);
  if (!partial || d.termsDisclosed !== undefined) check.boolean(v, d.termsDisclosed, `${p}termsDisclosed`);
  if (d.coProductionTreaty !== undefined) {
    check.boolean(v, d.coProductionTreaty, `${p}coProductionTreaty`);
    if (!partial) v.check(d.type === 'co-production', `${p}coProductionTreaty`, 'applies to co-production deals only');
  }
  if (!partial || d.announcedAt !== undefined) {
    check.partialDate(v, d.announcedAt, `${p}announcedAt`);
    check.notInFuture(v, d.announcedAt, now, `${p}announcedAt`);
  }
  if (d.rightsWindow !== undefined) {
    const w = d.rightsWindow;
    if (v.check(typeof w === 'object' && w !== null, `${p}rightsWindow`, 'must be { from?, to? }')) {
      check.optionalPartialDate(v, w.from, `${p}rightsWindow.from`);
      check.optionalPartialDate(v, w.to, `${p}rightsWindow.to`);
      try {
        if (w.from && w.to) v.check(partialDateStart(w.to) >= partialDateStart(w.from), `${p}rightsWindow.to`, `must not be before ${w.from.date}`);
      } catch {
        // malformed dates are reported above
      }
    }
  }
}

function validateParty(v: Violations, party: Partial<DealPartyValue>, prefix: string): void {
  const p = prefix ? `${prefix}.` : '';
  check.aggregateId(v, party.organizationId, `${p}organizationId`);
  check.oneOf(v, party.side, DEAL_SIDES, `${p}side`);
  if (party.share !== undefined) v.check(typeof party.share === 'number' && party.share > 0 && party.share <= 100, `${p}share`, 'must be a percentage above 0 and at most 100');
}

function validateWork(v: Violations, w: Partial<DealWorkValue>, prefix: string): void {
  const p = prefix ? `${prefix}.` : '';
  check.aggregateId(v, w.workId, `${p}workId`);
  check.oneOf(v, w.role, DEAL_WORK_ROLES, `${p}role`);
  if (w.territory !== undefined) check.territory(v, w.territory, `${p}territory`);
}

function validateStatusChange(v: Violations, s: Partial<DealStatusChangeValue>, prefix: string, now: Date): void {
  const p = prefix ? `${prefix}.` : '';
  check.oneOf(v, s.to, DEAL_STATUSES, `${p}to`);
  check.partialDate(v, s.effective, `${p}effective`);
  check.notInFuture(v, s.effective, now, `${p}effective`);
  check.optionalText(v, s.reason, `${p}reason`, 2000);
}

/** Shares of the current parties add up to at most 100%. */
function checkShares(v: Violations, parties: readonly DealPartyValue[], field: string): void {
  const total = parties.reduce((sum, p) => sum + (typeof p.share === 'number' ? p.share : 0), 0);
  v.check(total <= 100.0001, field, `the parties' shares add up to ${Math.round(total * 100) / 100}%, more than 100%`);
}

const partyValue = (p: DealPartyValue): DealPartyValue => compact({ organizationId: p.organizationId, side: p.side, share: p.share });
const workValue = (w: DealWorkValue): DealWorkValue => compact({ workId: w.workId, role: w.role, territory: w.territory });
const sameParty = (a: DealPartyValue, b: DealPartyValue) => a.organizationId === b.organizationId && a.side === b.side;


function announce(command: AnnounceDeal, state: DealState, context: DecideContext): DealEvent[] {
  const d = command.data;
  if (state.dealId !== null) throw new AlreadyExistsError('deal', state.dealId);
  const v = new Violations();
  check.writeFields(v, d);
  check.aggregateId(v, d.dealId, 'dealId');
  const details: DealDetails = compact({
    type: d.type,
    name: d.name,
    territories: d.territories ?? [],
    languages: d.languages ?? [],
    rightsWindow: d.rightsWindow,
    termsDisclosed: d.termsDisclosed,
    coProductionTreaty: d.coProductionTreaty,
    announcedAt: d.announcedAt,
  });
  validateDetails(v, details, '', context.now);
  const parties: RegisteredDealParty[] = [];
  if (v.check(Array.isArray(d.parties) && d.parties.length > 0, 'parties', 'must list at least one party')) {
    const ids: string[] = [];
    d.parties.forEach((p, i) => {
      validateParty(v, p, `parties[${i}]`);
      const partyId = newFactId(v, p.partyId, ids, `parties[${i}].partyId`, context, 'deal');
      ids.push(partyId);
      const value = partyValue(p);
      if (parties.some((other) => sameParty(other, value))) v.add(`parties[${i}]`, 'repeats another party on the same side');
      parties.push({ partyId, ...value });
    });
    checkShares(v, parties, 'parties');
  }
  const works: DealWorkValue[] = [];
  if (d.works !== undefined && v.check(Array.isArray(d.works), 'works', 'must be a list of { workId, role }')) {
    d.works.forEach((w, i) => {
      validateWork(v, w, `works[${i}]`);
      if (works.some((other) => other.workId === w.workId)) v.add(`works[${i}].workId`, 'repeats another work');
      works.push(workValue(w));
    });
  }
  v.throwIfAny();
  const standing = checkStatedStanding(d.standing);
  return [emitter(context, d)('DealAnnounced', { dealId: d.dealId, ...details, parties, works, statusChangeId: context.newId(), standing }, { occurredAt: d.announcedAt })];
}

function updateDetails(command: UpdateDealDetails, state: DealState, context: DecideContext): DealEvent[] {
  const d = command.data;
  requireLive(state, d.dealId);
  const v = new Violations();
  check.writeFields(v, d);
  const changes = withRightsWindowMerged(state.details.rightsWindow, d.changes);
  if (checkChangeKeys(v, d.changes, UPDATABLE_FIELDS, 'deal (type and announcedAt change only by correction)')) {
    validateDetails(v, changes, 'changes', context.now, true);
    if (d.changes.coProductionTreaty !== undefined) v.check(state.details.type === 'co-production', 'changes.coProductionTreaty', 'applies to co-production deals only');
  }
  v.throwIfAny();
  if (sameJson({ ...state.details, ...changes }, state.details)) throw validationError('changes', 'changes nothing: the deal already has these values');
  return [emitter(context, d)('DealDetailsUpdated', { dealId: d.dealId, changes })];
}

/**
 * An update's rights window names the bounds that change: a bound left out stays as it was (it is not "no end any
 * more"), null removes it. The event carries the whole window that results, as DealDetailsUpdated always has.
 */
function withRightsWindowMerged(current: RightsWindow | undefined, changes: UpdateDealDetails['data']['changes']): UpdateDealDetails['data']['changes'] {
  const given: unknown = changes?.rightsWindow;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) return changes;
  const merged: Record<string, unknown> = { ...current, ...given };
  for (const [bound, value] of Object.entries(merged)) if (value === null) delete merged[bound];
  return { ...changes, rightsWindow: merged as RightsWindow };
}

function addParty(command: AddDealParty, state: DealState, context: DecideContext): DealEvent[] {
  const d = command.data;
  requireLive(state, d.dealId);
  const v = new Violations();
  check.writeFields(v, d);
  const value = partyValue(d);
  validateParty(v, value, '');
  const partyId = newFactId(v, d.partyId, state.parties.map((p) => p.partyId), 'partyId', context, 'deal');
  const current = state.parties.filter(isCurrent);
  const dup = current.find((p) => sameParty(p, value));
  if (dup) v.add('organizationId', `this organization is already a ${value.side} in the deal (${dup.partyId})`);
  checkShares(v, [...current, value], 'share');
  v.throwIfAny();
  return [emitter(context, d)('DealPartyAdded', { dealId: d.dealId, partyId, ...value })];
}

function addWork(command: AddWorkToDeal, state: DealState, context: DecideContext): DealEvent[] {
  const d = command.data;
  requireLive(state, d.dealId);
  const v = new Violations();
  check.writeFields(v, d);
  const value = workValue(d);
  validateWork(v, value, '');
  const existing = state.works.find((w) => isCurrent(w) && w.workId === value.workId);
  if (existing) v.add('workId', `the work is already in the deal as ${existing.role}`);
  v.throwIfAny();
  return [emitter(context, d)('DealWorkAdded', { dealId: d.dealId, ...value })];
}

function changeStatus(command: ChangeDealStatus, state: DealState, context: DecideContext): DealEvent[] {
  const d = command.data;
  requireLive(state, d.dealId);
  const v = new Violations();
  check.writeFields(v, d);
  validateStatusChange(v, { to: d.to, effective: d.effective, reason: d.reason }, '', context.now);
  v.throwIfAny();
  const from = state.status ?? 'announced';
  const allowed = allowedNextDealStatuses(from);
  if (!allowed.includes(d.to)) throw new IllegalStatusTransitionError('deal', from, d.to, allowed);
  return [
    emitter(context, d)(
      'DealStatusChanged',
      { dealId: d.dealId, statusChangeId: context.newId(), from, to: d.to, effective: d.effective, reason: d.reason },
      { occurredAt: d.effective },
    ),
  ];
}

function resolve(state: DealState, ref: CorrectDealFact['data']['fact']): DealFactRef {
  return resolveFactRef(ref, state.factsByEventId, DEAL_FACT_TYPES, { type: 'deal', id: state.dealId });
}

function editableWork(state: DealState, workId: string): DealWork {
  const work = findDealWork(state.works, workId);
  if (!work) throw new FactNotFoundError('work', workId);
  assertEditable(work, 'work', workId);
  return work;
}

function editableParty(state: DealState, partyId: string): DealParty {
  return findEditableFact(state.parties, (p) => p.partyId, partyId, 'party');
}

function correct(command: CorrectDealFact, state: DealState, context: DecideContext): DealEvent[] {
  const d = command.data;
  requireLive(state, d.dealId);
  const v = new Violations();
  check.fixFields(v, d);
  v.throwIfAny();
  const fact = resolve(state, d.fact);
  const emit = emitter(context, d);
  const noChange = (what: string) => validationError('changes', `changes nothing: the ${what} already states these values`);
  switch (fact.type) {
    case 'deal': {
      if (!checkChangeKeys(v, d.changes, DETAILS_FIELDS, 'deal')) v.throwIfAny();
      const value = applyChanges(state.details, d.changes as Changes<DealDetails>);
      validateDetails(v, value, 'changes', context.now);
      v.throwIfAny();
      if (sameJson(value, state.details)) throw noChange('deal');
      return [emit('DealDetailsCorrected', { dealId: d.dealId, ...detailsDiff(state.details, value, Object.keys(d.changes)), note: d.note }, { note: d.note })];
    }
    case 'party': {
      const party = editableParty(state, fact.id);
      if (!checkChangeKeys(v, d.changes, PARTY_FIELDS, 'party')) v.throwIfAny();
      const current = partyValue(party);
      const value = applyChanges(current, d.changes as Changes<DealPartyValue>);
      validateParty(v, value, 'changes');
      const others = state.parties.filter((p) => isCurrent(p) && p.partyId !== party.partyId);
      if (others.some((p) => sameParty(p, value))) v.add('changes', 'the corrected party would duplicate another party; retract this one instead');
      checkShares(v, [...others, value], 'changes.share');
      const replacementPartyId = newFactId(v, d.replacementId, state.parties.map((p) => p.partyId), 'replacementId', context, 'deal');
      v.throwIfAny();
      if (sameJson(value, current)) throw noChange('party');
      return [emit('DealPartyCorrected', { dealId: d.dealId, partyId: fact.id, replacementPartyId, replacement: value, note: d.note }, { note: d.note })];
    }
    case 'work': {
      const work = editableWork(state, fact.id);
      if (!checkChangeKeys(v, d.changes, WORK_FIELDS, 'deal work')) v.throwIfAny();
      const current = workValue(work);
      const value = applyChanges(current, d.changes as Changes<DealWorkValue>);
      validateWork(v, value, 'changes');
      if (value.workId !== work.workId && state.works.some((w) => isCurrent(w) && w.workId === value.workId)) v.add('changes.workId', 'that work is already in the deal');
      v.throwIfAny();
      if (sameJson(value, current)) throw noChange('deal work');
      return [emit('DealWorkCorrected', { dealId: d.dealId, workId: fact.id, replacement: value, note: d.note }, { note: d.note })];
    }
    case 'status-change': {
      const change = findEditableFact(state.statusHistory, (s) => s.statusChangeId, fact.id, 'status-change');
      if (!checkChangeKeys(v, d.changes, STATUS_FIELDS, 'status-change')) v.throwIfAny();
      const current: DealStatusChangeValue = compact({ to: change.to, effective: change.effective, reason: change.reason });
      const value = applyChanges(current, d.changes as Changes<DealStatusChangeValue>);
      validateStatusChange(v, value, 'changes', context.now);
      const replacementStatusChangeId = newFactId(v, d.replacementId, state.statusHistory.map((s) => s.statusChangeId), 'replacementId', context, 'deal');
      v.throwIfAny();
      if (sameJson(value, current)) throw noChange('status change');
      if (value.to !== change.to) {
        const live = state.statusHistory.filter(isCurrent);
        if (change.from === null) throw validationError('changes.to', "the announcement's status is always announced; correct the later status changes");
        if (live.at(-1)?.statusChangeId !== change.statusChangeId) throw validationError('changes.to', 'only the latest status change can be corrected to another status');
        const allowed = allowedNextDealStatuses(change.from);
        if (!allowed.includes(value.to)) throw new IllegalStatusTransitionError('deal', change.from, value.to, allowed);
      }
      return [
        emit(
          'DealStatusChangeCorrected',
          { dealId: d.dealId, statusChangeId: fact.id, replacementStatusChangeId, replacement: value, note: d.note },
          { note: d.note, occurredAt: value.effective },
        ),
      ];
    }
    default:
      return assertNever(fact.type, 'deal fact type');
  }
}

function requireEditableDealFact(state: DealState, fact: DealFactRef): Pick<FactAnnotations, 'standing'> {
  switch (fact.type) {
    case 'deal':
      return { standing: state.standing };
    case 'party':
      return editableParty(state, fact.id);
    case 'work':
      return editableWork(state, fact.id);
    case 'status-change':
      return findEditableFact(state.statusHistory, (s) => s.statusChangeId, fact.id, 'status-change');
    default:
      return assertNever(fact.type, 'deal fact type');
  }
}

function changeStanding(command: ChangeDealFactStanding, state: DealState, context: DecideContext): DealEvent[] {
  const d = command.data;
  requireLive(state, d.dealId);
  const v = new Violations();
  check.writeFields(v, d);
  v.throwIfAny();
  const fact = resolve(state, d.fact);
  const change = decideStandingChange(requireEditableDealFact(state, fact), d.standing, fact.type, fact.id);
  return [emitter(context, d)('DealFactStandingChanged', { dealId: d.dealId, fact, ...change })];
}

function clarify(command: ClarifyDealFact, state: DealState, context: DecideContext): DealEvent[] {
  const d = command.data;
  requireLive(state, d.dealId);
  const v = new Violations();
  check.fixFields(v, d);
  v.throwIfAny();
  const fact = resolve(state, d.fact);
  requireEditableDealFact(state, fact);
  return [emitter(context, d)('DealFactClarified', { dealId: d.dealId, fact, note: d.note }, { note: d.note })];
}

function retract(command: RetractDealFact, state: DealState, context: DecideContext): DealEvent[] {
  const d = command.data;
  requireLive(state, d.dealId);
  const v = new Violations();
  check.fixFields(v, d);
  v.throwIfAny();
  const fact = resolve(state, d.fact);
  const emit = emitter(context, d);
  if (fact.type === 'deal') return [emit('DealRetracted', { dealId: d.dealId, note: d.note }, { note: d.note })];
  requireEditableDealFact(state, fact);
  if (fact.type === 'party' && state.parties.filter(isCurrent).length === 1) {
    throw validationError('fact', 'this is the only party of the deal: correct it, or retract the whole deal');
  }
  if (fact.type === 'status-change' && state.statusHistory.find((s) => s.statusChangeId === fact.id)?.from === null) {
    throw validationError('fact', 'the announcement itself cannot be retracted as a status: retract the whole deal');
  }
  return [emit('DealFactRetracted', { dealId: d.dealId, fact, note: d.note }, { note: d.note })];
}
