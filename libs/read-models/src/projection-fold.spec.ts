import type { PublishedEvent } from '../../contracts/src/published-event.js';
import { projectEvent, ProjectionFold, type FoldedSnapshot } from './projection-fold.js';
import { buildScenario, publishScenario } from './testing/scenario.js';

const scenario = () => publishScenario(buildScenario());

/** Each stream's last version in a list of events. */
function lastVersions(events: readonly PublishedEvent[]): Map<string, number> {
  const last = new Map<string, number>();
  for (const event of events) last.set(event.streamId, Math.max(last.get(event.streamId) ?? 0, event.streamVersion));
  return last;
}

describe('ProjectionFold', () => {
  it('with lastVersions, hands each stream over once its last event is folded, as the whole fold leaves it', () => {
    const events = scenario();
    const whole = new ProjectionFold();
    whole.add(events);
    const finished = new Map<string, FoldedSnapshot>();
    const streaming = new ProjectionFold({ lastVersions: lastVersions(events), onFinished: (id, snapshot) => finished.set(id, snapshot) });
    streaming.add(events);
    expect(streaming.streams.size).toBe(0);
    expect([...finished.keys()].sort()).toEqual([...whole.streams.keys()].sort());
    for (const [id, snapshot] of whole.streams) expect(finished.get(id)).toEqual(snapshot);
    expect([streaming.applied, streaming.skipped, streaming.deadLettered]).toEqual([whole.applied, whole.skipped, whole.deadLettered]);
  });

  it('a finished stream that gets another event is reopened: not folded further, and forget takes its counts back', () => {
    const events = scenario();
    const last = lastVersions(events);
    const [streamId, version] = [...last].find(([, v]) => v >= 2)!;
    const early = new ProjectionFold({ lastVersions: new Map([...last, [streamId, version - 1]]), onFinished: () => undefined });
    early.add(events);
    expect([...early.reopened]).toEqual([streamId]);
    expect(early.finished.get(streamId)?.applied).toBe(version - 1);
    const applied = early.applied;
    early.forget([streamId]);
    expect(early.applied).toBe(applied - (version - 1));
    expect(early.finished.has(streamId) || early.reopened.has(streamId)).toBe(false);
  });

  it('writing fact maps in place, folds every state exactly as evolve does, and never changes a state anyone else has seen', () => {
    const events = scenario();
    // The plain rule, one copy of the fact map per event, every state kept: each stream's states in order.
    const plain = new Map<string, { state: unknown; version: number }>();
    const states: Array<{ streamId: string; state: unknown; json: string; keys: string[] }> = [];
    for (const event of events) {
      const step = projectEvent(plain.get(event.streamId), event);
      if (step.outcome !== 'applied') continue;
      plain.set(event.streamId, { state: step.state, version: event.streamVersion });
      const facts = (step.state as { factsByEventId: object }).factsByEventId;
      states.push({ streamId: event.streamId, state: step.state, json: JSON.stringify(step.state), keys: Object.keys(facts) });
    }
    // The fold, looked at after every event (which hands the open states out) and, separately, only at the end.
    const watched = new ProjectionFold();
    const seen: Array<{ state: unknown; json: string }> = [];
    for (const event of events) {
      watched.add([event]);
      const state = watched.streams.get(event.streamId)?.state;
      if (state) seen.push({ state, json: JSON.stringify(state) });
    }
    const unwatched = new ProjectionFold();
    unwatched.add(events);
    for (const [id, { state }] of plain) {
      expect(JSON.stringify(unwatched.streams.get(id)?.state)).toBe(JSON.stringify(state));
      expect(Object.keys((unwatched.streams.get(id)?.state as { factsByEventId: object }).factsByEventId)).toEqual(Object.keys((state as { factsByEventId: object }).factsByEventId));
      expect(unwatched.streams.get(id)?.state).toEqual(state);
    }
    expect(unwatched.streams).toEqual(watched.streams);
    // Nothing folded later changed a state already seen, by the plain rule or through `streams`.
    for (const { state, json, keys } of states) {
      expect(JSON.stringify(state)).toBe(json);
      expect(Object.keys((state as { factsByEventId: object }).factsByEventId)).toEqual(keys);
    }
    for (const { state, json } of seen) expect(JSON.stringify(state)).toBe(json);
  });

  it("folds the same states from events without their metadata: evolve reads only the event id (the log reader relies on it)", () => {
    const events = scenario();
    const full = new ProjectionFold();
    full.add(events);
    const bare = new ProjectionFold();
    bare.add(events.map((event) => ({ ...event, metadata: {} as PublishedEvent['metadata'] })));
    expect(bare.streams).toEqual(full.streams);
    expect(bare.deadLetters.length).toBe(full.deadLetters.length);
  });
});
