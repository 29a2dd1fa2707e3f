import { streamIdFor } from '../../../contracts/src/streams.js';
import type { DecideContext, DomainEvent, FixFields, StreamEvents } from './decider.js';
import { AggregateNotFoundError, MergedError, RetractedError } from './errors.js';
import { compact, type EditorialNote } from './facts.js';
import { check, validationError, Violations } from './validation.js';

/**
 * Merging two records found to be the same person, company or work: ONE decision over two streams, like a move between
 * works. The duplicate's stream gets `<Noun>Merged` (it now points to the survivor and takes no further edits),
 * the survivor's `<Noun>Absorbed` (it now stands for the duplicate too); both share `mergeId`, the source and the
 * note, and are appended in one transaction. Undoing it (the merge was wrong) is the same pair the other way:
 * `<Noun>Unmerged` and `<Noun>AbsorptionReverted`. Nothing is deleted: the duplicate's events stay in its stream.
 *
 * Chains are refused rather than followed: a survivor must not itself be merged, and a record that stands for
 * duplicates cannot be merged away (merge those into the new survivor first, or undo them), so a reference resolves
 * in one step at every moment, and as-of reads need no recursion.
 */
export interface MergeState {
  mergedInto: (EditorialNote & { survivorId: string; mergeId: string }) | null;
  /** The duplicates this record stands for, in merge order. */
  absorbed: { duplicateId: string; mergeId: string; eventId: string }[];
}

export const NOT_MERGED: MergeState = { mergedInto: null, absorbed: [] };

/** What a merge needs to know of either record: its id once registered, whether withdrawn, and its merges. */
export interface MergeableState extends MergeState {
  id: string | null;
  withdrawn: EditorialNote | null;
}

export type MergeAggregate = 'person' | 'organization' | 'work';
const NOUNS: Record<MergeAggregate, string> = { person: 'Person', organization: 'Organization', work: 'Work' };
const ID_FIELDS: Record<MergeAggregate, string> = { person: 'personId', organization: 'organizationId', work: 'workId' };

/** Merge the record `data[idField]` (the duplicate) into `survivorId`. */
export type MergeData = FixFields & { survivorId: string };
/** Undo the merge of the record `data[idField]` into its survivor. */
export type UndoMergeData = FixFields;

/** A merged record refuses every command but the undo of its merge: answered with the survivor's id. */
export function refuseIfMerged(aggregate: MergeAggregate, id: string, state: MergeState): void {
  if (state.mergedInto) throw new MergedError(aggregate, id, state.mergedInto.survivorId);
}

function emitter(aggregate: MergeAggregate, context: DecideContext, fields: FixFields) {
  return (suffix: string, data: Record<string, unknown>): DomainEvent =>
    ({
      type: `${NOUNS[aggregate]}${suffix}`,
      data: compact({ ...data, note: fields.note }),
      metadata: compact({ eventId: context.newId(), source: fields.source, occurredAt: fields.occurredAt, note: fields.note }),
    }) as DomainEvent;
}

function pair(aggregate: MergeAggregate, duplicateId: string, survivorId: string, duplicateEvent: DomainEvent, survivorEvent: DomainEvent): [StreamEvents<DomainEvent>, StreamEvents<DomainEvent>] {
  return [
    { aggregate, streamId: streamIdFor(aggregate, duplicateId), events: [duplicateEvent] },
    { aggregate, streamId: streamIdFor(aggregate, survivorId), events: [survivorEvent] },
  ];
}

function requireRegistered(aggregate: MergeAggregate, id: string, state: MergeableState): void {
  if (state.id === null) throw new AggregateNotFoundError(aggregate, id);
  if (state.id !== id) throw validationError(ID_FIELDS[aggregate], `the command is for ${id} but the state loaded is ${state.id}`);
}

/** Returns [duplicate's stream events, survivor's stream events]. */
export function decideMerge(
  aggregate: MergeAggregate,
  duplicateId: string,
  data: MergeData,
  duplicate: MergeableState,
  survivor: MergeableState,
  context: DecideContext,
): [StreamEvents<DomainEvent>, StreamEvents<DomainEvent>] {
  const v = new Violations();
  check.fixFields(v, data);
  check.aggregateId(v, duplicateId, ID_FIELDS[aggregate]);
  check.aggregateId(v, data.survivorId, 'survivorId');
  v.throwIfAny();
  if (duplicateId === data.survivorId) throw validationError('survivorId', `must be another ${aggregate} than the duplicate`);
  requireRegistered(aggregate, duplicateId, duplicate);
  refuseIfMerged(aggregate, duplicateId, duplicate);
  if (duplicate.withdrawn) throw new RetractedError(aggregate, duplicateId, duplicate.withdrawn);
  if (survivor.id === null) throw validationError('survivorId', `no ${aggregate} with id ${data.survivorId}`);
  if (survivor.mergedInto) {
    throw validationError('survivorId', `${data.survivorId} was itself merged into ${survivor.mergedInto.survivorId}: merge into ${survivor.mergedInto.survivorId} instead`);
  }
  if (survivor.withdrawn) throw validationError('survivorId', `${data.survivorId} was retracted (${survivor.withdrawn.note}): it cannot stand for another record`);
  if (duplicate.absorbed.length > 0) {
    const ids = duplicate.absorbed.map((a) => a.duplicateId).join(', ');
    throw validationError(ID_FIELDS[aggregate], `${duplicateId} stands for duplicates of its own (${ids}): merge ${data.survivorId} into ${duplicateId} instead, or undo those merges first`);
  }
  const mergeId = context.newId();
  const emit = emitter(aggregate, context, data);
  const idField = ID_FIELDS[aggregate];
  return pair(
    aggregate,
    duplicateId,
    data.survivorId,
    emit('Merged', { [idField]: duplicateId, survivorId: data.survivorId, mergeId }),
    emit('Absorbed', { [idField]: data.survivorId, duplicateId, mergeId }),
  );
}

