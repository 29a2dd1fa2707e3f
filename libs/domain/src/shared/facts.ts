import { DEFAULT_FACT_STANDING, FACT_STANDINGS, type FactRank, type FactStanding } from '../../../contracts/src/vocabulary.js';
import { DomainValidationError, FactNotFoundError, FactSupersededError, RetractedError } from './errors.js';

export interface EditorialNote {
  note: string;
  eventId: string;
}

/**
 * What every fact in an aggregate's state carries besides its value: where it was stated and how editors have
 * fixed it since. Nothing is ever removed — a corrected, moved or retracted fact stays with rank 'deprecated',
 * so read models can show the current facts plus the correction notes.
 */
export interface FactAnnotations {
  rank: FactRank;
  /** eventId of the event that stated this fact. */
  statedBy: string;
  /** The id of the fact this one corrects (or, on another work, the fact it was moved from). */
  supersedes?: string;
  /** Set when a correction (or a move to another work) replaced this fact. */
  supersededBy?: { id: string; eventId: string; note: string; workId?: string };
  /** Set when the premise was wrong: the fact is withdrawn, its record stays. */
  retracted?: EditorialNote;
  /** Right but misleading: the fact stays current, these notes go with it. */
  clarifications: EditorialNote[];
  /** How sure the fact is; absent means DEFAULT_FACT_STANDING ('reported'). */
  standing?: FactStanding;
}

export function statedBy(eventId: string, supersedes?: string): FactAnnotations {
  return supersedes === undefined
    ? { rank: 'normal', statedBy: eventId, clarifications: [] }
    : { rank: 'normal', statedBy: eventId, supersedes, clarifications: [] };
}

/** The standing of a fact (or of an aggregate's own fact): 'reported' unless stated or changed otherwise. */
export function standingOf(fact: { standing?: FactStanding }): FactStanding {
  return fact.standing ?? DEFAULT_FACT_STANDING;
}

/** `fact` with its standing; the default standing is left implicit so states folded before standings compare equal. */
export function withStanding<T extends { standing?: FactStanding }>(fact: T, standing: FactStanding | undefined): T {
  const { standing: _previous, ...rest } = fact;
  return (standing === undefined || standing === DEFAULT_FACT_STANDING ? rest : { ...rest, standing }) as T;
}

/**
 * What a standing change records, once the fact it names is known to be editable: the new standing and the one
 * before. A change to the standing the fact already has records nothing and says so.
 */
export function decideStandingChange(fact: { standing?: FactStanding }, standing: unknown, factType: string, factId: string): { standing: FactStanding; from: FactStanding } {
  if (typeof standing !== 'string' || !(FACT_STANDINGS as readonly string[]).includes(standing)) {
    throw new DomainValidationError([{ field: 'standing', message: `must be one of ${FACT_STANDINGS.join(', ')}` }]);
  }
  const from = standingOf(fact);
  if (from === standing) throw new DomainValidationError([{ field: 'standing', message: `the ${factType} ${factId} is already ${standing}` }]);
  return { standing: standing as FactStanding, from };
}

/** Checks an optional standing stated with a new fact. */
export function checkStatedStanding(standing: unknown): FactStanding | undefined {
  if (standing === undefined) return undefined;
  if (typeof standing !== 'string' || !(FACT_STANDINGS as readonly string[]).includes(standing)) {
    throw new DomainValidationError([{ field: 'standing', message: `must be one of ${FACT_STANDINGS.join(', ')}` }]);
  }
  return standing as FactStanding;
}

/** Shown as current: not deprecated and not denied (a denied fact stays in the record, like a deprecated one). */
export function isShownAsCurrent(fact: FactAnnotations): boolean {
  return isCurrent(fact) && standingOf(fact) !== 'denied';
}

export function isCurrent(fact: FactAnnotations): boolean {
  return fact.rank !== 'deprecated';
}

/** Throws unless the fact can still be edited (not retracted, not replaced by a correction or a move). */
export function assertEditable(fact: FactAnnotations, factType: string, factId: string): void {
  if (fact.retracted) throw new RetractedError(factType, factId, fact.retracted);
  if (fact.supersededBy) throw new FactSupersededError(factType, factId, { id: fact.supersededBy.id, workId: fact.supersededBy.workId });
}

/** Finds a fact by id or throws FactNotFoundError. */
export function findFact<T>(list: readonly T[], idOf: (item: T) => string, id: string, factType: string): T {
  const found = list.find((item) => idOf(item) === id);
  if (!found) throw new FactNotFoundError(factType, id);
  return found;
}

/** Finds an editable fact by id (see assertEditable). */
export function findEditableFact<T extends FactAnnotations>(list: readonly T[], idOf: (item: T) => string, id: string, factType: string): T {
  const fact = findFact(list, idOf, id, factType);
  assertEditable(fact, factType, id);
  return fact;
}

/** Returns a new list with the fact `id` transformed; others untouched. */
export function updateFact<T>(list: readonly T[], idOf: (item: T) => string, id: string, change: (item: T) => T): T[] {
  return list.map((item) => (idOf(item) === id ? change(item) : item));
}

export function deprecatedBySupersession<T extends FactAnnotations>(fact: T, by: { id: string; eventId: string; note: string; workId?: string }): T {
  return { ...fact, rank: 'deprecated', supersededBy: by };
}

export function retractedFact<T extends FactAnnotations>(fact: T, retraction: EditorialNote): T {
  return { ...fact, rank: 'deprecated', retracted: retraction };
}

