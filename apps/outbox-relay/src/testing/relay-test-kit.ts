import { randomUUID } from 'node:crypto';
import kafkajs, { type Consumer, type Kafka } from 'kafkajs';
import type pg from 'pg';
import type { AggregateType } from '../../../../libs/contracts/src/streams.js';
import { TOPICS } from '../../../../libs/contracts/src/streams.js';
import type { EventToAppend } from '../../../../libs/event-store/src/event-store.types.js';
import { PostgresEventStore } from '../../../../libs/event-store/src/postgres-event-store.js';
import { createKafka, ensureTopics, reelwireTopics } from '../../../../libs/messaging/src/kafka.js';
import { fromKafkaMessage, type PublishedEvent } from '../../../../libs/messaging/src/published-event.js';

export const ALL_TOPICS = Object.values(TOPICS);
/** Test topics: 3 partitions, so several streams share a partition (the interesting case for ordering). */
export const TEST_TOPICS = reelwireTopics({ KAFKA_TOPIC_PARTITIONS: '3' });

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor<T>(check: () => T | Promise<T>, description: string, timeoutMs = 60_000, intervalMs = 25): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    await sleep(intervalMs);
  }
}

/** A quiet kafkajs client with quick retries, so a dead broker fails fast into the relay's own backoff. */
export function testKafka(brokers: string, clientId = 'outbox-relay-test'): Kafka {
  return createKafka({ brokers, clientId, logLevel: kafkajs.logLevel.NOTHING, retry: { initialRetryTime: 50, maxRetryTime: 300, retries: 3 }, connectionTimeout: 1000 });
}

export async function createTestTopics(brokers: string): Promise<void> {
  const admin = testKafka(brokers).admin();
  await admin.connect();
  try {
    await ensureTopics(admin, TEST_TOPICS);
  } finally {
    await admin.disconnect();
  }
}

const FIRST_TYPE: Record<AggregateType, string> = {
  work: 'WorkRegistered',
  organization: 'OrganizationRegistered',
  person: 'PersonRegistered',
  deal: 'DealAnnounced',
};
const LATER_TYPES: Record<AggregateType, string[]> = {
  work: ['TitleAdded', 'WorkStatusChanged', 'MilestoneRecorded', 'CompanyCreditAdded', 'TalentAttached'],
  organization: ['OrganizationNameAdded', 'OrganizationDetailsUpdated'],
  person: ['PersonNameAdded', 'PersonDetailsUpdated'],
  deal: ['DealPartyAdded', 'DealWorkAdded', 'DealStatusChanged'],
};

/** An event as the admin API would record it: actor, correlation/causation ids, a cited source, maybe occurredAt. */
export function editorialEvent(aggregate: AggregateType, version: number, overrides: Partial<EventToAppend['metadata']> = {}): EventToAppend {
  const later = LATER_TYPES[aggregate];
  const type = version === 1 ? FIRST_TYPE[aggregate] : later[version % later.length]!;
  return {
    type,
    data: { note: `${type} #${version}`, title: { text: 'Parasite', language: 'ko' }, seq: version },
    metadata: {
      eventId: randomUUID(),
      actor: { id: 'editor-7', role: 'editor' },
      correlationId: randomUUID(),
      causationId: randomUUID(),
      source: { publisher: 'Variety', url: 'https://variety.com/2024/film/news/example', language: 'en' },
      ...(version % 2 === 1 ? { occurredAt: { date: '2018-05', precision: 'month' as const } } : {}),
      ...overrides,
    },
  };
}

export interface TestStream {
  id: string;
  aggregate: AggregateType;
  version: number;
}

export function makeStreams(count: number): TestStream[] {
  const aggregates: AggregateType[] = ['work', 'deal', 'person', 'organization'];
  return Array.from({ length: count }, (_, i) => {
    const aggregate = aggregates[i % aggregates.length]!;
    return { id: `${aggregate}-${randomUUID()}`, aggregate, version: 0 };
  });
}

/** Appends `count` events (1–3 per append) to the given streams, round-robin; returns how many were appended. */
export async function appendEvents(store: PostgresEventStore, streams: TestStream[], count: number): Promise<number> {
  let appended = 0;
  let i = 0;
  while (appended < count) {
    const stream = streams[i++ % streams.length]!;
    const n = Math.min(count - appended, 1 + (i % 3));
    const events = Array.from({ length: n }, (_, k) => editorialEvent(stream.aggregate, stream.version + k + 1));
    await store.append({ id: stream.id, type: stream.aggregate }, stream.version, events);
    stream.version += n;
    appended += n;
  }
  return appended;
}

export interface Writers {
  /** Appends so far. */
  appended(): number;
  /** Failed appends (there should be none: writers only touch Postgres). */
  failures(): unknown[];
  stop(): Promise<void>;
}

