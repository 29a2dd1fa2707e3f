import { projectEvent } from './projection-fold.js';
import { StateJson } from './state-json.js';
import { buildScenario, publishScenario } from './testing/scenario.js';

describe('StateJson', () => {
  it('writes exactly JSON.stringify of every state of every stream of the scenario, each from the one before', () => {
    const streams = new Map<string, { state: unknown; version: number; json: StateJson | undefined }>();
    let steps = 0;
    for (const event of publishScenario(buildScenario())) {
      const current = streams.get(event.streamId) ?? { state: null, version: 0, json: undefined };
      const step = projectEvent(current, event);
      if (step.outcome !== 'applied') continue;
      const json = StateJson.of(step.state, current.json);
      expect(json?.text).toBe(JSON.stringify(step.state));
      streams.set(event.streamId, { state: step.state, version: event.streamVersion, json });
      steps += 1;
    }
    // Corrections, retractions, moves and clarifications replace facts in the middle of their lists, not only append.
    expect(steps).toBeGreaterThan(30);
  });

  it('reuses the previous text for appended elements and keys, and falls back to a full stringify for any other change', () => {
    const facts = [{ id: 'a', n: 1 }, { id: 'b', n: undefined }];
    const byId: Record<string, unknown> = { e1: { id: 'a' }, skip: undefined };
    const first = { version: 1, name: 'x', facts, byId, none: undefined, fn: () => 1, list: [undefined, 2], empty: {} as Record<string, unknown>, emptyList: [] as unknown[] };
    const states: unknown[] = [
      first,
      { ...first, version: 2, facts: [...facts, { id: 'c', n: 3 }] }, // appended element
      { ...first, version: 3, byId: { ...byId, e2: { id: 'c' }, gone: undefined, e3: 'text' } }, // appended keys (one omitted)
      { ...first, facts: [facts[1], facts[0]] }, // reordered: not a prefix
      { ...first, byId: { e1: { id: 'other' }, skip: undefined } }, // a value replaced
      { ...first, byId: { skip: undefined, e1: byId.e1 } }, // same values, other key order
      { ...first, empty: { k: 1 }, emptyList: [1, undefined] }, // appended to empty containers
      { ...first, list: [undefined, 2, () => 3] }, // an appended element JSON writes as null
      { ...first, facts: facts.slice(0, 1) }, // shorter
      { ...first, when: new Date(0), byId: [] }, // toJSON; an object becoming an array
      null,
      { again: true },
    ];
    let previous: StateJson | undefined;
    for (const state of states) {
      const json = StateJson.of(state, previous);
      expect(json?.text).toBe(JSON.stringify(state));
      // Also from the first state, which shares the most with each of them.
      expect(StateJson.of(state, StateJson.of(first))?.text).toBe(JSON.stringify(state));
      previous = json;
    }
    expect(StateJson.of(undefined)).toBeUndefined();
  });
});
