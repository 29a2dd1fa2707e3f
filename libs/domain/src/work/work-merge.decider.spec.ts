import type { WorkRegisteredData } from '../../../contracts/src/events/work.events.js';
import { fold } from '../shared/decider.js';
import { DomainValidationError, MergedError, RetractedError } from '../shared/errors.js';
import { testContext, withMetadata } from '../shared/testing/decider-spec.js';
import type { WorkCommand, WorkMergeCommand, WorkMoveCommand } from './work.commands.js';
import { decideWork, workDecider } from './work.decider.js';
import type { WorkEvent } from './work.events.js';
import { decideWorkMerge, workMergeStreams } from './work-merge.decider.js';
import { decideWorkMove } from './work-move.decider.js';
import type { WorkState } from './work.state.js';
import { BETTER_SOURCE, JERRYGOOD } from './work.fixtures.js';

const ORIGINAL = '0b1d2e3f-0000-4000-8000-0000000000f1';
const TWIN = '0b1d2e3f-0000-4000-8000-0000000000f2';
const THIRD = '0b1d2e3f-0000-4000-8000-0000000000f3';
const NOTE = 'Same film: KOBIS 20090103 for both';

const registered = (workId: string, text: string): WorkEvent[] => {
  const data: WorkRegisteredData = {
    workId,
    kind: 'feature-film',
    originalLanguage: 'ko',
    countries: ['KR'],
    productionYear: 2009,
    externalIds: {},
    titles: [{ titleId: `t-${workId}`, text, language: 'en', class: 'translated', primary: true }],
    status: 'released',
    statusChangeId: `sc-${workId}`,
  };
  return withMetadata<WorkEvent>([{ type: 'WorkRegistered', data }]);
};
const stateOf = (events: readonly WorkEvent[]): WorkState => fold(workDecider, events);
const merge = (workId: string, survivorId: string): WorkMergeCommand => ({ type: 'MergeWork', data: { workId, survivorId, note: NOTE, source: BETTER_SOURCE } });
const undo = (workId: string): WorkMergeCommand => ({ type: 'UndoWorkMerge', data: { workId, note: 'Two films of the same title after all', source: BETTER_SOURCE } });
const addTitle = (workId: string): WorkCommand => ({ type: 'AddTitle', data: { workId, text: '마더', language: 'ko-Kore', class: 'original', source: BETTER_SOURCE } });

function applied(decision: ReturnType<typeof decideWorkMerge>, duplicate: WorkEvent[], survivor: WorkEvent[]): [WorkEvent[], WorkEvent[]] {
  return [
    [...duplicate, ...decision[0].events],
    [...survivor, ...decision[1].events],
  ];
}