/** `concurrency` loops appending to their own streams until stopped, pausing `pauseMs` between appends. */
export function startWriters(pool: pg.Pool, options: { concurrency: number; streamsEach: number; pauseMs: number }): Writers {
  const store = new PostgresEventStore(pool);
  let stopped = false;
  let appended = 0;
  const failures: unknown[] = [];
  const loops = Array.from({ length: options.concurrency }, async () => {
    const streams = makeStreams(options.streamsEach);
    while (!stopped) {
      try {
        const count = await appendEvents(store, [streams[Math.floor(Math.random() * streams.length)]!], 1 + Math.floor(Math.random() * 3));
        appended += count;
      } catch (error) {
        failures.push(error);
      }
      if (options.pauseMs) await sleep(options.pauseMs);
    }
  });
  return {
    appended: () => appended,
    failures: () => failures,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

export interface ReceivedEvent {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  headers: Record<string, string>;
  event: PublishedEvent;
}

export interface Collector {
  readonly received: ReceivedEvent[];
  stop(): Promise<void>;
}

/** A consumer group member reading every reelwire topic from the beginning, parsing each message as a PublishedEvent. */
export async function startCollector(brokers: string): Promise<Collector> {
  const kafka = testKafka(brokers, 'outbox-relay-test-consumer');
  const consumer: Consumer = kafka.consumer({
    groupId: `relay-test-${randomUUID()}`,
    sessionTimeout: 6000,
    rebalanceTimeout: 4000,
    heartbeatInterval: 100,
    maxWaitTimeInMs: 100,
    retry: { initialRetryTime: 50, maxRetryTime: 500, retries: 10 },
  });
  const received: ReceivedEvent[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: ALL_TOPICS, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) if (value !== undefined) headers[name] = String(Array.isArray(value) ? value[0] : value);
      received.push({ topic, partition, offset: message.offset, key: message.key!.toString(), headers, event: fromKafkaMessage(message) });
    },
  });
  return { received, stop: () => consumer.disconnect() };
}

/** Every event of the store, in global order (what must reach Kafka). */
export async function storedEvents(pool: pg.Pool): Promise<Array<{ eventId: string; streamId: string; streamVersion: number; globalPosition: string }>> {
  const { rows } = await pool.query<{ event_id: string; stream_id: string; stream_version: number; global_position: string }>(
    'SELECT event_id::text AS event_id, stream_id, stream_version, global_position::text AS global_position FROM events ORDER BY global_position',
  );
  return rows.map((r) => ({ eventId: r.event_id, streamId: r.stream_id, streamVersion: r.stream_version, globalPosition: r.global_position }));
}

export async function unpublishedCount(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
  return rows[0]!.n;
}

export interface OrderReport {
  /** Distinct events received / expected. */
  distinct: number;
  expected: number;
  duplicates: number;
  missing: string[];
  /** "stream v5 arrived before v4 was seen" and the like; must be empty. */
  violations: string[];
}

/**
 * The per-stream order check. For each key, in the order a consumer saw its messages: a version at or below the highest
 * seen so far is a duplicate (a re-send after a failure; it must be the same event), the next version advances, and
 * anything further ahead is a violation — an event arrived before its predecessor. At the end each stream must have
 * reached its stored version, and every stored event must have arrived.
 */
export function checkDelivery(received: ReceivedEvent[], expected: Array<{ eventId: string; streamId: string; streamVersion: number }>): OrderReport {
  const expectedIds = new Map(expected.map((e) => [`${e.streamId}#${e.streamVersion}`, e.eventId]));
  const finalVersion = new Map<string, number>();
  for (const e of expected) finalVersion.set(e.streamId, Math.max(finalVersion.get(e.streamId) ?? 0, e.streamVersion));
  const highest = new Map<string, number>();
  const seen = new Set<string>();
  const violations: string[] = [];
  let duplicates = 0;
  for (const message of received) {
    const { event } = message;
    if (message.key !== event.streamId) violations.push(`key ${message.key} ≠ streamId ${event.streamId}`);
    const slot = `${event.streamId}#${event.streamVersion}`;
    const wantedId = expectedIds.get(slot);
    if (!finalVersion.has(event.streamId)) continue; // another test's stream on a shared broker
    if (wantedId !== event.eventId) violations.push(`${slot}: event id ${event.eventId}, stored ${wantedId}`);
    const top = highest.get(event.streamId) ?? 0;
    if (event.streamVersion <= top) {
      duplicates++;
      if (!seen.has(slot)) violations.push(`${slot} arrived after v${top} without having been seen`);
    } else if (event.streamVersion === top + 1) {
      highest.set(event.streamId, event.streamVersion);
      seen.add(slot);
    } else {
      violations.push(`${event.streamId}: v${event.streamVersion} arrived before v${top + 1}`);
    }
  }
  const missing: string[] = [];
  for (const [streamId, version] of finalVersion) {
    const top = highest.get(streamId) ?? 0;
    if (top < version) missing.push(`${streamId}: reached v${top} of v${version}`);
  }
  return { distinct: seen.size, expected: expected.length, duplicates, missing, violations };
}

/** Application names of sessions holding the relay lock. */
export async function lockHolders(pool: pg.Pool, lockKey: number): Promise<string[]> {
  const { rows } = await pool.query<{ application_name: string }>(
    `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.objid = $1 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [lockKey],
  );
  return rows.map((r) => r.application_name);
}
