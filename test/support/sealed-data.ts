import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { createKafka, REELWIRE_TOPICS } from '../../libs/messaging/src/index.js';

/** One consumed Kafka message, every byte of it as text: key, value and each header. */
export interface RawMessage {
  topic: string;
  eventId: string;
  value: Record<string, unknown>;
  bytes: string;
}

/**
 * Reads every reelwire topic from the beginning, as a new downstream service would, until each of `eventIds` has
 * arrived; answers every message read, raw.
 */
export async function readTopicsUntil(brokers: string, eventIds: readonly string[], timeoutMs = 60_000): Promise<RawMessage[]> {
  const kafka = createKafka({ brokers, clientId: 'reelwire-sealed-data-test' });
  const consumer = kafka.consumer({ groupId: `sealed-data-check-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const messages: RawMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: REELWIRE_TOPICS.map((topic) => topic.topic), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const headers = Object.entries(message.headers ?? {}).map(([name, value]) => `${name}=${String(value)}`);
        const value = JSON.parse(message.value!.toString('utf8')) as Record<string, unknown>;
        messages.push({ topic, eventId: String(value.eventId), value, bytes: [message.key?.toString('utf8'), message.value!.toString('utf8'), ...headers].join('\n') });
      },
    });
    const deadline = Date.now() + timeoutMs;
    while (!eventIds.every((id) => messages.some((m) => m.eventId === id))) {
      if (Date.now() > deadline) throw new Error(`not every event reached Kafka within ${timeoutMs} ms (${messages.length} messages read)`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

/** Every row of every table the apps keep (event store, outbox, read models, their history and bookkeeping) as text. */
export async function everyRowAsText(pool: pg.Pool, schemas = ['public', 'read_models']): Promise<Map<string, string>> {
  const { rows: tables } = await pool.query<{ schema: string; name: string }>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables WHERE table_schema = ANY($1) AND table_type = 'BASE TABLE' ORDER BY 1, 2`,
    [schemas],
  );
  const text = new Map<string, string>();
  for (const table of tables) {
    const { rows } = await pool.query<{ row: string }>(`SELECT t::text AS row FROM "${table.schema}"."${table.name}" t`);
    text.set(`${table.schema}.${table.name}`, rows.map((r) => r.row).join('\n'));
  }
  return text;
}

/** The places (table names, message descriptions…) where any of `secrets` appears, case-insensitively. */
export function whereFound(texts: Iterable<[string, string]>, secrets: readonly string[]): string[] {
  const found: string[] = [];
  for (const [place, text] of texts) {
    const lower = text.toLowerCase();
    for (const secret of secrets) if (lower.includes(secret.toLowerCase())) found.push(`${place}: ${secret}`);
  }
  return found;
}
