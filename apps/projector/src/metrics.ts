import type { Admin } from 'kafkajs';
import type pg from 'pg';
import client from 'prom-client';
import { loadCheckpoints } from '../../../libs/read-models/src/engine/pg-store.js';

/**
 * The read models the projector keeps. They are applied by one consumer in one transaction per event, so they share
 * one position: every projection label reports the same lag.
 */
export const PROJECTIONS = ['project_status', 'timeline', 'company_portfolio', 'remake_map', 'person_attachments', 'lookups'] as const;

export interface ProjectorMetrics {
  registry: client.Registry;
  applied: client.Counter<'outcome'>;
  deadLetters: client.Counter<'projection' | 'reason'>;
  /** Recomputes lag from Kafka's high watermarks and the Postgres checkpoints (also done on every scrape). */
  refreshLag(): Promise<void>;
}

export function createProjectorMetrics(options: { admin: Admin; pool: pg.Pool; schema: string; groupId: string; topics: readonly string[] }): ProjectorMetrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'reelwire_projector_' });
  const applied = new client.Counter({ name: 'reelwire_projector_applied_total', help: 'Messages handled by the projector, by outcome (applied, skipped, dead-lettered)', labelNames: ['outcome'], registers: [registry] });
  const deadLetters = new client.Counter({ name: 'reelwire_dead_letters_total', help: 'Events a projection could not apply (see read_models.dead_letters)', labelNames: ['projection', 'reason'], registers: [registry] });
  let lagEvents = 0;
  let lagSeconds = 0;
  const refreshLag = async () => {
    const checkpoints = await loadCheckpoints(options.pool, options.schema, options.groupId);
    const byPartition = new Map(checkpoints.map((c) => [`${c.topic}/${c.partition}`, c]));
    let events = 0;
    let seconds = 0;
    for (const topic of options.topics) {
      const offsets = await options.admin.fetchTopicOffsets(topic).catch(() => []);
      for (const o of offsets) {
        const checkpoint = byPartition.get(`${topic}/${o.partition}`);
        const behind = Number(BigInt(o.high) - BigInt(checkpoint?.nextOffset ?? o.low));
        if (behind <= 0) continue;
        events += behind;
        // Upper bound: the oldest unapplied event was recorded after the last applied one.
        if (checkpoint?.lastRecordedAt) seconds = Math.max(seconds, (Date.now() - checkpoint.lastRecordedAt.getTime()) / 1000);
      }
    }
    lagEvents = events;
    lagSeconds = seconds;
  };
  new client.Gauge({
    name: 'reelwire_projector_lag_events',
    help: 'Events on Kafka not yet applied to the read models (high watermark minus the Postgres checkpoint)',
    labelNames: ['projection'],
    registers: [registry],
    async collect() {
      await refreshLag().catch(() => undefined);
      for (const projection of PROJECTIONS) this.set({ projection }, lagEvents);
    },
  });
  new client.Gauge({
    name: 'reelwire_projector_lag_seconds',
    help: 'Age of the projection when it is behind: now minus recordedAt of the last applied event (0 when caught up)',
    labelNames: ['projection'],
    registers: [registry],
    collect() {
      for (const projection of PROJECTIONS) this.set({ projection }, lagSeconds);
    },
  });
  return { registry, applied, deadLetters, refreshLag };
}
