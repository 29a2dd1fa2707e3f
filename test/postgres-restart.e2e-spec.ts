import type pg from 'pg';
import { createPool } from '../libs/database/src/pool.js';
import { startDevBroker, type DevBroker } from '../libs/kafka-dev-broker/src/index.js';
import { appsEnvironment, startApps, type AppProcess } from './support/app-processes.js';
import { assertPublishedAndProjectedOnce, drillClient, newTally, waitUntil, type Answer } from './support/drill-writers.js';
import { freePort } from './support/free-port.js';
import { startRestartablePostgres, type RestartablePostgres } from './support/restartable-postgres.js';

/**
 * PostgreSQL restarted under load, with the admin API, the outbox relay and the projector running as the processes
 * they are in production: `pg_ctl restart -m immediate` (a crash: recovery from the WAL), `-m fast` (clients are
 * disconnected) and a stop long enough to see the API answer 503. Writers keep sending throughout and retry a 503 with
 * the same Idempotency-Key, as a client should. Afterwards every write that was acknowledged is in the events table
 * exactly once, on Kafka, and in the read models; no answer was a 500; no app exited.
 */

const WRITERS = 4;
describe('PostgreSQL restarts under concurrent writers (admin API, outbox relay and projector as processes)', () => {
  let postgres: RestartablePostgres;
  let broker: DevBroker;
  let pool: pg.Pool;
  let base: string;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    postgres = await startRestartablePostgres('reelwire_restart_test');
    broker = await startDevBroker({ port: 0, defaultPartitions: 3 });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env = appsEnvironment(postgres.url, broker.brokers, port, { KAFKA_TOPIC_PARTITIONS: '3', LOG_LEVEL: 'warn', RELAY_MAX_BACKOFF_MS: '1000' });
    await startApps(apps, env, { 'outbox-relay': { LOG_LEVEL: 'info' } });
    pool = createPool(postgres.url, { max: 2, applicationName: 'reelwire-restart-test' });
  }, 240_000);

  afterAll(async () => {
    for (const { child } of apps) await child.stop('SIGTERM');
    await pool?.end();
    await broker?.stop();
    await postgres?.destroy();
  }, 120_000);

  const problems = () => apps.filter(({ child }) => child.process.exitCode !== null || child.process.signalCode !== null);
  const outputs = () => apps.map(({ name, child }) => `--- ${name} ---\n${child.output().slice(-4000)}`).join('\n');

  const { call, write, editor } = drillClient(() => base, 'Restart');

  const ready = async () => (await call('GET', '/health/ready', undefined, {}).catch(() => undefined))?.status === 200;

  it('answers 503 (never 500) while it is down, exits nowhere, and loses or doubles no acknowledged write', async () => {
    const tally = newTally();
    let stopWriting = false;
    const writers = Array.from({ length: WRITERS }, (_, writer) => editor(tally, writer, () => stopWriting));
    const recoveries: Record<string, { readyMs: number; writingMs: number }> = {};
    const outage = { ready: undefined as Answer | undefined, live: undefined as Answer | undefined };

    const faults: [string, () => Promise<void>][] = [
      ['pg_ctl restart -m immediate', () => postgres.restart('immediate')],
      ['pg_ctl restart -m fast', () => postgres.restart('fast')],
      [
        'pg_ctl stop -m immediate, then start',
        async () => {
          const refusedBefore = tally.statuses.get(503) ?? 0;
          await postgres.stop('immediate');
          // While it is down: the process is alive, not ready, and writers are told to come back later.
          await waitUntil('the API reports not ready and a writer got 503', async () => {
            expect(tally.unexpected).toEqual([]);
            outage.ready = await call('GET', '/health/ready', undefined, {});
            return outage.ready.status === 503 && (tally.statuses.get(503) ?? 0) > refusedBefore;
          }, 30_000);
          outage.live = await call('GET', '/health/live', undefined, {});
          await postgres.start();
        },
      ],
    ];
    try {
      for (const [fault, inflict] of faults) {
        const before = tally.acks;
        await waitUntil(`30 more writes were acknowledged before "${fault}"`, () => tally.acks >= before + 30, 60_000);
        await inflict();
        // The server is back (pg_ctl waited for it): the API must notice by itself, with no restart of its own.
        const backAt = tally.acks;
        const readyMs = await waitUntil(`the API is ready again after "${fault}"`, ready, 15_000);
        const writingMs = await waitUntil(`writes are acknowledged again after "${fault}"`, () => tally.acks > backAt + WRITERS, 20_000);
        recoveries[fault] = { readyMs, writingMs };
      }
      const last = tally.acks;
      await waitUntil('30 more writes were acknowledged after the last fault', () => tally.acks >= last + 30, 60_000);
    } finally {
      stopWriting = true;
      await Promise.all(writers);
    }

    const exited = problems().map(({ name, child }) => `${name} exited (${child.process.exitCode ?? child.process.signalCode})`);
    if (exited.length > 0) throw new Error(`${exited.join(', ')}; the apps' output:\n${outputs()}`);
    expect(tally.unexpected).toEqual([]);
    expect(tally.transportErrors).toEqual([]);
    expect([...tally.statuses.keys()].filter((status) => status >= 500 && status !== 503)).toEqual([]);
    expect(tally.statuses.get(503) ?? 0).toBeGreaterThan(0);
    expect(outage.ready).toMatchObject({ status: 503, contentType: expect.stringMatching(/^application\/problem\+json/), retryAfter: expect.stringMatching(/^\d+$/) });
    expect(outage.live?.status).toBe(200);
    expect(await call('GET', '/health', undefined, {})).toMatchObject({ status: 200 });

    // Stored exactly once: every acknowledged event is in the log, and the streams hold nothing else.
    const streams = [...tally.acknowledged.keys()];
    const acknowledgedIds = [...tally.acknowledged.values()].flat();
    const { rows: stored } = await pool.query<{ event_id: string; stream_id: string }>('SELECT event_id::text, stream_id FROM events WHERE stream_id = ANY($1)', [streams]);
    expect(stored.map((row) => row.event_id).sort()).toEqual([...acknowledgedIds].sort());

    await assertPublishedAndProjectedOnce({ pool, brokers: broker.brokers, clientId: 'reelwire-restart-test', tally, call });
    expect(problems().map(({ name }) => name)).toEqual([]);
    expect(outputs()).not.toMatch(/Unhandled 'error' event/);

    const figures = {
      writers: WRITERS,
      acknowledged: tally.acks,
      events: acknowledgedIds.length,
      answers: Object.fromEntries([...tally.statuses].sort(([a], [b]) => a - b)),
      recoveries,
    };
    process.stdout.write(`postgres-restart drill: ${JSON.stringify(figures)}\n`);
  }, 600_000);
});
