/**
 * The projector's promise as a property over random editorial logs: whatever the commands, however the log arrives
 * (one message at a time, in runs) and wherever the process dies (kill -9: no shutdown code runs), the read models end
 * as a rebuild computes them — every version of every row — and the view as of every position is a rebuild of the log
 * cut there.
 *
 * One run: PROPERTY_SEQUENCES (default 1,000) random sequences of editorial commands (testing/random-log.ts: a few
 * works, people, organizations and deals; registrations, edits, corrections, moves between works, retractions,
 * withdrawals, each decided by the real deciders), interleaved into ONE log (each sequence's order kept, positions
 * renumbered 1..n, recordedAt one second apart), produced to a dev broker (key = stream id) and projected by the real
 * projector process (`node dist/apps/projector/src/main.js`) in three lives:
 *   1. PROJECTOR_RUN_SIZE=1 (one message of a partition at a time), SIGKILLed after a random share of the log;
 *   2. the default run size, SIGKILLed again at a random later point;
 *   3. the default run size until every stream is at its last version — having applied exactly the events the two
 *      kills left unapplied (its metrics): nothing lost, nothing applied twice — then SIGTERM.
 * After each kill the broker is told the dead member left (as it finds out itself after kafkajs' 30 s session timeout).
 * Then, against StreamByStreamFold (the rebuild's fold: the same engine stepping each stream from nothing):
 *   (a) every row version in Postgres, closed ones included — table, stream, key, row, valid_from/to,
 *       recorded_from/to — equals what the fold computes for the whole log;
 *   (b) for every sequence and every position p of it (its events' positions and the one before its first), the rows
 *       of its streams true at p in Postgres equal the open rows of a fresh fold of its events up to p;
 *   (c) no dead letters, every stream at its last version with its last event, the checkpoints at the end of every
 *       partition, and a graceful exit on SIGTERM.
 *
 * PROPERTY_SEED=<n> reproduces a run's log, partitions and kill targets (where a kill lands within a transaction is
 * up to timing); without it the seed is random, and every test's name shows it. PROPERTY_SEQUENCES=<n> runs more.
 * Needs dist/ (`npx tsc -p tsconfig.json`), as the integration project's global setup does.
 */
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import type { PublishedEvent } from '../../../libs/contracts/src/published-event.js';
import { AGGREGATE_TYPES, topicFor } from '../../../libs/contracts/src/streams.js';
import { projectRoot } from '../../../libs/database/src/project-root.js';
import { startDevBroker, type DevBroker } from '../../../libs/kafka-dev-broker/src/index.js';
import { ApiKey } from '../../../libs/kafka-dev-broker/src/protocol/api-keys.js';
import { Writer } from '../../../libs/kafka-dev-broker/src/protocol/codec.js';
import { ErrorCode } from '../../../libs/kafka-dev-broker/src/protocol/error-codes.js';
import { testKafka } from '../../../libs/kafka-dev-broker/src/testing/kafkajs-test-kit.js';
import { WireClient } from '../../../libs/kafka-dev-broker/src/testing/wire-client.js';
import { ensureTopics, reelwireTopics } from '../../../libs/messaging/src/kafka.js';
import { toKafkaMessage } from '../../../libs/messaging/src/published-event.js';
import { SYSTEM_TIME_COLUMNS } from '../../../libs/read-models/src/engine/system-time.js';
import { keepsHistory } from '../../../libs/read-models/src/engine/projection.js';
import { READ_MODELS } from '../../../libs/read-models/src/read-models.js';
import { StreamByStreamFold, type FoldedStream } from '../../../libs/read-models/src/rebuild/stream-fold.js';
import { randomLog, type RandomLogOptions } from '../../../libs/read-models/src/testing/random-log.js';
import { startChild, type RunningChild } from '../../../test/support/child-app.js';
import { freePort } from '../../../test/support/free-port.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';

function wholeNumberFromEnv(name: string, fallback: () => number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback();
  const value = /^[0-9]+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= min && value <= max)) throw new Error(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return value;
}

