import kafkajs, { type Consumer, type ConsumerConfig, type Kafka as KafkaClient, type KafkaConfig } from 'kafkajs';

const { Kafka, logLevel } = kafkajs;

/**
 * kafkajs set up for tests against the dev broker: quiet, quick retries, and consumer-group timings short enough
 * that a rebalance takes well under a second (kafkajs heartbeats only between fetches, so max wait stays small).
 */
export function testKafka(brokers: string, overrides: Partial<KafkaConfig> = {}): KafkaClient {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  return new Kafka({
    clientId: 'dev-broker-test',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 50, maxRetryTime: 500, retries: 10 },
    ...overrides,
  });
}

export const FAST_CONSUMER: Omit<ConsumerConfig, 'groupId'> = {
  sessionTimeout: 6000,
  rebalanceTimeout: 4000,
  heartbeatInterval: 100,
  maxWaitTimeInMs: 100,
  retry: { initialRetryTime: 50, maxRetryTime: 500, retries: 10 },
};

export interface ReceivedMessage {
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
}

export interface RunningConsumer {
  readonly consumer: Consumer;
  readonly received: ReceivedMessage[];
  /** Partitions of `topic` in the latest assignment this member got. */
  readonly assignment: () => number[];
  readonly joins: () => number;
  stop(): Promise<void>;
}

/** Starts a group member that records every message (eachMessage, or eachBatch when asked) and its assignments. */
export async function runConsumer(
  kafka: KafkaClient,
  options: { groupId: string; topic: string; fromBeginning?: boolean; mode?: 'eachMessage' | 'eachBatch'; config?: Partial<ConsumerConfig> },
): Promise<RunningConsumer> {
  const consumer = kafka.consumer({ ...FAST_CONSUMER, ...options.config, groupId: options.groupId });
  const received: ReceivedMessage[] = [];
  let assignment: number[] = [];
  let joins = 0;
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    assignment = [...(event.payload.memberAssignment[options.topic] ?? [])].sort((a, b) => a - b);
    joins++;
  });
  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: options.fromBeginning ?? true });
  const record = (partition: number, message: { offset: string; key: Buffer | null; value: Buffer | null }): void => {
    received.push({
      partition,
      offset: Number(message.offset),
      key: message.key?.toString() ?? null,
      value: message.value?.toString() ?? null,
    });
  };
  if (options.mode === 'eachBatch') {
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) record(batch.partition, message);
      },
    });
  } else {
    await consumer.run({ eachMessage: async ({ partition, message }) => record(partition, message) });
  }
  return {
    consumer,
    received,
    assignment: () => assignment,
    joins: () => joins,
    stop: () => consumer.disconnect(),
  };
}
