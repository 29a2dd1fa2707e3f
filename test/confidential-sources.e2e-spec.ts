import { randomUUID } from 'node:crypto';
import { DEV_API_KEYS } from '../apps/admin-api/src/config/app-config.js';
import { AUDITOR, BRIEF, EDITOR, startTestAdminApi } from './support/admin-api.js';
import { startTestPipeline, type TestPipeline } from './support/pipeline.js';
import { everyRowAsText, readTopicsUntil, whereFound } from './support/sealed-data.js';

const READER_KEY = 'reader-key-for-the-public-desk';
const READER = `Bearer ${READER_KEY}`;

/** What only the desk may know about the deal's source: none of it may leave the log unsealed. */
const INSIDER = {
  url: 'https://deals.example/memo/greenplanet-insider-7f3a',
  title: 'Memo forwarded by Quentin Halvorsen-Insider',
  excerpt: 'Quentin Halvorsen-Insider, a person familiar with the deal, confirms the option was signed',
  retrievedAt: '2026-11-30T09:15:00Z',
};
const WITHHELD_PUBLISHER = 'Halvorsen Private Newsletter';
const SECRETS = [INSIDER.url, INSIDER.title, INSIDER.excerpt, 'Halvorsen', 'greenplanet-insider-7f3a', WITHHELD_PUBLISHER];

/**
 * An editor's story: a deal is known from "a person familiar with the deal" whose identity the desk keeps. The
 * identifying details are sealed before they enter the log; editors and auditors read them; Kafka, the read models,
 * the log's own rows and a reader see only "confidential source" and who published it, when, in which language.
 */
