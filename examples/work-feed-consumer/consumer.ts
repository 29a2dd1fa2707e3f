/**
 * A downstream service's starting point: follow reelwire's work events on Kafka and keep a small "what is each
 * project called and where does it stand" table. Copy this file; it depends on kafkajs and @opentelemetry/api (which
 * does nothing until the service starts an OpenTelemetry SDK).
 *
 * The rules every consumer of reelwire needs, shown here:
 * 1. Delivery is at least once: skip an event whose streamVersion you already applied (or whose event id you saw).
 * 2. Order holds per key (stream id) only: keep your state per stream and apply versions in order.
 * 3. Unknown event types and newer schema versions are expected as reelwire grows: skip them deliberately, log them.
 * 4. Commit your own progress with your own state (here: in memory; a real service stores both in one transaction).
 * 5. Continue reelwire's trace: the `traceparent` header is the relay's publish span, in the trace of the editor's
 *    request that recorded the event, so your work shows up in the same trace.
 */
import { propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type TextMapGetter } from '@opentelemetry/api';
import { Kafka, logLevel, type EachMessagePayload, type IHeaders } from 'kafkajs';

/** kafkajs hands headers over as Buffers. */
const kafkaHeaders: TextMapGetter<IHeaders> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => {
    const value = headers[key];
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first.toString();
  },
};

export interface ProjectLine {
  workId: string;
  title: string | null;
  status: string | null;
  version: number;
}

export interface WorkFeedOptions {
  brokers: string[];
  groupId: string;
  fromBeginning?: boolean;
  onChange?: (line: ProjectLine, eventType: string) => void;
  onSkip?: (reason: string, eventType: string) => void;
}

/** The schema versions this consumer understands; anything newer is skipped until the code is updated. */
const UNDERSTOOD: Record<string, number> = { WorkRegistered: 1, WorkStatusChanged: 1, PrimaryTitleSet: 1, TitleAdded: 1 };

export async function startWorkFeed(options: WorkFeedOptions) {
  const projects = new Map<string, ProjectLine & { titles: Record<string, string> }>();
  const kafka = new Kafka({ clientId: options.groupId, brokers: options.brokers, logLevel: logLevel.ERROR });
  const consumer = kafka.consumer({ groupId: options.groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: 'reelwire.work.v1', fromBeginning: options.fromBeginning ?? true });

  const handle = async ({ message }: EachMessagePayload) => {
    const event = JSON.parse(message.value?.toString('utf8') ?? 'null') as {
      type: string;
      schemaVersion: number;
      streamId: string;
      streamVersion: number;
      data: Record<string, any>;
    } | null;
    if (!event) return options.onSkip?.('empty message', 'unknown');
    const workId = event.streamId.replace(/^work-/, '');
    const line = projects.get(workId) ?? { workId, title: null, status: null, version: 0, titles: {} };
    // Rule 1: a redelivered or already-applied version changes nothing.
    if (event.streamVersion <= line.version) return options.onSkip?.(`version ${event.streamVersion} already applied`, event.type);
    line.version = event.streamVersion;
    projects.set(workId, line);
    // Rule 3: only what this consumer understands.
    if ((UNDERSTOOD[event.type] ?? 0) < event.schemaVersion) return options.onSkip?.(`not handled: ${event.type} v${event.schemaVersion}`, event.type);
    switch (event.type) {
      case 'WorkRegistered':
        for (const title of event.data.titles) line.titles[title.titleId] = title.text;
        line.title = event.data.titles.find((title: { primary: boolean }) => title.primary)?.text ?? null;
        line.status = event.data.status;
        break;
      case 'TitleAdded':
        line.titles[event.data.titleId] = event.data.text;
        break;
      case 'PrimaryTitleSet':
        line.title = line.titles[event.data.titleId] ?? line.title;
        break;
      case 'WorkStatusChanged':
        line.status = event.data.to;
        break;
    }
    options.onChange?.({ workId, title: line.title, status: line.status, version: line.version }, event.type);
  };

  // Rule 5: each message is handled in a span continuing the trace its traceparent header carries.
  const tracer = trace.getTracer('work-feed-consumer');
  const handleInTrace = (payload: EachMessagePayload) =>
    tracer.startActiveSpan(
      `process ${payload.topic}`,
      { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': payload.topic, 'messaging.kafka.offset': Number(payload.message.offset) } },
      propagation.extract(ROOT_CONTEXT, payload.message.headers ?? {}, kafkaHeaders),
      async (span) => {
        try {
          await handle(payload);
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
          throw error;
        } finally {
          span.end();
        }
      },
    );

  await consumer.run({ eachMessage: handleInTrace });
  return {
    projects: () => [...projects.values()].map(({ titles: _titles, ...line }) => line),
    stop: () => consumer.disconnect(),
  };
}

// Run it: KAFKA_BROKERS=127.0.0.1:19092 node dist/examples/work-feed-consumer/consumer.js
if (process.argv[1]?.endsWith('consumer.js')) {
  const feed = await startWorkFeed({
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(','),
    groupId: process.env.GROUP_ID ?? 'example-work-feed',
    onChange: (line, type) => console.log(`${type.padEnd(20)} ${line.workId}  v${line.version}  ${line.status ?? '-'}  ${line.title ?? ''}`),
    onSkip: (reason, type) => console.log(`skipped ${type}: ${reason}`),
  });
  process.once('SIGINT', () => void feed.stop().then(() => process.exit(0)));
}
