import { randomUUID } from 'node:crypto';
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
});