describe('confidential sources: sealed in the log, opened for the desk, a label everywhere else', () => {
  let pipeline: TestPipeline;
  let workId: string;
  const sourceId = randomUUID();

  beforeAll(async () => {
    pipeline = await startTestPipeline({ apiKeys: [...DEV_API_KEYS, { principal: 'public-desk', role: 'reader', key: READER_KEY }] });
    const http = () => pipeline.api.http();
    workId = (
      await http()
        .post('/works')
        .set('Authorization', EDITOR)
        .send({ kind: 'feature-film', originalLanguage: 'en', countries: ['US'], titles: [{ text: 'Save the Green Planet! (US remake)', language: 'en', class: 'original', primary: true }], source: BRIEF })
        .expect(201)
    ).body.id;
    // Two facts from the same insider: one names the trade paper that ran it, one withholds even the publisher.
    await http()
      .post(`/works/${workId}/status-changes`)
      .set('Authorization', EDITOR)
      .send({ to: 'in-development', effective: { date: '2026', precision: 'year' }, source: { publisher: 'Variety', publishedAt: '2026-11-29', language: 'en', ...INSIDER, confidential: true, sourceId } })
      .expect(200);
    await http()
      .post(`/works/${workId}/milestones`)
      .set('Authorization', EDITOR)
      .send({
        label: 'Option signed',
        kind: 'rights-acquired',
        date: { date: '2026-11', precision: 'month' },
        source: { publisher: WITHHELD_PUBLISHER, language: 'en', excerpt: INSIDER.excerpt, confidential: true, sourceId, withholdPublisher: true },
      })
      .expect(200);
    await pipeline.caughtUp();
  }, 90_000);
  afterAll(async () => {
    await pipeline?.close();
  });

  const history = async (authorization: string) => {
    const response = await pipeline.api.http().get(`/works/${workId}/history`).set('Authorization', authorization).expect(200);
    return response.body.entries as Array<{ type: string; source: Record<string, unknown> }>;
  };

  it('shows an auditor (and an editor) the source in full, with its id, as if it had never been sealed', async () => {
    for (const who of [AUDITOR, EDITOR]) {
      const [, status, milestone] = await history(who);
      expect(status!.source).toEqual({ publisher: 'Variety', publishedAt: '2026-11-29', language: 'en', ...INSIDER, confidential: { label: 'confidential source', sourceId } });
      expect(milestone!.source).toEqual({ publisher: WITHHELD_PUBLISHER, language: 'en', excerpt: INSIDER.excerpt, confidential: { label: 'confidential source', sourceId } });
    }
    const feed = await pipeline.api.http().get(`/history?streamId=work-${workId}&order=asc`).set('Authorization', AUDITOR).expect(200);
    expect(feed.body.entries[1].source.excerpt).toBe(INSIDER.excerpt);
  });

  it('shows a reader only "confidential source" and the publisher-level facts; a reader writes nothing', async () => {
    const [, status, milestone] = await history(READER);
    expect(status!.source).toEqual({ publisher: 'Variety', publishedAt: '2026-11-29', language: 'en', confidential: { label: 'confidential source' } });
    expect(milestone!.source).toEqual({ publisher: 'confidential source', language: 'en', confidential: { label: 'confidential source' } });
    const feed = await pipeline.api.http().get('/history?limit=500').set('Authorization', READER).expect(200);
    expect(whereFound([['GET /history as a reader', JSON.stringify(feed.body)]], SECRETS)).toEqual([]);
    const write = await pipeline.api.http().post(`/works/${workId}/titles`).set('Authorization', READER).send({ text: 'x', language: 'en', class: 'working', source: BRIEF });
    expect(write.status).toBe(403);
    expect(write.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('publishes on Kafka no byte of the identity: key, value and headers say "confidential source" and the publisher only', async () => {
    const { rows } = await pipeline.api.db.pool.query<{ event_id: string }>(`SELECT event_id::text FROM events WHERE stream_id = $1 ORDER BY stream_version`, [`work-${workId}`]);
    const messages = await readTopicsUntil(pipeline.broker.brokers, rows.map((r) => r.event_id));
    expect(whereFound(messages.map((m) => [`${m.topic} ${m.eventId}`, m.bytes]), SECRETS)).toEqual([]);
    const sources = rows.slice(1).map((row) => (messages.find((m) => m.eventId === row.event_id)!.value.metadata as { source: unknown }).source);
    expect(sources).toEqual([
      { publisher: 'Variety', publishedAt: '2026-11-29', language: 'en', confidential: { label: 'confidential source' } },
      { publisher: 'confidential source', language: 'en', confidential: { label: 'confidential source' } },
    ]);
    // No ciphertext or key id travels either: downstream cannot even tell two facts came from the same source.
    expect(messages.map((m) => m.bytes).join('\n')).not.toMatch(/ciphertext|keyId|sourceId/);
  });

  it('keeps no plaintext anywhere in PostgreSQL: events, outbox, read models and their history hold only ciphertext', async () => {
    const tables = await everyRowAsText(pipeline.api.db.pool);
    expect(tables.get('read_models.project_status')).toContain(workId);
    expect(whereFound(tables, SECRETS)).toEqual([]);
    // One data key for the source, shared by both facts; the log names it and holds the ciphertext.
    const keys = await pipeline.api.db.pool.query<{ key_id: string; scope_id: string }>(`SELECT key_id::text, scope_id FROM data_keys WHERE scope_type = 'source'`);
    expect(keys.rows).toEqual([{ key_id: expect.any(String), scope_id: sourceId }]);
    const stored = await pipeline.api.db.pool.query<{ confidential: Record<string, string> }>(
      `SELECT metadata->'source'->'confidential' AS confidential FROM events WHERE stream_id = $1 AND metadata->'source' ? 'confidential' ORDER BY stream_version`,
      [`work-${workId}`],
    );
    expect(stored.rows.map((r) => r.confidential.keyId)).toEqual([keys.rows[0]!.key_id, keys.rows[0]!.key_id]);
    expect(stored.rows.every((r) => r.confidential.algorithm === 'AES-256-GCM' && r.confidential.ciphertext!.length > 40)).toBe(true);
  });

  it('refuses a source id without confidential, naming the field, and records nothing', async () => {
    const before = await pipeline.api.db.pool.query('SELECT count(*)::int AS n FROM events');
    const response = await pipeline.api
      .http()
      .post(`/works/${workId}/milestones`)
      .set('Authorization', EDITOR)
      .send({ label: 'Script', kind: 'script', date: { date: '2026', precision: 'year' }, source: { publisher: 'Variety', sourceId } });
    expect(response.status).toBe(422);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.body.errors).toEqual([{ field: 'source.confidential', message: expect.stringMatching(/must be true/) }]);
    expect((await pipeline.api.db.pool.query('SELECT count(*)::int AS n FROM events')).rows[0].n).toBe(before.rows[0].n);
  });

  it('seals a move too: both halves on both works carry the same sealed source, and neither shows it on Kafka', async () => {
    const http = () => pipeline.api.http();
    const register = async () =>
      (
        await http()
          .post('/works')
          .set('Authorization', EDITOR)
          .send({ kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], titles: [{ text: `Work ${randomUUID()}`, language: 'en', class: 'original', primary: true }], source: BRIEF })
          .expect(201)
      ).body.id as string;
    const [from, to] = [await register(), await register()];
    const organizationId = (await http().post('/organizations').set('Authorization', EDITOR).send({ kind: 'production-company', country: 'KR', names: [{ text: 'CJ ENM', language: 'en' }], source: BRIEF }).expect(201)).body.id;
    const creditId = randomUUID();
    await http().post(`/works/${from}/credits`).set('Authorization', EDITOR).send({ creditId, organizationId, role: 'producer', country: 'KR', source: BRIEF }).expect(200);
    const moved = await http()
      .post(`/works/${from}/credits/${creditId}/move`)
      .set('Authorization', EDITOR)
      .send({ targetWorkId: to, note: 'The insider says it is the other film', source: { publisher: 'Variety', ...INSIDER, confidential: true, sourceId } })
      .expect(200);
    const halves = moved.body.events as Array<{ eventId: string; streamId: string }>;
    expect(halves.map((e) => e.streamId).sort()).toEqual([`work-${from}`, `work-${to}`].sort());
    for (const work of [from, to]) {
      const entries = (await http().get(`/works/${work}/history`).set('Authorization', AUDITOR).expect(200)).body.entries;
      expect(entries.at(-1).source).toMatchObject({ url: INSIDER.url, confidential: { label: 'confidential source', sourceId } });
    }
    const messages = await readTopicsUntil(pipeline.broker.brokers, halves.map((e) => e.eventId));
    expect(whereFound(messages.map((m) => [`${m.topic} ${m.eventId}`, m.bytes]), SECRETS)).toEqual([]);
    expect(whereFound(await everyRowAsText(pipeline.api.db.pool, ['public']), SECRETS)).toEqual([]);
  });

  it('seals a merge of two people: both halves carry the sealed source; its kind, like the publisher, stays readable', async () => {
    const http = () => pipeline.api.http();
    const register = async (name: string) =>
      (await http().post('/people').set('Authorization', EDITOR).send({ names: [{ text: name, language: 'en', primary: true }], nationalities: ['KR'], source: BRIEF }).expect(201)).body.id as string;
    const duplicate = await register('Yeon Sang-ho');
    const survivor = await register('Oh Jung-se');
    const merged = await http()
      .post(`/people/${duplicate}/merge`)
      .set('Authorization', EDITOR)
      .send({ survivorId: survivor, note: 'The insider says both records are one actor', source: { publisher: 'Variety', kind: 'interview', ...INSIDER, confidential: true, sourceId } })
      .expect(200);
    const halves = merged.body.events as Array<{ eventId: string; streamId: string }>;
    expect(halves.map((e) => e.streamId).sort()).toEqual([`person-${duplicate}`, `person-${survivor}`].sort());
    for (const person of [duplicate, survivor]) {
      const entries = (await http().get(`/people/${person}/history`).set('Authorization', AUDITOR).expect(200)).body.entries;
      expect(entries.at(-1).source).toEqual({ publisher: 'Variety', kind: 'interview', ...INSIDER, confidential: { label: 'confidential source', sourceId } });
      const shown = (await http().get(`/people/${person}/history`).set('Authorization', READER).expect(200)).body.entries;
      expect(shown.at(-1).source).toEqual({ publisher: 'Variety', kind: 'interview', confidential: { label: 'confidential source' } });
    }
    const messages = await readTopicsUntil(pipeline.broker.brokers, halves.map((e) => e.eventId));
    expect(whereFound(messages.map((m) => [`${m.topic} ${m.eventId}`, m.bytes]), SECRETS)).toEqual([]);
    const published = messages.filter((m) => halves.some((half) => half.eventId === m.eventId));
    expect(published.map((m) => (m.value.metadata as { source: unknown }).source)).toEqual([
      { publisher: 'Variety', kind: 'interview', confidential: { label: 'confidential source' } },
      { publisher: 'Variety', kind: 'interview', confidential: { label: 'confidential source' } },
    ]);
    expect(whereFound(await everyRowAsText(pipeline.api.db.pool, ['public']), SECRETS)).toEqual([]);
  });

  it("a reader changes no fact's standing, merges nothing and does not verify the chain (403 problem+json)", async () => {
    const http = () => pipeline.api.http();
    const refusals = [
      await http().post(`/works/${workId}/standing-changes`).set('Authorization', READER).send({ fact: { type: 'work', id: workId }, standing: 'confirmed', source: BRIEF }),
      await http().post(`/people/${randomUUID()}/merge`).set('Authorization', READER).send({ survivorId: randomUUID(), note: 'x', source: BRIEF }),
      await http().get('/audit/chain').set('Authorization', READER),
    ];
    expect(refusals.map((r) => [r.status, r.headers['content-type']])).toEqual(Array(3).fill([403, expect.stringMatching(/application\/problem\+json/)]));
  });

  it('without a key-encryption key (production without REELWIRE_KEY_ENCRYPTION_KEY) refuses a confidential source, naming the variable', async () => {
    const unconfigured = await startTestAdminApi({ keyEncryptionKey: undefined });
    try {
      const response = await unconfigured
        .http()
        .post('/organizations')
        .set('Authorization', EDITOR)
        .send({ kind: 'production-company', country: 'KR', names: [{ text: 'CJ ENM', language: 'en' }], source: { publisher: 'Variety', ...INSIDER, confidential: true } });
      expect(response.status).toBe(422);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(response.body.errors).toEqual([{ field: 'source.confidential', message: expect.stringContaining('REELWIRE_KEY_ENCRYPTION_KEY') }]);
      expect((await unconfigured.db.pool.query('SELECT count(*)::int AS n FROM events')).rows[0].n).toBe(0);
    } finally {
      await unconfigured.close();
    }
  });
});
