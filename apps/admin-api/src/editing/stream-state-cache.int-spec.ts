import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { PostgresEventStore } from '../../../../libs/event-store/src/index.js';
import { DEV_API_KEYS } from '../config/app-config.js';
import { createAdminApi } from '../create-admin-api.js';
import { AGGREGATES, foldState } from './aggregate-catalog.js';
import { StreamStateCache } from './stream-state-cache.js';

const EDITOR = 'Bearer dev-editor-key';
const SOURCE = { publisher: 'Variety', url: 'https://variety.com/2024/film/news/example', language: 'en' };

/**
 * Two admin API instances on one database, as behind a load balancer: each keeps its own stream state cache, so one
 * instance's cache goes stale whenever the other writes. Only the database's expected-version check keeps them
 * correct; these tests make an instance decide on a state it knows to be stale and check the answers.
 */
describe('stream state cache: two admin API instances on one database', () => {
  let db: TestDatabase;
  let a: INestApplication;
  let b: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = { port: 0, databaseUrl: db.url, apiKeys: DEV_API_KEYS, logLevel: 'silent', usingDevKeys: true };
    a = await createAdminApi(config);
    b = await createAdminApi(config);
    await Promise.all([a.init(), b.init()]);
    await Promise.all([a.getHttpAdapter().getInstance().ready(), b.getHttpAdapter().getInstance().ready()]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await db?.drop();
  });

  const post = (app: INestApplication, path: string, body: object) => request(app.getHttpServer()).post(path).set('Authorization', EDITOR).send(body);
  const milestone = (label: string) => ({ label, kind: 'rights-acquired', date: { date: '2018-05', precision: 'month' }, source: SOURCE });
  const cacheOf = (app: INestApplication) => app.get(StreamStateCache);
  const stored = async (workId: string) => {
    const { rows } = await db.pool.query<{ version: number; labels: string[] }>(
      `SELECT count(*)::int AS version, coalesce(array_agg(data->>'label' ORDER BY stream_version) FILTER (WHERE type = 'MilestoneRecorded'), '{}') AS labels
       FROM events WHERE stream_id = $1`,
      [`work-${workId}`],
    );
    return rows[0]!;
  };

  /** A work registered and edited once through `a`, then edited through `b`: `a` remembers version 2, the store is at 3. */
  async function staleOnA(): Promise<string> {
    const workId = randomUUID();
    const registered = await post(a, '/works', {
      workId,
      kind: 'feature-film',
      originalLanguage: 'ko',
      countries: ['KR'],
      // A film of its own per story: a work registered a moment ago is a duplicate candidate (409).
      titles: [{ text: `Cache test ${workId}`, language: 'en', class: 'original', primary: true }],
      status: 'announced',
      source: SOURCE,
    });
    expect(registered.status).toBe(201);
    expect((await post(a, `/works/${workId}/milestones`, milestone('seen by a'))).status).toBe(200);
    expect((await post(b, `/works/${workId}/milestones`, milestone('written by b'))).status).toBe(200);
    expect(cacheOf(a).get(`work-${workId}`)?.version).toBe(2);
    expect((await stored(workId)).version).toBe(3);
    return workId;
  }

  it('an edit on a stale cache loses nothing the other instance recorded', async () => {
    const workId = await staleOnA();
    const edit = await post(a, `/works/${workId}/milestones`, milestone('after b'));
    expect(edit.status).toBe(200);
    expect(edit.body.version).toBe(4);
    expect(await stored(workId)).toEqual({ version: 4, labels: ['seen by a', 'written by b', 'after b'] });
  });

  it('If-Match with the stale cached version is a 409 with the current version, and records nothing', async () => {
    const workId = await staleOnA();
    const stale = await post(a, `/works/${workId}/milestones`, milestone('based on version 2')).set('If-Match', '"2"');
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ type: '/problems/concurrency-conflict', expectedVersion: 2, currentVersion: 3 });
    expect((await stored(workId)).version).toBe(3);
  });

  it('If-Match with the current version is accepted although the cache remembers an older one', async () => {
    const workId = await staleOnA();
    const current = await post(a, `/works/${workId}/milestones`, milestone('based on version 3')).set('If-Match', '"3"');
    expect(current.status).toBe(200);
    expect(current.headers.etag).toBe('"4"');
  });

  it("a rule the stale state would pass but the stored state breaks is refused (422), and records nothing", async () => {
    const workId = await staleOnA();
    // `a` does not know that b recorded this milestone; the store does.
    const duplicate = await post(a, `/works/${workId}/milestones`, milestone('written by b'));
    expect(duplicate.status).toBe(422);
    expect((await stored(workId)).version).toBe(3);
  });

  it('a command the stale state would refuse but the stored state allows is accepted', async () => {
    const workId = await staleOnA();
    const titleId = randomUUID();
    expect((await post(b, `/works/${workId}/titles`, { titleId, text: 'Title added by b', language: 'en', class: 'working', source: SOURCE })).status).toBe(200);
    // On its cached state `a` has never heard of this title.
    const primary = await post(a, `/works/${workId}/primary-title`, { titleId, source: SOURCE });
    expect(primary.status).toBe(200);
    expect(primary.body.version).toBe(5);
  });

  it('concurrent edits through both instances: every acknowledged edit is stored, at consecutive versions', async () => {
    const workId = await staleOnA();
    const attempts = await Promise.all(Array.from({ length: 16 }, (_, i) => post(i % 2 ? a : b, `/works/${workId}/milestones`, milestone(`concurrent ${i}`))));
    for (const attempt of attempts) expect([200, 409]).toContain(attempt.status);
    const acknowledged = attempts.filter((attempt) => attempt.status === 200);
    const after = await stored(workId);
    expect(after.version).toBe(3 + acknowledged.length);
    expect(after.labels.slice(2).sort()).toEqual(acknowledged.map((attempt) => `concurrent ${attempts.indexOf(attempt)}`).sort());
    expect(new Set(acknowledged.map((attempt) => attempt.body.version)).size).toBe(acknowledged.length);
  });

  it('the state it remembers after an append is the state folded from the store', async () => {
    const workId = await staleOnA();
    for (const label of ['one', 'two', 'three']) expect((await post(a, `/works/${workId}/milestones`, milestone(label))).status).toBe(200);
    const remembered = cacheOf(a).get(`work-${workId}`);
    const fromStore = foldState(AGGREGATES.work, await a.get(PostgresEventStore).readStream(`work-${workId}`));
    expect(remembered?.version).toBe(6);
    expect(remembered).toEqual(fromStore);
  });

  it('after an accepted edit and after a refused one, the remembered state is the stream folded from the store', async () => {
    const workId = await staleOnA();
    const streamId = `work-${workId}`;
    const fromStore = async () => foldState(AGGREGATES.work, await a.get(PostgresEventStore).readStream(streamId));
    expect((await post(a, `/works/${workId}/milestones`, milestone('re-read'))).status).toBe(200);
    for (const label of ['accepted one', 'accepted two']) expect((await post(a, `/works/${workId}/milestones`, milestone(label))).status).toBe(200);
    const accepted = cacheOf(a).get(streamId)!;
    const acceptedJson = JSON.stringify(accepted);
    expect(accepted.version).toBe(6);
    expect(accepted).toEqual(await fromStore());
    // Refused on the remembered state (a duplicate), then on the stored one: nothing is recorded.
    expect((await post(a, `/works/${workId}/milestones`, milestone('accepted two'))).status).toBe(422);
    expect((await stored(workId)).version).toBe(6);
    expect(cacheOf(a).get(streamId)).toEqual(await fromStore());
    expect((await post(a, `/works/${workId}/milestones`, milestone('after the refusal'))).status).toBe(200);
    const after = cacheOf(a).get(streamId)!;
    expect(after.version).toBe(7);
    expect(after).toEqual(await fromStore());
    // A state once remembered is never changed by the edits folded on after it.
    expect(JSON.stringify(accepted)).toBe(acceptedJson);
  });
});
