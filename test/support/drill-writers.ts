import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { createKafka, REELWIRE_TOPICS } from '../../libs/messaging/src/kafka.js';

/*
 * The writers of the fault drills (test/postgres-restart.e2e-spec.ts, test/broker-outage.e2e-spec.ts): editors who
 * write through the admin API as a careful client does while the infrastructure under it fails, and a tally of what
 * the API acknowledged, to be checked against the events table, Kafka and the read models afterwards.
 */

export const EDITOR = { Authorization: 'Bearer dev-editor-key', 'Content-Type': 'application/json' };
export const AUDITOR = { Authorization: 'Bearer dev-auditor-key' };

export type Answer = { status: number; retryAfter: string | null; contentType: string | null; body: unknown };

export interface Tally {
  /** Answers by status code, every attempt counted (a 503 then its retry's 201 are two). */
  statuses: Map<number, number>;
  /** Events of acknowledged writes, by stream: what the API said it recorded. */
  acknowledged: Map<string, string[]>;
  /** Works the API acknowledged registering. */
  works: string[];
  /** Answers that are neither a success nor a 503 (each one fails the test), and 503s that were not problem+json. */
  unexpected: string[];
  /** Requests that got no HTTP answer at all (the API gone). */
  transportErrors: string[];
  acks: number;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 50 ms until it holds; fails with `what` after `timeoutMs`. Returns how long it took. */
export async function waitUntil(what: string, condition: () => Promise<boolean> | boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await condition()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(50);
  }
}

/** An empty tally. */
export const newTally = (): Tally => ({ statuses: new Map(), acknowledged: new Map(), works: [], unexpected: [], transportErrors: [], acks: 0 });

/**
 * The drill's client of the API at `baseUrl()` (read at each call: the test learns it once the API listens); `label`
 * names the drill in the titles and the cited source.
 */
export function drillClient(baseUrl: () => string, label: string) {
  const SOURCE = { publisher: `reelwire ${label.toLowerCase()} drill` };

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = EDITOR): Promise<Answer> {
    const response = await fetch(`${baseUrl()}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* kept as text */
    }
    return { status: response.status, retryAfter: response.headers.get('retry-after'), contentType: response.headers.get('content-type'), body: parsed };
  }

  /**
   * Sends one write until it is acknowledged, as a careful client does: a 503 is retried after its Retry-After with
   * the same Idempotency-Key (so a write that was recorded although its answer was a 503 is answered, not recorded
   * twice). Returns the events the API says it recorded, or undefined after an answer that fails the test or when told
   * to stop before an answer came (a write never acknowledged is not counted).
   */
  async function write(tally: Tally, path: string, body: unknown, stop: () => boolean): Promise<{ id: string; streamId: string } | undefined> {
    const key = randomUUID();
    for (;;) {
      let answer: Answer;
      try {
        answer = await call('POST', path, body, { ...EDITOR, 'Idempotency-Key': key });
      } catch (error) {
        tally.transportErrors.push(`${path}: ${(error as Error).message}`);
        if (stop()) return undefined;
        await sleep(200);
        continue;
      }
      tally.statuses.set(answer.status, (tally.statuses.get(answer.status) ?? 0) + 1);
      if (answer.status === 503) {
        if (!answer.contentType?.startsWith('application/problem+json') || !answer.retryAfter || !/^\d+$/.test(answer.retryAfter)) {
          tally.unexpected.push(`503 without problem+json and Retry-After: ${answer.contentType} ${answer.retryAfter} ${JSON.stringify(answer.body)}`);
        }
        if (stop()) return undefined;
        await sleep(Number(answer.retryAfter ?? 1) * 1000);
        continue;
      }
      if (answer.status !== 200 && answer.status !== 201) {
        tally.unexpected.push(`${path}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 500)}`);
        return undefined;
      }
      const outcome = answer.body as { id: string; events: { eventId: string; streamId: string }[] };
      for (const event of outcome.events) {
        const events = tally.acknowledged.get(event.streamId) ?? [];
        events.push(event.eventId);
        tally.acknowledged.set(event.streamId, events);
      }
      tally.acks += 1;
      return { id: outcome.id, streamId: outcome.events[0]!.streamId };
    }
  }

  /** One editor: registers a work, adds two titles to it, and again, until told to stop. */
  async function editor(tally: Tally, writer: number, stop: () => boolean): Promise<void> {
    for (let round = 0; !stop(); round++) {
      const registered = await write(tally, '/works', {
        kind: 'feature-film',
        originalLanguage: 'ko',
        countries: ['KR'],
        // A random title: drill works are different films, and similar titles would be held as likely duplicates.
        titles: [{ text: `${label} drill ${randomUUID()}`, language: 'en', class: 'working' }],
        source: SOURCE,
      }, stop);
      if (!registered) continue;
      tally.works.push(registered.id);
      for (const [index, language] of ['fr', 'de'].entries()) {
        if (stop()) break;
        await write(tally, `/works/${registered.id}/titles`, { text: `Exercice ${writer}-${round}-${index}`, language, class: 'translated', source: SOURCE }, stop);
      }
    }
  }

  return { call, write, editor };
}

/**
 * After a drill: every acknowledged event was published (the outbox is drained and each is read back from Kafka) and
 * projected once (each stream's version in the read models is the number of its acknowledged events), nothing was
 * dead-lettered, and each written work's project card answers.
 */
export async function assertPublishedAndProjectedOnce(drill: {
  pool: pg.Pool;
  brokers: string;
  clientId: string;
  tally: Tally;
  call: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Answer>;
}): Promise<void> {
  const { pool, tally } = drill;
  const streams = [...tally.acknowledged.keys()];
  const acknowledgedIds = [...tally.acknowledged.values()].flat();
  await waitUntil('the outbox is drained', async () => (await pool.query('SELECT 1 FROM outbox WHERE published_at IS NULL LIMIT 1')).rowCount === 0, 60_000);
  const onKafka = new Set<string>();
  const consumer = createKafka({ brokers: drill.brokers, clientId: drill.clientId }).consumer({ groupId: `${drill.clientId}-check-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: REELWIRE_TOPICS.map((topic) => topic.topic), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        onKafka.add((JSON.parse(message.value!.toString('utf8')) as { eventId: string }).eventId);
      },
    });
    await waitUntil('every acknowledged event was read back from Kafka', () => acknowledgedIds.every((id) => onKafka.has(id)), 60_000);
  } finally {
    await consumer.disconnect();
  }
  await waitUntil('the read models reflect every acknowledged write', async () => {
    const { rows } = await pool.query<{ stream_id: string; version: number }>('SELECT stream_id, version FROM read_models.projection_streams WHERE stream_id = ANY($1)', [streams]);
    const projected = new Map(rows.map((row) => [row.stream_id, row.version]));
    return streams.every((stream) => projected.get(stream) === tally.acknowledged.get(stream)!.length);
  }, 90_000);
  expect((await pool.query('SELECT count(*)::int AS n FROM read_models.dead_letters')).rows[0].n).toBe(0);
  for (const id of tally.works) {
    const card = await drill.call('GET', `/projects/${id}`, undefined, AUDITOR);
    expect(card.status).toBe(200);
  }
}
