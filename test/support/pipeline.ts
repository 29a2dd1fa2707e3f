import type { AddressInfo } from 'node:net';
import { createKafka } from '../../libs/messaging/src/index.js';
import { startDevBroker, type DevBroker } from '../../libs/kafka-dev-broker/src/index.js';
import { OutboxRelay } from '../../apps/outbox-relay/src/outbox-relay.js';
import { createProjector, type Projector } from '../../apps/projector/src/projector.js';
import type { AppConfig } from '../../apps/admin-api/src/config/app-config.js';
import { startTestAdminApi, type TestAdminApi } from './admin-api.js';
import { readModelsCaughtUp } from './read-models-caught-up.js';

export interface TestPipeline {
  api: TestAdminApi;
  baseUrl: string;
  broker: DevBroker;
  relay: OutboxRelay;
  projector: Projector;
  /** Resolves once the read models reflect every event recorded so far (see readModelsCaughtUp). */
  caughtUp(stalledAfterMs?: number): Promise<void>;
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
    caughtUp(stalledAfterMs?: number) {
      return readModelsCaughtUp(api.db.pool, stalledAfterMs);
    },
    async close() {
      await projector.stop();
      await relay.stop();
      await api.close();
      await broker.stop();
    },
  };
}