export function clarifiedFact<T extends FactAnnotations>(fact: T, clarification: EditorialNote): T {
  return { ...fact, clarifications: [...fact.clarifications, clarification] };
}

/**
 * The facts a stream's events stated, by the id of the event that stated each (a `{ type: 'event', id }` fact
 * reference names one this way): an immutable singly linked list, newest first — `null` when empty, else a node
 * holding one event's entry and the list as it was before that event.
 *
 * Every evolve that states or fixes a fact adds an entry, so adding has to cost the same at the 1,000th event as at the
 * first: withFactStatedBy makes one node pointing at the list it was given and changes nothing, so a state and every
 * state folded on from it share the older nodes (a copied map made each event cost the stream's length, and a fold
 * quadratic in it). Reads are rare — resolving an event reference in a command, listing events in tests — and walk
 * the list (O(n)).
 */
export type FactsByEvent<R> = FactsByEventNode<R> | null;

export interface FactsByEventNode<R> {
  /** The event that stated (or fixed) `fact`. */
  readonly eventId: string;
  readonly fact: R;
  /** The entries recorded before this one. */
  readonly previous: FactsByEvent<R>;
  /** How many entries the list holds, this one included: its position (from 1) in the stream's order of entries. */
  readonly size: number;
}

/** The empty list: a state before any event. */
export const NO_FACTS_BY_EVENT: FactsByEvent<never> = null;

/** `facts` with `fact` recorded as stated by `eventId`, newest; `facts` itself is not changed. O(1). */
export function withFactStatedBy<R>(facts: FactsByEvent<R>, eventId: string, fact: R): FactsByEventNode<R> {
  return { eventId, fact, previous: facts, size: facts === null ? 1 : facts.size + 1 };
}

/** The fact `eventId` stated, or undefined if no entry names that event. The newest entry wins. O(n). */
export function factStatedBy<R>(facts: FactsByEvent<R>, eventId: string): R | undefined {
  for (let node = facts; node !== null; node = node.previous) if (node.eventId === eventId) return node.fact;
  return undefined;
}

/** Every entry, oldest first: the order of the stream's events (an evolve adds at most one entry per event). O(n). */
export function factsByEventInOrder<R>(facts: FactsByEvent<R>): Array<{ eventId: string; fact: R }> {
  const entries: Array<{ eventId: string; fact: R }> = [];
  for (let node = facts; node !== null; node = node.previous) entries.push({ eventId: node.eventId, fact: node.fact });
  return entries.reverse();
}

/** The ids of the events with an entry, oldest first. */
export function eventIdsInOrder(facts: FactsByEvent<unknown>): string[] {
  return factsByEventInOrder(facts).map((entry) => entry.eventId);
}

/** Drops keys whose value is undefined, so events and state compare and serialize cleanly. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * A correction's `changes` applied to a value: keys set to null are removed (an optional field that was wrong
 * to state at all), other keys replace. Unknown keys are reported by the caller's validation.
 */
export type Changes<T> = { [K in keyof T]?: T[K] | null };

export function applyChanges<T extends object>(value: T, changes: Changes<T>): T {
  const next = { ...value } as Record<string, unknown>;
  for (const [key, v] of Object.entries(changes)) {
    if (v === null) delete next[key];
    else if (v !== undefined) next[key] = v;
  }
  return next as T;
}

/** Deep equality for plain JSON values (used to reject corrections that change nothing). */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * Resolves a fact reference from a command: { type, id } of the aggregate's fact types, or { type: 'event', id }
 * naming the event that stated the fact. `selfType` is the aggregate's own fact type ('work', 'deal', …), whose id
 * must be the aggregate id.
 */
export function resolveFactRef<T extends string>(
  ref: { type: string; id: string } | undefined,
  factsByEventId: FactsByEvent<{ type: T; id: string }>,
  factTypes: readonly T[],
  self: { type: T; id: string | null },
): { type: T; id: string } {
  if (typeof ref !== 'object' || ref === null || typeof ref.id !== 'string' || ref.id === '') {
    throw new DomainValidationError([{ field: 'fact', message: `is required: { type, id } of the fact (type one of ${[...factTypes, 'event'].join(', ')})` }]);
  }
  if (ref.type === 'event') {
    const fact = factStatedBy(factsByEventId, ref.id);
    if (!fact) throw new FactNotFoundError('event', ref.id);
    return fact;
  }
  if (!(factTypes as readonly string[]).includes(ref.type)) {
    throw new DomainValidationError([{ field: 'fact.type', message: `must be one of ${[...factTypes, 'event'].join(', ')}` }]);
  }
  if (ref.type === self.type && ref.id !== self.id) throw new FactNotFoundError(self.type, ref.id);
  return { type: ref.type as T, id: ref.id };
}

/** What a details correction records: the corrected values of the changed keys, and what they were before. */
export function detailsDiff<T extends object>(before: T, after: T, changedKeys: readonly string[]): { changes: Partial<T>; previous: Partial<T> } {
  const pick = (source: T) =>
    Object.fromEntries(changedKeys.filter((k) => (source as Record<string, unknown>)[k] !== undefined).map((k) => [k, (source as Record<string, unknown>)[k]])) as Partial<T>;
  return { changes: pick(after), previous: pick(before) };
}

/** Applies a recorded details correction: keys in `previous` but not in `changes` were removed. */
export function applyDetailsCorrection<T extends object>(details: T, changes: Partial<T>, previous: Partial<T>): T {
  const next = { ...details, ...changes } as Record<string, unknown>;
  for (const key of Object.keys(previous)) if (!(key in changes)) delete next[key];
  return compact(next) as T;
}