const SEQUENCES = wholeNumberFromEnv('PROPERTY_SEQUENCES', () => 1_000, 1, 1_000_000);
const SEED = wholeNumberFromEnv('PROPERTY_SEED', () => randomInt(0x1_0000_0000), 0, 0xffff_ffff);
const REPRODUCE = `PROPERTY_SEED=${SEED} PROPERTY_SEQUENCES=${SEQUENCES}`;
const GROUP = `projector-property-${SEED}`;
/** recordedAt of position 1 (randomLog's default clock: the deciders' "now" the world dates precede). */
const START = Date.parse('2025-01-01T00:00:00.000Z');
/** Time limits grow with the log; generous, as the two cores are shared with whatever else runs. */
const PER_SEQUENCE_MS = 120;

// ---- a seeded log of many sequences ----------------------------------------------------------------------------------

/** mulberry32: the seed's choices (sequence sizes, interleaving, partitions, kill targets). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const between = (random: () => number, min: number, max: number) => min + Math.floor(random() * (max - min + 1));

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

interface Sequence {
  index: number;
  /** randomLog's options: `randomLog(options)` is this sequence before renumbering. */
  options: RandomLogOptions;
  /** Its events as the merged log holds them (renumbered), in log order. */
  events: PublishedEvent[];
}

interface MergedLog {
  events: PublishedEvent[];
  sequences: Sequence[];
  sequenceOf: Map<string, Sequence>;
}

/**
 * `count` random sequences (different seeds share no ids), merged into one log by a uniformly random interleaving that
 * keeps each sequence's order, so each stream's; positions renumbered 1..n and recordedAt increasing. Events are
 * frozen: a handler that wrote to its event would fail loudly instead of changing the log under the comparisons.
 */
function buildLog(seed: number, count: number): MergedLog {
  const random = seededRandom(seed);
  const sequences: Sequence[] = [];
  const originals: PublishedEvent[][] = [];
  for (let index = 0; index < count; index++) {
    const options: RandomLogOptions = {
      seed: (Math.imul(seed, 0x9e3779b1) + index) >>> 0,
      works: between(random, 2, 3),
      people: between(random, 1, 2),
      organizations: between(random, 1, 2),
      deals: between(random, 0, 1),
      commands: between(random, 15, 25),
    };
    originals.push(randomLog(options).events);
    sequences.push({ index, options, events: [] });
  }
  // One slot per event, shuffled (Fisher–Yates): the k-th slot of sequence i takes its k-th event.
  const slots = originals.flatMap((events, index) => events.map(() => index));
  for (let i = slots.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [slots[i], slots[j]] = [slots[j]!, slots[i]!];
  }
  const taken = new Array<number>(count).fill(0);
  const events: PublishedEvent[] = [];
  const sequenceOf = new Map<string, Sequence>();
  for (const index of slots) {
    const original = originals[index]![taken[index]!++]!;
    const position = events.length + 1;
    const recordedAt = new Date(START + (position - 1) * 1000).toISOString();
    const event = deepFreeze({ ...original, globalPosition: String(position), recordedAt, metadata: { ...original.metadata, recordedAt } });
    const sequence = sequences[index]!;
    const owner = sequenceOf.get(event.streamId);
    if (owner && owner !== sequence) throw new Error(`stream ${event.streamId} is in sequences ${owner.index} and ${index}: the generator's ids collide`);
    sequenceOf.set(event.streamId, sequence);
    sequence.events.push(event);
    events.push(event);
  }
  return { events, sequences, sequenceOf };
}

// ---- the oracle: StreamByStreamFold -------------------------------------------------------------------------------------

/** The rebuild's fold over `events`: each stream whole and in order, stepped from nothing. */
function rebuild(events: readonly PublishedEvent[]): FoldedStream[] {
  const byStream = new Map<string, PublishedEvent[]>();
  for (const event of events) {
    let stream = byStream.get(event.streamId);
    if (!stream) byStream.set(event.streamId, (stream = []));
    stream.push(event);
  }
  const folded: FoldedStream[] = [];
  const fold = new StreamByStreamFold(READ_MODELS, (stream) => folded.push(stream));
  for (const stream of byStream.values()) for (const event of stream) fold.add(event);
  fold.finish();
  return folded;
}

