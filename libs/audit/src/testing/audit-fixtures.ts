import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { PostgresEventStore } from '../../../event-store/src/postgres-event-store.js';
import type { EventToAppend, StoredEvent } from '../../../event-store/src/event-store.types.js';
import { streamIdFor } from '../../../contracts/src/streams.js';
import type { DomainEvent } from '../../../domain/src/shared/decider.js';
import { workDecider } from '../../../domain/src/work/work.decider.js';
import { toPublishedEvent } from '../../../messaging/src/published-event.js';
import { applyMessage } from '../../../read-models/src/engine/pg-apply.js';
import { READ_MODELS_SCHEMA } from '../../../read-models/src/engine/pg-store.js';
import { READ_MODELS } from '../../../read-models/src/read-models.js';
import { buildScenario, uuidContext } from '../../../read-models/src/testing/scenario.js';
import { readModelSnapshot as snapshotOf } from '../../../read-models/src/testing/pg-tables.js';

const actor = { id: 'desk-audit-test', role: 'editor' as const };

function toAppend(event: DomainEvent): EventToAppend {
  return {
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: { ...event.metadata, actor, correlationId: 'corr-audit', causationId: 'cmd-audit' } as EventToAppend['metadata'],
  };
}

/** The read-models demo scenario (corrections, moves, deals), appended to the store in its decision order. */
export async function appendScenario(store: PostgresEventStore): Promise<number> {
  const scenario = buildScenario(uuidContext(randomUUID().slice(0, 8)));
  for (const [streamId, index] of scenario.order) {
    const stream = scenario.streams.get(streamId)!;
    await store.append({ id: streamId, type: stream.aggregate }, index, [toAppend(stream.events[index]!)]);
  }
  return scenario.order.length;
}

const source = { publisher: 'Variety', url: 'https://variety.com/', language: 'en' };

/** One editor's work: register a work, then move its status and record milestones, each command one append. */
export async function writeWork(store: PostgresEventStore, steps = 4): Promise<number> {
  const workId = randomUUID();
  const context = { now: new Date(), newId: () => randomUUID() };
  const streamId = streamIdFor('work', workId);
  let state = workDecider.initialState();
  let appended = 0;
  const commands = [
    {
      type: 'RegisterWork',
      data: { workId, kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], titles: [{ text: `Work ${workId.slice(0, 8)}`, language: 'en', class: 'working', primary: true }], status: 'announced', statusEffective: { date: '2020', precision: 'year' }, source },
    },
    { type: 'ChangeWorkStatus', data: { workId, to: 'in-development', effective: { date: '2021', precision: 'year' }, source } },
    { type: 'RecordMilestone', data: { workId, label: 'Script delivered', kind: 'development-start', date: { date: '2021-05', precision: 'month' }, source } },
    { type: 'ChangeWorkStatus', data: { workId, to: 'pre-production', effective: { date: '2022', precision: 'year' }, source } },
    { type: 'RecordMilestone', data: { workId, label: 'Casting began', kind: 'casting', date: { date: '2022-02', precision: 'month' }, source } },
  ];
  for (const command of commands.slice(0, steps)) {
    const events = workDecider.decide(command as never, state, context);
    await store.append({ id: streamId, type: 'work' }, state.version === 0 ? 'no-stream' : state.version, events.map(toAppend));
    state = events.reduce(workDecider.evolve, state);
    appended += events.length;
  }
  return appended;
}

/**
 * A live projector without Kafka: follows the log through the gated readAll and applies each event with the engine's
 * applyMessage into read_models (the shared apply lock, one transaction per event, with a checkpoint as the Kafka
 * projector does).
 */
export function startLiveProjector(pool: pg.Pool, options: { consumerGroup?: string } = {}) {
  const store = new PostgresEventStore(pool);
  let after = '0';
  let running = true;
  let applied = 0;
  let offset = 0;
  const loop = (async () => {
    const client = await pool.connect();
    try {
      while (running) {
        const events: StoredEvent[] = await store.readAll({ after, limit: 50 });
        for (const event of events) {
          offset += 1;
          await applyMessage(client, READ_MODELS_SCHEMA, READ_MODELS, { value: toPublishedEvent(event) }, {
            consumerGroup: options.consumerGroup ?? 'audit-test',
            topic: 'reelwire.all',
            partition: 0,
            nextOffset: String(offset),
            globalPosition: event.globalPosition,
            recordedAt: event.recordedAt,
          });
          applied += 1;
          after = event.globalPosition;
        }
        if (events.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      client.release();
    }
  })();
  return {
    get applied() {
      return applied;
    },
    get position() {
      return after;
    },
    /**
     * Resolves when every event of the log has been applied. Waits for that, not for a time: as long as the projector
     * keeps applying (on a loaded machine it applies slower), it waits; it fails when nothing was applied for
     * `stalledAfterMs` while the log is ahead (a stall), and otherwise the test's own timeout bounds it.
     */
    async caughtUp(stalledAfterMs = 60_000) {
      let progress = { applied, at: Date.now() };
      for (;;) {
        const { rows } = await pool.query<{ max: string | null }>('SELECT max(global_position)::text AS max FROM events');
        if (rows[0]!.max === null || rows[0]!.max === after) return;
        if (applied !== progress.applied) progress = { applied, at: Date.now() };
        else if (Date.now() - progress.at > stalledAfterMs) {
          throw new Error(`live projector at ${after}, log at ${rows[0]!.max}: nothing applied for ${stalledAfterMs} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}

/** Every read-model table of a schema, every row version, as sorted JSON (for comparing two databases). */
export async function readModelSnapshot(pool: pg.Pool, schema = READ_MODELS_SCHEMA): Promise<Record<string, string[]>> {
  return snapshotOf(pool, schema);
}