/** The survivor of a merged record, for the undo: its stream is the second one the undo appends to. */
export function survivorOf(aggregate: MergeAggregate, duplicateId: string, duplicate: MergeableState): string {
  requireRegistered(aggregate, duplicateId, duplicate);
  if (!duplicate.mergedInto) throw validationError(ID_FIELDS[aggregate], `${duplicateId} is not merged into another ${aggregate}: there is no merge to undo`);
  return duplicate.mergedInto.survivorId;
}

/** Returns [duplicate's stream events, survivor's stream events]. */
export function decideUndoMerge(
  aggregate: MergeAggregate,
  duplicateId: string,
  data: UndoMergeData,
  duplicate: MergeableState,
  survivor: MergeableState,
  context: DecideContext,
): [StreamEvents<DomainEvent>, StreamEvents<DomainEvent>] {
  const v = new Violations();
  check.fixFields(v, data);
  v.throwIfAny();
  const survivorId = survivorOf(aggregate, duplicateId, duplicate);
  const merge = duplicate.mergedInto!;
  if (survivor.id !== survivorId || !survivor.absorbed.some((a) => a.mergeId === merge.mergeId)) {
    throw new Error(`${aggregate} ${survivorId} does not record absorbing ${duplicateId} (merge ${merge.mergeId}): the two streams disagree`);
  }
  const emit = emitter(aggregate, context, data);
  const idField = ID_FIELDS[aggregate];
  return pair(
    aggregate,
    duplicateId,
    survivorId,
    emit('Unmerged', { [idField]: duplicateId, survivorId, mergeId: merge.mergeId }),
    emit('AbsorptionReverted', { [idField]: survivorId, duplicateId, mergeId: merge.mergeId }),
  );
}

/** The merge events' effect on a record's state (evolve's part for the four merge event types). */
export function evolveMerge(aggregate: MergeAggregate, state: MergeState, event: DomainEvent): MergeState {
  const data = event.data as { survivorId?: string; duplicateId?: string; mergeId: string; note: string };
  const eventId = event.metadata.eventId;
  switch (event.type.slice(NOUNS[aggregate].length)) {
    case 'Merged':
      return { ...state, mergedInto: { survivorId: data.survivorId!, mergeId: data.mergeId, note: data.note, eventId } };
    case 'Unmerged':
      return { ...state, mergedInto: null };
    case 'Absorbed':
      return { ...state, absorbed: [...state.absorbed, { duplicateId: data.duplicateId!, mergeId: data.mergeId, eventId }] };
    case 'AbsorptionReverted':
      return { ...state, absorbed: state.absorbed.filter((a) => a.mergeId !== data.mergeId) };
    default:
      throw new Error(`${event.type} is not a ${aggregate} merge event`);
  }
}

/** A merge or its undo, as each kind's commands carry it: the duplicate's id under the kind's id field. */
export interface MergeCommandOf {
  type: string;
  data: UndoMergeData & { survivorId?: string };
}

/**
 * One kind's merge decider, the same for people, companies and works but for the kind, its merge command's type and
 * how its state shows merges: `streams` names the two streams a command changes (the duplicate's, then the
 * survivor's; an undo names only the duplicate, so its survivor is read from the duplicate's state), `decide` returns
 * [duplicate's stream events, survivor's stream events], appended together.
 */
export function mergeDeciderOf<State, Command extends MergeCommandOf, Event extends DomainEvent>(
  aggregate: MergeAggregate,
  mergeType: Command['type'],
  mergeable: (state: State) => MergeableState,
) {
  const duplicateIdOf = (command: Command) => (command.data as unknown as Record<string, string>)[ID_FIELDS[aggregate]]!;
  return {
    streams(command: Command, duplicate: State): { duplicateId: string; survivorId: string } {
      const duplicateId = duplicateIdOf(command);
      return { duplicateId, survivorId: command.type === mergeType ? command.data.survivorId! : survivorOf(aggregate, duplicateId, mergeable(duplicate)) };
    },
    decide(command: Command, duplicate: State, survivor: State, context: DecideContext): [StreamEvents<Event>, StreamEvents<Event>] {
      const decided =
        command.type === mergeType
          ? decideMerge(aggregate, duplicateIdOf(command), command.data as MergeData, mergeable(duplicate), mergeable(survivor), context)
          : decideUndoMerge(aggregate, duplicateIdOf(command), command.data, mergeable(duplicate), mergeable(survivor), context);
      return decided as [StreamEvents<Event>, StreamEvents<Event>];
    },
  };
}
