import { randomBytes, randomUUID } from 'node:crypto';
import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Kafka } from 'kafkajs';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { workDecider } from '../../../libs/domain/src/work/work.decider.js';
import { startDevBroker, type DevBroker } from '../../../libs/kafka-dev-broker/src/index.js';
import { FAST_CONSUMER, testKafka } from '../../../libs/kafka-dev-broker/src/testing/kafkajs-test-kit.js';
import { waitFor } from '../../../libs/kafka-dev-broker/src/testing/wait-for.js';
import { toKafkaMessage } from '../../../libs/messaging/src/published-event.js';
import { publishScenario, uuidContext, type Scenario } from '../../../libs/read-models/src/testing/scenario.js';
import { createProjector, type Projector } from './projector.js';

/**
 * An operator follows edits into the read models: the projector's apply span continues the trace each message carries
 * (its traceparent header). A transaction that applies messages of several edits belongs to none of their traces, so
 * it starts its own and links to each; a transaction of one edit's messages is a child of that edit's span.
 */
describe('projector apply spans continue the traces of the messages', () => {
  let broker: DevBroker;
  let kafka: Kafka;
  let db: TestDatabase;
  let projector: Projector | undefined;
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const topic = 'traced.reelwire.work.v1';

  beforeAll(async () => {
    provider.register();
    broker = await startDevBroker({ port: 0 });
    kafka = testKafka(broker.brokers);
    db = await createTestDatabase();
    const admin = kafka.admin();
    await admin.connect();
    // One partition: the messages produced together arrive in one batch and are applied in one transaction.
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();
  });

  afterAll(async () => {
    await projector?.stop();
    await broker?.stop();
    await db?.drop();
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  /** A work registered by an edit traced as `traceparent`, as the relay publishes it. */
  const tracedRegistration = (title: string, position: number, traceparent: string) => {
    const workId = randomUUID();
    const events = workDecider.decide(
      { type: 'RegisterWork', data: { workId, kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], titles: [{ text: title, language: 'en', class: 'working' }], source: { publisher: 'Test Wire' } } },
      workDecider.initialState(),
      uuidContext(`e${String(position).padStart(7, '0')}`),
    );
    const scenario: Scenario = { streams: new Map([[`work-${workId}`, { aggregate: 'work', streamId: `work-${workId}`, events }]]), order: [[`work-${workId}`, 0]] };
    const [event] = publishScenario(scenario);
    return toKafkaMessage({ ...event!, globalPosition: String(position), metadata: { ...event!.metadata, traceparent } });
  };
  const newTraceparent = () => ({ traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') });
  const send = async (messages: ReturnType<typeof tracedRegistration>[]) => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages });
    await producer.disconnect();
  };
  const applySpans = () => exporter.getFinishedSpans().filter((span) => span.name === 'projector apply');

  it('links a transaction of two edits to both traces, and makes the apply of one edit a child of its span', async () => {
    const first = newTraceparent();
    const second = newTraceparent();
    await send([tracedRegistration('First', 1, `00-${first.traceId}-${first.spanId}-01`), tracedRegistration('Second', 2, `00-${second.traceId}-${second.spanId}-01`)]);
    let applied = 0;
    projector = createProjector({ kafka, pool: db.pool, groupId: 'traced', topics: [topic], consumerConfig: FAST_CONSUMER, onOutcome: () => (applied += 1) });
    await projector.start();
    await waitFor(() => applied === 2, 'both registrations applied', 30_000);

    expect(applySpans()).toHaveLength(1);
    const shared = applySpans()[0]!;
    expect(shared.parentSpanContext).toBeUndefined();
    expect(shared.links.map((link) => [link.context.traceId, link.context.spanId])).toEqual([
      [first.traceId, first.spanId],
      [second.traceId, second.spanId],
    ]);
    expect(shared.attributes['messaging.batch.message_count']).toBe(2);

    const third = newTraceparent();
    await send([tracedRegistration('Third', 3, `00-${third.traceId}-${third.spanId}-01`)]);
    await waitFor(() => applied === 3, 'the third registration applied', 30_000);
    const alone = applySpans().find((span) => span.spanContext().traceId === third.traceId);
    expect(alone?.parentSpanContext?.spanId).toBe(third.spanId);
    expect(alone?.links).toEqual([]);
  });
});
