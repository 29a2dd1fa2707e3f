import type { FactRank } from '../../../contracts/src/vocabulary.js';
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
}

export function statedBy(eventId: string, supersedes?: string): FactAnnotations {
  return supersedes === undefined
    ? { rank: 'normal', statedBy: eventId, clarifications: [] }
    : { rank: 'normal', statedBy: eventId, supersedes, clarifications: [] };
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
 * `{ ...record, [key]: value }`: a new record with the same keys in the same order, then `key` set (replaced in place
 * if present, else appended). Same result as the spread, built differently: a spread keeps the copy in V8's fast
 * mode, where every key never seen before — an event id — makes a new hidden class and copies its descriptor array,
 * so folding a stream spent most of its time making hidden classes (measured: 4× slower than this at 20 events).
 * The copy here is a hash-table ("dictionary mode") object from the start. Pure: `record` is not touched — except
 * inside evolveOwning, where the owner's map is written in place; that relies on every evolve putting what withEntry
 * returns into the state it returns (as `factsByEventId`), never dropping it (contract-conformance.spec checks it for
 * every event type).
 */
export function withEntry<V>(record: Readonly<Record<string, V>>, key: string, value: V): Record<string, V> {
  const run = activeRun;
  if (run !== undefined && run.written === undefined && record === run.owner.map) {
    // The owner's map, written in place (see evolveOwning): only the newest state of its fold holds it.
    const map = record as Record<string, V>;
    const had = Object.prototype.hasOwnProperty.call(map, key);
    run.written = { map, key, had, previous: had ? map[key] : undefined };
    setOwn(map, key, value);
    return map;
  }
  const next = dictionaryObject() as Record<string, V>;
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) setOwn(next, keys[i]!, record[keys[i]!]!);
  // A second entry on the map written in place in this run: the copy is of the map as it was before that write.
  if (run !== undefined && run.written?.map === record) undoWrite(next, run.written);
  setOwn(next, key, value);
  if (run !== undefined) run.made = next;
  return next;
}

/**
 * The fact map a fold may write in place: the one in the newest state it folded with this owner. One owner per stream
 * being folded; see evolveOwning.
 */
export class FactMapOwner {
  /** @internal The map withEntry may write in place during the next evolveOwning of this owner. */
  map: object | undefined;
}

/** The in-place write of a run, to take back if the evolve throws or does not keep the map. */
interface InPlaceWrite {
  map: Record<string, unknown>;
  key: string;
  had: boolean;
  previous: unknown;
}

interface OwnedRun {
  owner: FactMapOwner;
  written: InPlaceWrite | undefined;
  /** The last map withEntry copied in the run. */
  made: object | undefined;
}

let activeRun: OwnedRun | undefined;

function undoWrite(map: Record<string, unknown>, write: InPlaceWrite): void {
  // Deleting the key added last leaves the others in their order; a replaced key keeps its place when set back.
  if (write.had) setOwn(map, write.key, write.previous);
  else delete map[write.key];
}

/**
 * `evolve(state)` for a caller that folds a stream and lets go of each state once it has the next: the stream's fact
 * map is then added to in place instead of being copied by every event (a copy per event made folding a stream
 * quadratic in its length). The result is the same value evolve returns; what differs is that the state passed in
 * may share its fact map with the result and see the new entry.
 *
 * Safe when, for each `owner`: every state passed in is the last one this function returned for the owner (or one
 * whose map the owner never made, such as an initial state or a stored snapshot: its map is copied as usual), and no
 * earlier state of the owner's stream is used again. A state handed to anyone else must not be evolved with the owner
 * afterwards (make a new owner, or none). The write is taken back if evolve throws (the caller keeps the old state),
 * and evolve is run again the ordinary way if the result holds another map than the one written.
 */
export function evolveOwning<S extends { factsByEventId: object }>(owner: FactMapOwner, state: S, evolve: (state: S) => S): S {
  if (state.factsByEventId !== owner.map) owner.map = undefined;
  const outer = activeRun;
  const run: OwnedRun = { owner, written: undefined, made: undefined };
  activeRun = run;
  let next: S;
  try {
    next = evolve(state);
  } catch (error) {
    if (run.written) undoWrite(run.written.map, run.written);
    throw error;
  } finally {
    activeRun = outer;
  }
  const map = next.factsByEventId;
  if (run.written && map !== run.written.map) {
    // Not the shape this relies on (the new entry goes into the state's own map): undo, and evolve without owning.
    undoWrite(run.written.map, run.written);
    owner.map = undefined;
    return evolve(state);
  }
  owner.map = map === run.made || map === owner.map ? map : undefined;
  return next;
}

/** An empty plain object ({} with Object.prototype) already in V8's dictionary mode: deleting a property not added last does that. */
function dictionaryObject(): Record<string, unknown> {
  const object: Record<string, unknown> = { dictionary: 0, mode: 0 };
  delete object.dictionary;
  delete object.mode;
  return object;
}

/** Defines an own enumerable property as a spread or object literal does (an assignment of `__proto__` would set the prototype). */
function setOwn<V>(target: Record<string, V>, key: string, value: V): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
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
  factsByEventId: Record<string, { type: T; id: string }>,
  factTypes: readonly T[],
  self: { type: T; id: string | null },
): { type: T; id: string } {
  if (typeof ref !== 'object' || ref === null || typeof ref.id !== 'string' || ref.id === '') {
    throw new DomainValidationError([{ field: 'fact', message: `is required: { type, id } of the fact (type one of ${[...factTypes, 'event'].join(', ')})` }]);
  }
  if (ref.type === 'event') {
    const fact = factsByEventId[ref.id];
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