/** A row version, as both sides are compared: `row` is the table, stream, key and every column (absent ones null). */
interface Version {
  table: string;
  stream: string;
  key: string;
  row: string;
  validFrom: number;
  validTo: number | null;
  recordedFrom: string;
  recordedTo: string | null;
}

const COLUMNS = new Map(READ_MODELS.tables.map((table) => [table.name, Object.keys(table.columns).sort()]));

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]));
  return value;
}

function rowText(table: string, stream: string, key: string, row: Readonly<Record<string, unknown>>): string {
  const columns = COLUMNS.get(table);
  if (!columns) throw new Error(`no read-model table ${table}`);
  return JSON.stringify([table, stream, key, Object.fromEntries(columns.map((c) => [c, sortedKeys(row[c] ?? null)]))]);
}

const versionText = (v: Version) => `${v.row} valid [${v.validFrom}, ${v.validTo ?? '∞'}) recorded [${v.recordedFrom}, ${v.recordedTo ?? '∞'})`;

/** Tables whose closed versions are kept (the shown ones); a model's hidden state keeps its current rows only. */
const HISTORY_TABLES = new Set(READ_MODELS.tables.filter(keepsHistory).map((t) => t.name));

function foldedVersions(folded: readonly FoldedStream[]): Version[] {
  return folded.flatMap((stream) =>
    stream.versions.filter((v) => v.validTo === null || HISTORY_TABLES.has(v.table)).map((v) => ({
      table: v.table,
      stream: v.stream,
      key: v.key,
      row: rowText(v.table, v.stream, v.key, v.row),
      validFrom: v.validFrom,
      validTo: v.validTo,
      recordedFrom: v.recordedFrom,
      recordedTo: v.recordedTo,
    })),
  );
}

/**
 * Every version of every read-model table in Postgres. A table `<t>` holds every version of its rows, or, where the
 * schema keeps closed versions apart, the open ones with `<t>_history` holding the closed: both are read.
 */
async function storedVersions(db: TestDatabase): Promise<Version[]> {
  const versions: Version[] = [];
  for (const table of READ_MODELS.tables) {
    const history = `${table.name}_history`;
    const split = (await db.pool.query<{ split: boolean }>('SELECT to_regclass($1) IS NOT NULL AS split', [`read_models."${history}"`])).rows[0]!.split;
    const select = (name: string) =>
      `SELECT j ->> 'owner_stream' AS owner_stream, j ->> 'row_key' AS row_key, j ->> 'valid_from' AS valid_from, j ->> 'valid_to' AS valid_to,
              (j ->> 'recorded_from')::timestamptz AS recorded_from, (j ->> 'recorded_to')::timestamptz AS recorded_to, j - $1::text[] AS row
       FROM read_models."${name}" t, LATERAL (SELECT to_jsonb(t) AS j) x`;
    const { rows } = await db.pool.query<{ owner_stream: string; row_key: string; valid_from: string; valid_to: string | null; recorded_from: Date; recorded_to: Date | null; row: Record<string, unknown> }>(
      split ? `${select(table.name)} UNION ALL ${select(history)}` : select(table.name),
      [[...SYSTEM_TIME_COLUMNS]],
    );
    for (const r of rows) {
      versions.push({
        table: table.name,
        stream: r.owner_stream,
        key: r.row_key,
        row: rowText(table.name, r.owner_stream, r.row_key, r.row),
        validFrom: Number(r.valid_from),
        validTo: r.valid_to === null ? null : Number(r.valid_to),
        recordedFrom: r.recorded_from.toISOString(),
        recordedTo: r.recorded_to === null ? null : r.recorded_to.toISOString(),
      });
    }
  }
  return versions;
}

/** What `expected` has that `actual` lacks and the other way round, duplicates counted. */
function difference(expected: readonly string[], actual: readonly string[]): { missing: string[]; unexpected: string[] } {
  const counts = new Map<string, number>();
  for (const text of actual) counts.set(text, (counts.get(text) ?? 0) + 1);
  const missing: string[] = [];
  for (const text of expected) {
    const left = counts.get(text) ?? 0;
    if (left === 0) missing.push(text);
    else counts.set(text, left - 1);
  }
  const unexpected = [...counts].flatMap(([text, left]) => new Array<string>(left).fill(text));
  return { missing, unexpected };
}

