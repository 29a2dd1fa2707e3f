import type { AddressInfo } from 'node:net';
import { createKafka } from '../../libs/messaging/src/index.js';
import { startDevBroker, type DevBroker } from '../../libs/kafka-dev-broker/src/index.js';
import { OutboxRelay } from '../../apps/outbox-relay/src/outbox-relay.js';
import { createProjector, type Projector } from '../../apps/projector/src/projector.js';
import type { AppConfig } from '../../apps/admin-api/src/config/app-config.js';
import { startTestAdminApi, type TestAdminApi } from './admin-api.js';

export interface TestPipeline {
  api: TestAdminApi;
  baseUrl: string;
  broker: DevBroker;
  relay: OutboxRelay;
  projector: Projector;
  /** Resolves once the read models reflect every event recorded so far. */
  caughtUp(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The whole path of an edit, each part real and talking over the network: admin API (HTTP) → PostgreSQL (event store
 * + outbox) → outbox relay → Kafka wire protocol (a dev broker of this file's own, so no other test's events arrive)
 * → projector → read models → query API.
 */
export async function startTestPipeline(apiConfig: Partial<AppConfig> = {}): Promise<TestPipeline> {
  const broker = await startDevBroker({ port: 0 });
  const api = await startTestAdminApi(apiConfig);
  await api.app.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
  const kafka = createKafka({ brokers: broker.brokers, clientId: 'reelwire-e2e' });
  const relay = new OutboxRelay({ pool: api.db.pool, kafka, pollIntervalMs: 50 });
  relay.start();
  const projector = createProjector({ kafka, pool: api.db.pool, consumerConfig: { maxWaitTimeInMs: 50 } });
  await projector.start();

  return {
    api,
    baseUrl,
    broker,
    relay,
    projector,
    /**
     * Waits until the read models reflect every stream at its version in the log. Not "the highest position applied
     * is the log's": the two events of a move are on two streams, in different partitions, and the later one can be
     * applied first.
     */
    async caughtUp(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { rows } = await api.db.pool.query<{ behind: number; example: string | null }>(
          `SELECT count(*)::int AS behind, min(s.stream_id) AS example FROM streams s
           LEFT JOIN read_models.projection_streams p USING (stream_id) WHERE coalesce(p.version, 0) < s.version`,
        );
        if (rows[0]!.behind === 0) return;
        if (Date.now() > deadline) throw new Error(`read models behind the log on ${rows[0]!.behind} streams (e.g. ${rows[0]!.example}) after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async close() {
      await projector.stop();
      await relay.stop();
      await api.close();
      await broker.stop();
    },
  };
}