describe('merging two records of one film (one decision, two streams)', () => {
  const twin = registered(TWIN, 'Mother!');
  const original = registered(ORIGINAL, 'Mother');

  it('WorkMerged on the duplicate and WorkAbsorbed on the survivor, sharing mergeId, source and note', () => {
    const [out, into] = decideWorkMerge(merge(TWIN, ORIGINAL), stateOf(twin), stateOf(original), testContext());
    expect(out.streamId).toBe(`work-${TWIN}`);
    expect(into.streamId).toBe(`work-${ORIGINAL}`);
    expect(out.events.map((e) => [e.type, e.data])).toEqual([['WorkMerged', { workId: TWIN, survivorId: ORIGINAL, mergeId: 'id-1', note: NOTE }]]);
    expect(into.events.map((e) => [e.type, e.data])).toEqual([['WorkAbsorbed', { workId: ORIGINAL, duplicateId: TWIN, mergeId: 'id-1', note: NOTE }]]);
    expect(out.events[0]!.metadata).toMatchObject({ source: BETTER_SOURCE, note: NOTE });
  });

  it('closes the duplicate to edits and to moves in or out, naming the survivor; the survivor lists it', () => {
    const [dup, surv] = applied(decideWorkMerge(merge(TWIN, ORIGINAL), stateOf(twin), stateOf(original), testContext()), twin, original);
    expect(stateOf(dup).mergedInto).toMatchObject({ survivorId: ORIGINAL, note: NOTE });
    expect(stateOf(surv).absorbed.map((a) => a.duplicateId)).toEqual([TWIN]);
    const edit = () => decideWork(addTitle(TWIN), stateOf(dup), testContext());
    expect(edit).toThrow(MergedError);
    expect(edit).toThrow(expect.objectContaining({ survivorId: ORIGINAL }));
    expect(decideWork(addTitle(ORIGINAL), stateOf(surv), testContext())).toHaveLength(1);
    const withCredit = withMetadata<WorkEvent>([...surv, { type: 'CompanyCreditAdded', data: { workId: ORIGINAL, creditId: 'c-1', organizationId: JERRYGOOD, role: 'producer', country: 'KR' } }]);
    const moveInto: WorkMoveCommand = { type: 'MoveCompanyCredit', data: { workId: ORIGINAL, creditId: 'c-1', targetWorkId: TWIN, note: 'x', source: BETTER_SOURCE } };
    expect(() => decideWorkMove(moveInto, stateOf(withCredit), stateOf(dup), testContext())).toThrow(MergedError);
    expect(() => decideWorkMerge(merge(TWIN, ORIGINAL), stateOf(dup), stateOf(surv), testContext())).toThrow(MergedError);
  });

  it('refuses a merge into itself, into a merged work, into a retracted one, and of a work that stands for others', () => {
    const [dup, surv] = applied(decideWorkMerge(merge(TWIN, ORIGINAL), stateOf(twin), stateOf(original), testContext()), twin, original);
    const third = registered(THIRD, 'Mother');
    expect(() => decideWorkMerge(merge(TWIN, TWIN), stateOf(twin), stateOf(twin), testContext())).toThrow(DomainValidationError);
    expect(() => decideWorkMerge(merge(THIRD, TWIN), stateOf(third), stateOf(dup), testContext())).toThrow(`merge into ${ORIGINAL} instead`);
    expect(() => decideWorkMerge(merge(ORIGINAL, THIRD), stateOf(surv), stateOf(third), testContext())).toThrow(/stands for duplicates of its own/);
    const retracted = [...third, ...withMetadata<WorkEvent>([{ type: 'WorkRetracted', data: { workId: THIRD, note: 'never existed' } }])];
    expect(() => decideWorkMerge(merge(ORIGINAL, THIRD), stateOf(original), stateOf(retracted), testContext())).toThrow(/was retracted/);
    expect(() => decideWorkMerge(merge(THIRD, ORIGINAL), stateOf(retracted), stateOf(original), testContext())).toThrow(RetractedError);
    expect(() => decideWorkMerge(merge(THIRD, ORIGINAL), stateOf([]), stateOf(original), testContext())).toThrow(/No work/);
  });

  it('an undo reverses both halves with the merge id; the duplicate takes edits again', () => {
    const [dup, surv] = applied(decideWorkMerge(merge(TWIN, ORIGINAL), stateOf(twin), stateOf(original), testContext()), twin, original);
    expect(workMergeStreams(undo(TWIN), stateOf(dup))).toEqual({ duplicateId: TWIN, survivorId: ORIGINAL });
    const decision = decideWorkMerge(undo(TWIN), stateOf(dup), stateOf(surv), testContext());
    expect(decision[0].events.map((e) => [e.type, e.data])).toEqual([['WorkUnmerged', { workId: TWIN, survivorId: ORIGINAL, mergeId: 'id-1', note: 'Two films of the same title after all' }]]);
    expect(decision[1].events.map((e) => [e.type, e.data])).toEqual([['WorkAbsorptionReverted', { workId: ORIGINAL, duplicateId: TWIN, mergeId: 'id-1', note: 'Two films of the same title after all' }]]);
    const [dupAfter, survAfter] = applied(decision, dup, surv);
    expect(stateOf(dupAfter).mergedInto).toBeNull();
    expect(stateOf(survAfter).absorbed).toEqual([]);
    expect(decideWork(addTitle(TWIN), stateOf(dupAfter), testContext())).toHaveLength(1);
    expect(() => workMergeStreams(undo(TWIN), stateOf(dupAfter))).toThrow(/no merge to undo/);
  });
});