/** A row text (rowText, or versionText) taken apart: the row's identity, its columns, and the version's interval. */
function partsOf(text: string): { id: string; stream: string; columns: Record<string, unknown>; interval: string } {
  const cut = text.indexOf(' valid [');
  const [table, stream, key, columns] = JSON.parse(cut < 0 ? text : text.slice(0, cut)) as [string, string, string, Record<string, unknown>];
  return { id: `${table} ${stream} ${key}`, stream, columns, interval: cut < 0 ? '' : text.slice(cut + 1) };
}

const clip = (text: string, length = 300) => (text.length > length ? `${text.slice(0, length)}…` : text);

/**
 * Report lines for rows one side has and the other lacks: a missing and an unexpected version of the same row are
 * shown as the columns (and interval) that differ; the others whole.
 */
function explain(missing: readonly string[], unexpected: readonly string[], limit: number): string[] {
  const lines: string[] = [];
  const left = unexpected.map(partsOf);
  for (const text of missing) {
    if (lines.length >= limit) break;
    const expected = partsOf(text);
    const index = left.findIndex((u) => u.id === expected.id);
    if (index < 0) {
      lines.push(`  missing    ${clip(text)}`);
      continue;
    }
    const [actual] = left.splice(index, 1);
    const differing = Object.keys(expected.columns)
      .filter((c) => JSON.stringify(expected.columns[c]) !== JSON.stringify(actual!.columns[c]))
      .map((c) => `${c}: expected ${clip(JSON.stringify(expected.columns[c]), 200)}, got ${clip(JSON.stringify(actual!.columns[c]), 200)}`);
    if (expected.interval !== actual!.interval) differing.push(`expected ${expected.interval}, got ${actual!.interval}`);
    lines.push(`  differs    ${expected.id}: ${differing.join('; ')}`);
  }
  for (const actual of left.slice(0, Math.max(0, limit - lines.length))) lines.push(`  unexpected ${clip(`${actual.id} ${JSON.stringify(actual.columns)} ${actual.interval}`)}`);
  return lines;
}

const describeSequence = (s: Sequence) =>
  `sequence ${s.index} (randomLog(${JSON.stringify(s.options)}), ${s.events.length} events at positions ${s.events[0]!.globalPosition}…${s.events[s.events.length - 1]!.globalPosition})`;

