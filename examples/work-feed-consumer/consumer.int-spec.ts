import { randomBytes, randomUUID } from 'node:crypto';
import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { Kafka, logLevel } from 'kafkajs';
import { startDevBroker, type DevBroker } from '../../libs/kafka-dev-broker/src/index.js';
import { toKafkaMessage } from '../../libs/messaging/src/index.js';
import { startWorkFeed } from './consumer.js';

/** The example a downstream team copies must itself work: against a broker, with a redelivery and an unknown event. */
describe('example work-feed consumer', () => {
  let broker: DevBroker;
  beforeAll(async () => {
    broker = await startDevBroker({ port: 0 });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('keeps each project title and status, ignores a redelivered event and skips an event type it does not know', async () => {
    const workId = randomUUID();
    const streamId = `work-${workId}`;
    const base = { streamId, streamType: 'work', schemaVersion: 1, recordedAt: new Date().toISOString() };
    const metadata = { eventId: '', actor: { id: 'dev-editor', role: 'editor' }, correlationId: 'c', causationId: 'c', source: { publisher: 'test' }, recordedAt: base.recordedAt, schemaVersion: 1 };
    const event = (streamVersion: number, type: string, data: Record<string, unknown>) => {
      const eventId = randomUUID();
      return { ...base, eventId, type, streamVersion, globalPosition: String(streamVersion), data, metadata: { ...metadata, eventId } };
    };
    const registered = event(1, 'WorkRegistered', { workId, status: 'announced', titles: [{ titleId: 't1', text: 'Sunny', language: 'en', class: 'original', primary: true }] });
    const changed = event(2, 'WorkStatusChanged', { workId, to: 'in-development', from: 'announced', statusChangeId: 's', effective: { date: '2018', precision: 'year' } });
    const unknown = event(3, 'WorkTeleported', { workId });

    const producer = new Kafka({ brokers: [broker.brokers], logLevel: logLevel.ERROR }).producer();
    await producer.connect();
    await producer.send({ topic: 'reelwire.work.v1', messages: [registered, registered, changed, unknown].map((e) => toKafkaMessage(e as never)) });
    await producer.disconnect();

    const skipped: string[] = [];
    const feed = await startWorkFeed({ brokers: [broker.brokers], groupId: `example-${workId}`, onSkip: (reason) => skipped.push(reason) });
    const deadline = Date.now() + 20_000;
    while (skipped.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await feed.stop();

    expect(feed.projects()).toEqual([{ workId, title: 'Sunny', status: 'in-development', version: 3 }]);
    expect(skipped).toEqual(['version 1 already applied', 'not handled: WorkTeleported v1']);
  });

  it("continues the trace of reelwire's traceparent header: the consumer's work is in the editor's trace", async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    provider.register();
    try {
      const workId = randomUUID();
      const recordedAt = new Date().toISOString();
      const eventId = randomUUID();
      const metadata = { eventId, actor: { id: 'dev-editor', role: 'editor' }, correlationId: 'c', causationId: 'c', source: { publisher: 'test' }, recordedAt, schemaVersion: 1 };
      const traceId = randomBytes(16).toString('hex');
      const publishSpanId = randomBytes(8).toString('hex');
      const registered = {
        streamId: `work-${workId}`, streamType: 'work', schemaVersion: 1, recordedAt, eventId, type: 'WorkRegistered', streamVersion: 1, globalPosition: '1',
        data: { workId, status: 'announced', titles: [{ titleId: 't1', text: 'Traced', language: 'en', class: 'original', primary: true }] },
        metadata: { ...metadata, traceparent: `00-${traceId}-${publishSpanId}-01` },
      };
      const producer = new Kafka({ brokers: [broker.brokers], logLevel: logLevel.ERROR }).producer();
      await producer.connect();
      await producer.send({ topic: 'reelwire.work.v1', messages: [toKafkaMessage(registered as never)] });
      await producer.disconnect();

      const seenIn: string[] = [];
      const feed = await startWorkFeed({
        brokers: [broker.brokers],
        groupId: `example-${workId}`,
        onChange: (line) => {
          if (line.workId === workId) seenIn.push(trace.getActiveSpan()?.spanContext().traceId ?? 'no trace');
        },
      });
      const deadline = Date.now() + 20_000;
      while (seenIn.length < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      await feed.stop();

      expect(seenIn).toEqual([traceId]);
      const span = exporter.getFinishedSpans().find((s) => s.spanContext().traceId === traceId);
      expect(span?.name).toBe('process reelwire.work.v1');
      expect(span?.parentSpanContext?.spanId).toBe(publishSpanId);
    } finally {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    }
  });
});
