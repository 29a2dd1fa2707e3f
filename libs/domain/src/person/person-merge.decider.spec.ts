import { fold } from '../shared/decider.js';
import { DomainValidationError, MergedError, RetractedError } from '../shared/errors.js';
import { testContext, withMetadata } from '../shared/testing/decider-spec.js';
import type { PersonMergeCommand } from './person.commands.js';
import { decidePerson, personDecider } from './person.decider.js';
import type { PersonEvent } from './person.events.js';
import { decidePersonMerge, personMergeStreams } from './person-merge.decider.js';
import type { PersonState } from './person.state.js';

const ORIGINAL = '5eed0b00-0000-4000-8000-0000000000a1';
const TWIN = '5eed0b00-0000-4000-8000-0000000000a2';
const THIRD = '5eed0b00-0000-4000-8000-0000000000a3';
const SOURCE = { publisher: 'KOBIS' };
const NOTE = 'Same person: KOBIS 10057153 for both';

const registered = (personId: string, text: string): PersonEvent[] =>
  withMetadata<PersonEvent>([{ type: 'PersonRegistered', data: { personId, names: [{ nameId: `n-${personId}`, text, language: 'ko-Latn', primary: true }], nationalities: ['KR'], externalIds: {} } }]);
const stateOf = (events: readonly PersonEvent[]): PersonState => fold(personDecider, events);
const merge = (personId: string, survivorId: string): PersonMergeCommand => ({ type: 'MergePerson', data: { personId, survivorId, note: NOTE, source: SOURCE } });
const undo = (personId: string): PersonMergeCommand => ({ type: 'UndoPersonMerge', data: { personId, note: 'Two actors of the same name after all', source: SOURCE } });

/** Applies a two-stream decision to both streams' events, as the store appends them. */
function applied(decision: ReturnType<typeof decidePersonMerge>, duplicate: PersonEvent[], survivor: PersonEvent[]): [PersonEvent[], PersonEvent[]] {
  return [
    [...duplicate, ...decision[0].events],
    [...survivor, ...decision[1].events],
  ];
}

describe('merging two records of one person (one decision, two streams)', () => {
  const twin = registered(TWIN, 'Lee Kwang-soo');
  const original = registered(ORIGINAL, 'Lee Kwangsoo');

  it('PersonMerged on the duplicate and PersonAbsorbed on the survivor, sharing mergeId, source and note', () => {
    const [out, into] = decidePersonMerge(merge(TWIN, ORIGINAL), stateOf(twin), stateOf(original), testContext());
    expect(out.streamId).toBe(`person-${TWIN}`);
    expect(into.streamId).toBe(`person-${ORIGINAL}`);
    expect(out.events.map((e) => [e.type, e.data])).toEqual([['PersonMerged', { personId: TWIN, survivorId: ORIGINAL, mergeId: 'id-1', note: NOTE }]]);
    expect(into.events.map((e) => [e.type, e.data])).toEqual([['PersonAbsorbed', { personId: ORIGINAL, duplicateId: TWIN, mergeId: 'id-1', note: NOTE }]]);
    expect(out.events[0]!.metadata).toMatchObject({ source: SOURCE, note: NOTE });
  });

  it('closes the duplicate to edits, naming the survivor; the survivor lists it', () => {
    const [dup, surv] = applied(decidePersonMerge(merge(TWIN, ORIGINAL), stateOf(twin), stateOf(original), testContext()), twin, original);
    expect(stateOf(dup).mergedInto).toMatchObject({ survivorId: ORIGINAL, note: NOTE });
    expect(stateOf(surv).absorbed.map((a) => a.duplicateId)).toEqual([TWIN]);
    const edit = () => decidePerson({ type: 'UpdatePersonDetails', data: { personId: TWIN, changes: { birthYear: 1985 }, source: SOURCE } }, stateOf(dup), testContext());
    expect(edit).toThrow(MergedError);
    expect(edit).toThrow(expect.objectContaining({ survivorId: ORIGINAL }));
    // merged once is enough
    expect(() => decidePersonMerge(merge(TWIN, ORIGINAL), stateOf(dup), stateOf(surv), testContext())).toThrow(MergedError);
  });

  it('refuses a merge into itself, into a merged record, into a retracted one, and of a record that stands for others', () => {
    const [dup, surv] = applied(decidePersonMerge(merge(TWIN, ORIGINAL), stateOf(twin), stateOf(original), testContext()), twin, original);
    const third = registered(THIRD, 'Lee Kwang Soo');
    expect(() => decidePersonMerge(merge(TWIN, TWIN), stateOf(twin), stateOf(twin), testContext())).toThrow(DomainValidationError);
    expect(() => decidePersonMerge(merge(THIRD, TWIN), stateOf(third), stateOf(dup), testContext())).toThrow(/merge into 5eed0b00-0000-4000-8000-0000000000a1 instead/);
    expect(() => decidePersonMerge(merge(ORIGINAL, THIRD), stateOf(surv), stateOf(third), testContext())).toThrow(/stands for duplicates of its own/);
    const retracted = [...third, ...withMetadata<PersonEvent>([{ type: 'PersonRetracted', data: { personId: THIRD, note: 'not a person' } }])];
    expect(() => decidePersonMerge(merge(ORIGINAL, THIRD), stateOf(original), stateOf(retracted), testContext())).toThrow(/was retracted/);
    expect(() => decidePersonMerge(merge(THIRD, ORIGINAL), stateOf(retracted), stateOf(original), testContext())).toThrow(RetractedError);
    expect(() => decidePersonMerge(merge(THIRD, ORIGINAL), stateOf([]), stateOf(original), testContext())).toThrow(/No person/);
  });

  it('an undo reverses both halves with the merge id; both records take edits again', () => {
    const [dup, surv] = applied(decidePersonMerge(merge(TWIN, ORIGINAL), stateOf(twin), stateOf(original), testContext()), twin, original);
    expect(personMergeStreams(undo(TWIN), stateOf(dup))).toEqual({ duplicateId: TWIN, survivorId: ORIGINAL });
    const decision = decidePersonMerge(undo(TWIN), stateOf(dup), stateOf(surv), testContext());
    expect(decision[0].events.map((e) => [e.type, e.data])).toEqual([['PersonUnmerged', { personId: TWIN, survivorId: ORIGINAL, mergeId: 'id-1', note: 'Two actors of the same name after all' }]]);
    expect(decision[1].events.map((e) => [e.type, e.data])).toEqual([['PersonAbsorptionReverted', { personId: ORIGINAL, duplicateId: TWIN, mergeId: 'id-1', note: 'Two actors of the same name after all' }]]);
    const [dupAfter, survAfter] = applied(decision, dup, surv);
    expect(stateOf(dupAfter).mergedInto).toBeNull();
    expect(stateOf(survAfter).absorbed).toEqual([]);
    expect(decidePerson({ type: 'UpdatePersonDetails', data: { personId: TWIN, changes: { birthYear: 1985 }, source: SOURCE } }, stateOf(dupAfter), testContext())).toHaveLength(1);
    expect(() => personMergeStreams(undo(TWIN), stateOf(dupAfter))).toThrow(/no merge to undo/);
  });
});