// ---- the projector process -------------------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`the projector process, SIGKILLed twice over ${SEQUENCES} random editorial sequences (${REPRODUCE})`, () => {
  let log: MergedLog;
  let partitions: number;
  let broker: DevBroker;
  let kafka: Kafka;
  let admin: Admin;
  let db: TestDatabase;
  const children: RunningChild[] = [];
  let stored: Promise<Version[]> | undefined;
  /** Every version in Postgres, loaded once for (a) and (b). */
  const storedOnce = () => (stored ??= storedVersions(db));
  /** The last life's exit code after SIGTERM. */
  let stopped: Promise<number | null> | undefined;
  /** Set once the last life reached the end of the log: the comparisons need the whole log applied. */
  let projected = false;
  const timings: string[] = [];
  const timed = async <T>(label: string, work: () => Promise<T> | T): Promise<T> => {
    const started = Date.now();
    try {
      return await work();
    } finally {
      timings.push(`${label} ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  };

  beforeAll(async () => {
    const random = seededRandom(SEED ^ 0x0ddba11);
    partitions = between(random, 3, 6);
    log = await timed('log', () => buildLog(SEED, SEQUENCES));
    db = await createTestDatabase();
    broker = await startDevBroker({ port: 0, defaultPartitions: partitions });
    kafka = testKafka(broker.brokers);
    admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, reelwireTopics({ KAFKA_TOPIC_PARTITIONS: String(partitions) }));
    await timed('produce', async () => {
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      try {
        // In log order, a few hundred messages a request (a partition's record batch must stay under 1 MiB).
        for (let start = 0; start < log.events.length; start += 500) {
          const byTopic = new Map<string, ReturnType<typeof toKafkaMessage>[]>();
          for (const event of log.events.slice(start, start + 500)) {
            const topic = topicFor(event.streamType as (typeof AGGREGATE_TYPES)[number]);
            let messages = byTopic.get(topic);
            if (!messages) byTopic.set(topic, (messages = []));
            messages.push(toKafkaMessage(event));
          }
          await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
        }
      } finally {
        await producer.disconnect();
      }
    });
  }, 60_000 + SEQUENCES * 20);

  afterAll(async () => {
    for (const child of children) await child.stop('SIGKILL');
    await admin?.disconnect();
    await broker?.stop();
    await db?.drop();
    process.stdout.write(`projector property (${REPRODUCE}): ${log?.events.length} events, ${partitions} partitions a topic; ${timings.join(', ')}\n`);
  });

  async function startProjector(env: NodeJS.ProcessEnv): Promise<{ child: RunningChild; metricsPort: number }> {
    const { NODE_OPTIONS: _, ...inherited } = process.env;
    const metricsPort = await freePort();
    const child = startChild(process.execPath, [join(projectRoot(), 'dist/apps/projector/src/main.js')], {
      ...inherited,
      DATABASE_URL: db.url,
      KAFKA_BROKERS: broker.brokers,
      PROJECTOR_METRICS_PORT: String(metricsPort),
      PROJECTOR_GROUP: GROUP,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      ...env,
    });
    children.push(child);
    return { child, metricsPort };
  }

  /** Events applied so far: every applied (or passed-over) event is one version of its stream. */
  async function appliedCount(): Promise<number> {
    const { rows } = await db.pool.query<{ n: number }>('SELECT coalesce(sum(version), 0)::int AS n FROM read_models.projection_streams');
    return rows[0]!.n;
  }

  const outputOf = (child: RunningChild) => {
    const output = child.output();
    return output.length > 6_000 ? `…${output.slice(-6_000)}` : output;
  };

  /**
   * Polls until `target` events are applied. Fails at once on a dead letter (every event of the log is valid) or when
   * the projector exits, and after 20 s without progress.
   */
  async function untilApplied(child: RunningChild, target: number, life: string): Promise<number> {
    const deadline = Date.now() + 30_000 + SEQUENCES * PER_SEQUENCE_MS;
    let progress = { applied: 0, at: Date.now() };
    for (;;) {
      if (child.process.exitCode !== null || child.process.signalCode !== null) {
        throw new Error(`${life}: the projector exited (${child.process.exitCode ?? child.process.signalCode}) before ${target} events were applied:\n${outputOf(child)}`);
      }
      const { rows } = await db.pool.query<{ applied: number; dead: number }>(
        'SELECT (SELECT coalesce(sum(version), 0) FROM read_models.projection_streams)::int AS applied, (SELECT count(*) FROM read_models.dead_letters)::int AS dead',
      );
      const { applied, dead } = rows[0]!;
      if (dead > 0) {
        const letters = await db.pool.query<{ reason: string; type: string | null; stream_id: string | null; stream_version: number | null; error: string }>(
          'SELECT reason, type, stream_id, stream_version, error FROM read_models.dead_letters ORDER BY id LIMIT 5',
        );
        const lines = letters.rows.map((d) => `  ${d.reason}: ${d.type} ${d.stream_id} v${d.stream_version}: ${d.error}`);
        throw new Error(`${life}: ${dead} dead letters, though every event of the log is valid; the first:\n${lines.join('\n')}\nthe projector's output:\n${outputOf(child)}`);
      }
      if (applied >= target) return applied;
      if (applied !== progress.applied) progress = { applied, at: Date.now() };
      if (Date.now() - progress.at > 20_000 || Date.now() > deadline) {
        throw new Error(`${life}: stuck at ${applied} of ${target} events applied:\n${outputOf(child)}`);
      }
      await sleep(15);
    }
  }

  /**
   * kill -9 of the projector's process group; then what it committed is all there is: its Postgres sessions are gone
   * (a COMMIT already sent lands or not before that), and the broker is told its member is gone, as it would find
   * out itself after the session timeout (30 s with kafkajs' defaults), so the next life joins at once.
   */
  async function kill(child: RunningChild): Promise<number> {
    await child.stop('SIGKILL');
    for (let tries = 0; ; tries++) {
      const { rows } = await db.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'reelwire-projector'",
      );
      if (rows[0]!.n === 0) break;
      if (tries > 500) throw new Error('the killed projector still has Postgres sessions after 5 s');
      await sleep(10);
    }
    const { groups } = await admin.describeGroups([GROUP]);
    const members = groups[0]?.members ?? [];
    if (members.length > 0) {
      const wire = await WireClient.connect(broker.port);
      try {
        for (const member of members) {
          const errorCode = (await wire.request(ApiKey.LeaveGroup, 0, new Writer().string(GROUP).string(member.memberId))).int16();
          if (errorCode !== ErrorCode.NONE && errorCode !== ErrorCode.UNKNOWN_MEMBER_ID) throw new Error(`LeaveGroup for the killed member failed with error ${errorCode}`);
        }
      } finally {
        wire.close();
      }
    }
    return appliedCount();
  }

  async function appliedByMetrics(metricsPort: number): Promise<Record<string, number>> {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const outcomes: Record<string, number> = {};
    for (const match of text.matchAll(/^reelwire_projector_applied_total\{outcome="([^"]+)"\} (\d+)$/gm)) outcomes[match[1]!] = Number(match[2]);
    return outcomes;
  }

  it(
    `lives through two kill -9s (one message at a time, then in runs) and reaches the end of the log (${REPRODUCE})`,
    async () => {
      const random = seededRandom(SEED ^ 0x6b111);
      const total = log.events.length;

      const first = await startProjector({ PROJECTOR_RUN_SIZE: '1' });
      const target1 = Math.max(1, Math.round(total * (0.02 + 0.08 * random())));
      await timed('life 1', () => untilApplied(first.child, target1, 'life 1 (PROJECTOR_RUN_SIZE=1)'));
      const killed1 = await timed('kill 1', () => kill(first.child));

      const second = await startProjector({});
      const target2 = killed1 + Math.max(1, Math.round((total - killed1) * (0.15 + 0.7 * random())));
      await timed('life 2', () => untilApplied(second.child, target2, 'life 2'));
      const killed2 = await timed('kill 2', () => kill(second.child));

      const third = await startProjector({});
      await timed('life 3', () => untilApplied(third.child, total, 'life 3'));
      await third.child.waitFor(/projector consuming/, 30_000);
      timings.push(`kills after ${killed1} (target ${target1}) and ${killed2} (target ${target2}) of ${total} events`);

      // The kills interrupted work: each life left some of the log to the next (a log too small for a transaction of
      // runs of 200 not to reach its end may be finished by life 2).
      expect(killed1).toBeGreaterThan(0);
      expect(killed1).toBeLessThan(total);
      expect(killed2).toBeGreaterThan(killed1);
      if (total - target2 >= 2_000) expect(killed2).toBeLessThan(total);
      expect(await appliedCount()).toBe(total);
      // The last life applied exactly what the kills left (nothing lost, nothing applied twice); what it received
      // again below its checkpoints it passed over.
      const expectedApplied = total - killed2;
      const applied = async () => (await appliedByMetrics(third.metricsPort)).applied ?? 0;
      for (let tries = 0; tries < 200 && (await applied()) < expectedApplied; tries++) await sleep(25);
      const outcomes = await appliedByMetrics(third.metricsPort);
      timings.push(`life 3 outcomes ${JSON.stringify(outcomes)}`);
      expect(outcomes.applied ?? 0).toBe(expectedApplied);
      expect(outcomes['dead-lettered'] ?? 0).toBe(0);
      // A graceful stop waits out the consumer's fetch (up to 5 s): it runs while the comparisons do; (c) checks it.
      stopped = third.child.stop('SIGTERM');
      const complaints = [first, second, third].flatMap(({ child }) => child.output().split('\n').filter((line) => /fail|dead letter|error/i.test(line)));
      if (complaints.length > 0) timings.push(`the projector said:\n${complaints.slice(0, 10).join('\n')}`);
      projected = true;
    },
    60_000 + SEQUENCES * PER_SEQUENCE_MS,
  );

  it(`(a) every version of every row equals a full rebuild of the log (${REPRODUCE})`, async () => {
    if (!projected) throw new Error('the projector did not reach the end of the log (see the first test)');
    const folded = rebuild(log.events);
    const deadLetters = folded.flatMap((stream) => stream.deadLetters);
    expect(deadLetters.map((d) => `${d.reason}: ${d.error}`)).toEqual([]);
    const expected = foldedVersions(folded);
    const stored = await storedOnce();
    const { missing, unexpected } = difference(expected.map(versionText), stored.map(versionText));
    if (missing.length + unexpected.length > 0) {
      const streamOf = (text: string) => partsOf(text).stream;
      const streams = [...new Set([...missing, ...unexpected].map(streamOf))];
      const shown = streams.slice(0, 3).map((stream) => {
        const sequence = log.sequenceOf.get(stream);
        return [
          `${stream} of ${sequence ? describeSequence(sequence) : 'no sequence'}:`,
          ...explain(
            missing.filter((t) => streamOf(t) === stream),
            unexpected.filter((t) => streamOf(t) === stream),
            8,
          ),
        ].join('\n');
      });
      throw new Error(
        `the read models differ from a rebuild of the log (${REPRODUCE}): ${missing.length} versions missing, ${unexpected.length} unexpected, ` +
          `in ${streams.length} streams; the first:\n${shown.join('\n')}`,
      );
    }
    expect(stored.length).toBe(expected.length);
    timings.push(`${stored.length} row versions compared`);
  }, 60_000 + SEQUENCES * 30);

  it(`(b) the rows as of every position of every sequence equal a rebuild of that sequence cut there (${REPRODUCE})`, async () => {
    if (!projected) throw new Error('the projector did not reach the end of the log (see the first test)');
    const stored = await storedOnce();
    const bySequence = new Map<Sequence, Version[]>();
    // As-of views exist for the shown tables (hidden state keeps no history).
    for (const version of stored.filter((v) => HISTORY_TABLES.has(v.table))) {
      const sequence = log.sequenceOf.get(version.stream);
      if (!sequence) throw new Error(`a ${version.table} row of ${version.stream}, a stream no sequence has`);
      let versions = bySequence.get(sequence);
      if (!versions) bySequence.set(sequence, (versions = []));
      versions.push(version);
    }
    const failures: string[] = [];
    let failing = 0;
    let views = 0;
    for (const sequence of log.sequences) {
      // Row texts as numbers, so that each view is a sorted list of small integers.
      const ids = new Map<string, number>();
      const idOf = (text: string) => {
        let id = ids.get(text);
        if (id === undefined) ids.set(text, (id = ids.size));
        return id;
      };
      const versions = (bySequence.get(sequence) ?? []).map((v) => ({ id: idOf(v.row), validFrom: v.validFrom, validTo: v.validTo }));
      // StreamByStreamFold steps each stream from nothing on its own, so a fresh fold of the cut at p is, stream by
      // stream, a fresh fold of that stream's events up to p: computed once for each prefix of each stream.
      const streams = new Map<string, PublishedEvent[]>();
      for (const event of sequence.events) streams.set(event.streamId, [...(streams.get(event.streamId) ?? []), event]);
      const prefixes = new Map<string, { open: number[]; deadLetters: string[] }[]>();
      for (const [streamId, events] of streams) {
        const folds = [{ open: [] as number[], deadLetters: [] as string[] }];
        for (let k = 1; k <= events.length; k++) {
          const folded = rebuild(events.slice(0, k));
          folds.push({
            open: folded.flatMap((stream) => stream.versions.filter((v) => v.validTo === null && HISTORY_TABLES.has(v.table)).map((v) => idOf(rowText(v.table, v.stream, v.key, v.row)))),
            deadLetters: folded.flatMap((stream) => stream.deadLetters.map((d) => `${d.event?.type ?? '?'} (${d.reason}): ${d.error}`)),
          });
        }
        prefixes.set(streamId, folds);
      }
      const taken = new Map<string, number>();
      for (let count = 0; count <= sequence.events.length; count++) {
        const last = count > 0 ? sequence.events[count - 1]! : undefined;
        if (last) taken.set(last.streamId, (taken.get(last.streamId) ?? 0) + 1);
        const at = last ? Number(last.globalPosition) : Number(sequence.events[0]!.globalPosition) - 1;
        const folds = [...taken].map(([streamId, k]) => prefixes.get(streamId)![k]!);
        const expected = folds.flatMap((fold) => fold.open).sort((a, b) => a - b);
        const actual = versions
          .filter((v) => v.validFrom <= at && (v.validTo === null || v.validTo > at))
          .map((v) => v.id)
          .sort((a, b) => a - b);
        const deadLetters = folds.flatMap((fold) => fold.deadLetters);
        views += 1;
        if (deadLetters.length === 0 && expected.length === actual.length && expected.every((id, i) => id === actual[i])) continue;
        failing += 1;
        if (failures.length < 3) {
          const texts = [...ids.keys()];
          const { missing, unexpected } = difference(
            expected.map((id) => texts[id]!),
            actual.map((id) => texts[id]!),
          );
          failures.push(
            [
              `${describeSequence(sequence)}, as of position ${at}${last ? ` (its event ${count}: ${last.type} on ${last.streamId} v${last.streamVersion})` : ' (before its first event)'}:`,
              ...deadLetters.map((d) => `  the rebuild dead-lettered ${d}`),
              ...explain(missing, unexpected, 8),
            ].join('\n'),
          );
        }
        break;
      }
    }
    if (failing > 0) throw new Error(`as of some positions the read models differ from a rebuild of the cut log in ${failing} sequences (${REPRODUCE}); the first:\n${failures.join('\n')}`);
    expect(views).toBe(log.events.length + log.sequences.length);
    timings.push(`${views} as-of views compared`);
  }, 60_000 + SEQUENCES * 60);

  it(`(c) no dead letters; every stream at its last version; the checkpoints at the end of every partition (${REPRODUCE})`, async () => {
    if (!projected) throw new Error('the projector did not reach the end of the log (see the first test)');
    const dead = await db.pool.query<{ reason: string; stream_id: string | null; stream_version: number | null; type: string | null; error: string }>(
      'SELECT reason, stream_id, stream_version, type, error FROM read_models.dead_letters ORDER BY id',
    );
    expect(dead.rows).toEqual([]);

    const last = new Map<string, PublishedEvent>();
    for (const event of log.events) last.set(event.streamId, event);
    const { rows } = await db.pool.query<{ stream_id: string; stream_type: string; version: number; skipped_versions: number[]; last_event_id: string; last_global_position: string }>(
      'SELECT stream_id, stream_type, version, skipped_versions, last_event_id, last_global_position::text AS last_global_position FROM read_models.projection_streams',
    );
    const wrong: string[] = [];
    for (const row of rows) {
      const event = last.get(row.stream_id);
      const expected = event && { stream_type: event.streamType, version: event.streamVersion, skipped_versions: [], last_event_id: event.eventId, last_global_position: event.globalPosition };
      const actual = { stream_type: row.stream_type, version: row.version, skipped_versions: row.skipped_versions, last_event_id: row.last_event_id, last_global_position: row.last_global_position };
      if (JSON.stringify(actual) !== JSON.stringify(expected)) wrong.push(`${row.stream_id}: ${JSON.stringify(actual)}, expected ${JSON.stringify(expected ?? 'no such stream')}`);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(rows.length).toBe(last.size);

    const checkpoints = await db.pool.query<{ topic: string; partition: number; next_offset: string }>(
      'SELECT topic, partition, next_offset::text AS next_offset FROM read_models.projection_checkpoints WHERE consumer_group = $1',
      [GROUP],
    );
    const stored = Object.fromEntries(checkpoints.rows.map((c) => [`${c.topic}/${c.partition}`, c.next_offset]));
    const ends: Record<string, string> = {};
    for (const aggregate of AGGREGATE_TYPES) {
      for (const { partition, high } of await admin.fetchTopicOffsets(topicFor(aggregate))) if (high !== '0') ends[`${topicFor(aggregate)}/${partition}`] = high;
    }
    expect(stored).toEqual(ends);
    expect(Object.values(ends).reduce((sum, high) => sum + Number(high), 0)).toBe(log.events.length);
    // The last life stopped gracefully on SIGTERM.
    expect(await stopped).toBe(0);
  });
});
