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
