/**
 * Given / when / then for read models: events go through the real engine into the in-memory store, then the test
 * reads a table's rows (now, or as of a position). Used by every model's unit tests.
 */
import type { PublishedEvent } from '../../../../contracts/src/published-event.js';
import { ProjectionEngine } from '../engine.js';
import { MemoryProjectionStore } from '../memory-store.js';
import type { Projection, Row } from '../projection.js';

export interface ProjectionSpec {
  store: MemoryProjectionStore;
  /** Open rows of `table` (as of `position` when given): row values only, ordered by stream and key. */
  rows(table: string, position?: number): Row[];
  /** Same, with each row's stream and key. */
  keyed(table: string, position?: number): { stream: string; key: string; row: Row }[];
  when(...events: PublishedEvent[]): Promise<ProjectionSpec>;
}

/**
 * Applies `events` one run per event (`runSize` 1, the default: every event's reads come from the store, which is
 * where a handler that forgets to declare a read fails) or in runs of `runSize`.
 */
export async function givenEvents(projections: Projection | readonly Projection[], events: readonly PublishedEvent[], runSize = 1): Promise<ProjectionSpec> {
  const store = new MemoryProjectionStore(new ProjectionEngine(Array.isArray(projections) ? projections : [projections as Projection]));
  await store.applyEvents(events, runSize);
  const spec: ProjectionSpec = {
    store,
    keyed: (table, position) => store.rowsAt(table, position),
    rows: (table, position) => store.rowsAt(table, position).map((r) => r.row),
    when: async (...more) => {
      await store.applyEvents(more, runSize);
      return spec;
    },
  };
  return spec;
}

/**
 * As-of reads equal a replay: for every position of `events` (in log order), `view(store, position)` of the store that
 * holds the whole log equals `view(replay)` of a store fed exactly the events up to that position.
 *
 * One store steps through the log an event at a time, rather than a fresh store fed each prefix: that made these checks
 * quadratic in the log's length, the bulk of the unit project's time. So that stepping cannot hide a difference
 * between one event per run and a single run, a fresh store is fed the whole prefix in one run at `freshChecks`
 * positions spread over the log, the last one included.
 */
export async function expectAsOfEqualsReplay<View>(
  projections: Projection | readonly Projection[],
  full: MemoryProjectionStore,
  events: readonly PublishedEvent[],
  view: (store: MemoryProjectionStore, position?: number) => View,
  freshChecks = 4,
): Promise<void> {
  const engineOf = () => new ProjectionEngine(Array.isArray(projections) ? projections : [projections as Projection]);
  const positions = events.map((event) => Number(event.globalPosition));
  positions.forEach((position, i) => {
    if (i > 0 && position <= positions[i - 1]) throw new Error(`the log is not in position order at ${position}`);
  });
  const stride = Math.max(1, Math.ceil(events.length / freshChecks));
  const stepping = new MemoryProjectionStore(engineOf());
  for (const [i, event] of events.entries()) {
    const position = positions[i];
    await stepping.applyEvents([event], 1);
    expect({ position, rows: view(full, position) }).toEqual({ position, rows: view(stepping) });
    if ((i + 1) % stride === 0 || i === events.length - 1) {
      const fresh = new MemoryProjectionStore(engineOf());
      await fresh.applyEvents(events.slice(0, i + 1), i + 1);
      expect({ position, oneRun: view(full, position) }).toEqual({ position, oneRun: view(fresh) });
    }
  }
}
