import { randomUUID } from 'node:crypto';
import { DEV_API_KEYS } from '../apps/admin-api/src/config/app-config.js';
import { exportLog, importLog, type ExportedEvent } from '../libs/audit/src/log-transfer.js';
import { PostgresEventStore } from '../libs/event-store/src/index.js';
import { verifyReadModels } from '../libs/read-models/src/rebuild/rebuild.js';
import { ADMIN, AUDITOR, BRIEF, EDITOR } from './support/admin-api.js';
import { startTestPipeline, type TestPipeline } from './support/pipeline.js';
import { everyRowAsText, readTopicsUntil, whereFound } from './support/sealed-data.js';
import { createTestDatabase } from './support/test-database.js';

const READER_KEY = 'reader-key-for-the-public-desk';
const READER = `Bearer ${READER_KEY}`;

/** What the desk records about the person privately, and what the person later asks to have erased. */
const PRIVATE = { dateOfBirth: '1985-07-14', birthName: 'Thaddeus Okonkwo-Brightwater', contact: 'agent: brightwater-agency@example.test' };
const SECRETS = ['1985-07-14', 'Okonkwo', 'Brightwater'];
const REQUEST = { note: 'The person asked for erasure of their personal data (request 2026-12-01, ticket 4711)', source: { publisher: 'reelwire data protection desk' } };

/**
 * The data protection story: a person's private details are recorded sealed under the person's own key; the person asks
 * for erasure; an admin destroys the key. Afterwards no one reads the details — not an auditor, not an admin, not a copy
 * of the log — while the hash chain, a rebuild of the read models and an export/import of the log all still verify.
 */
describe('erasure of personal data: POST /people/{id}/erasure destroys the key, the log stays whole', () => {
  let pipeline: TestPipeline;
  let personId: string;

  beforeAll(async () => {
    pipeline = await startTestPipeline({ apiKeys: [...DEV_API_KEYS, { principal: 'public-desk', role: 'reader', key: READER_KEY }] });
    personId = (
      await pipeline.api
        .http()
        .post('/people')
        .set('Authorization', EDITOR)
        .send({ names: [{ text: 'Teddy Marsh', language: 'en' }], nationalities: ['GB'], birthYear: 1985, privateDetails: PRIVATE, source: BRIEF })
        .expect(201)
    ).body.id;
    const updated = await pipeline.api.http().patch(`/people/${personId}`).set('Authorization', EDITOR).send({ changes: { externalIds: { imdb: 'nm1234567' } }, source: BRIEF });
    expect({ status: updated.status, body: updated.body }).toMatchObject({ status: 200 });
    await pipeline.caughtUp();
  }, 90_000);
  afterAll(async () => {
    await pipeline?.close();
  });

  const history = async (authorization: string) =>
    (await pipeline.api.http().get(`/people/${personId}/history`).set('Authorization', authorization).expect(200)).body.entries as Array<{ type: string; personalData?: unknown; data: Record<string, unknown> }>;
  const erase = (authorization: string) => pipeline.api.http().post(`/people/${personId}/erasure`).set('Authorization', authorization).send(REQUEST);

  it('before erasure: an auditor reads the private details; a reader, Kafka and every table see only the label', async () => {
    const [registered, updated] = await history(AUDITOR);
    expect(registered!.personalData).toEqual({ label: 'personal data', details: PRIVATE });
    expect(updated!.personalData).toBeUndefined();
    expect((await history(READER))[0]!.personalData).toEqual({ label: 'personal data' });
    // The person as the desk reads it: the private details opened beside the public state; a reader sees the label.
    const person = await pipeline.api.http().get(`/people/${personId}`).set('Authorization', AUDITOR).expect(200);
    expect(person.body.personalData).toEqual({ label: 'personal data', details: PRIVATE });
    expect(whereFound([['GET /people/{id} state', JSON.stringify(person.body.state)]], SECRETS)).toEqual([]);
    const asReader = await pipeline.api.http().get(`/people/${personId}`).set('Authorization', READER).expect(200);
    expect(asReader.body.personalData).toEqual({ label: 'personal data' });
    expect(whereFound([['GET /people/{id} as a reader', JSON.stringify(asReader.body)]], SECRETS)).toEqual([]);

    const { rows } = await pipeline.api.db.pool.query<{ event_id: string }>(`SELECT event_id::text FROM events WHERE stream_id = $1 ORDER BY stream_version`, [`person-${personId}`]);
    const messages = await readTopicsUntil(pipeline.broker.brokers, rows.map((r) => r.event_id));
    expect(whereFound(messages.map((m) => [`${m.topic} ${m.eventId}`, m.bytes]), SECRETS)).toEqual([]);
    expect((messages.find((m) => m.eventId === rows[0]!.event_id)!.value.metadata as { personalData: unknown }).personalData).toEqual({ label: 'personal data' });
    expect(whereFound(await everyRowAsText(pipeline.api.db.pool), SECRETS)).toEqual([]);
  });

  it('refuses an editor and an auditor (403 problem+json) and a person that does not exist (404); erases nothing', async () => {
    for (const who of [EDITOR, AUDITOR, READER]) {
      const refused = await erase(who);
      expect(refused.status).toBe(403);
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(refused.body.type).toMatch(/forbidden/);
    }
    const unknown = await pipeline.api.http().post(`/people/${randomUUID()}/erasure`).set('Authorization', ADMIN).send(REQUEST);
    expect(unknown.status).toBe(404);
    const bad = await pipeline.api.http().post(`/people/${personId}/erasure`).set('Authorization', ADMIN).send({ source: REQUEST.source });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('note');
    expect((await history(AUDITOR))[0]!.personalData).toEqual({ label: 'personal data', details: PRIVATE });
  });

  it('erases: the key is destroyed, PersonDataErased is recorded and published, and nobody reads the details any more', async () => {
    const { rows: keys } = await pipeline.api.db.pool.query<{ key_id: string }>(`SELECT key_id::text FROM data_keys WHERE scope_type = 'person' AND scope_id = $1`, [personId]);
    expect(keys).toHaveLength(1);
    const erased = await erase(ADMIN).expect(200);
    expect(erased.body.events).toEqual([expect.objectContaining({ type: 'PersonDataErased' })]);
    expect((await pipeline.api.db.pool.query(`SELECT 1 FROM data_keys WHERE scope_type = 'person' AND scope_id = $1`, [personId])).rowCount).toBe(0);

    for (const who of [ADMIN, AUDITOR, EDITOR]) {
      const entries = await history(who);
      expect(entries[0]!.personalData).toEqual({ label: 'personal data', erased: true });
      expect(entries.at(-1)).toMatchObject({ type: 'PersonDataErased', data: { personId, erasedKeyIds: [keys[0]!.key_id], note: REQUEST.note } });
      expect(whereFound([['history', JSON.stringify(entries)]], SECRETS)).toEqual([]);
    }
    const person = await pipeline.api.http().get(`/people/${personId}`).set('Authorization', ADMIN).expect(200);
    expect(person.body.personalData).toEqual({ label: 'personal data', erased: true });
    // The ciphertext is still in the log, untouched: only the key is gone.
    const stored = await pipeline.api.db.pool.query(`SELECT metadata->'personalData'->>'ciphertext' AS c FROM events WHERE stream_id = $1 AND stream_version = 1`, [`person-${personId}`]);
    expect(stored.rows[0].c.length).toBeGreaterThan(40);

    const messages = await readTopicsUntil(pipeline.broker.brokers, [erased.body.events[0].eventId]);
    expect(messages.find((m) => m.eventId === erased.body.events[0].eventId)!.value).toMatchObject({ type: 'PersonDataErased', data: { personId } });
  });

  it('erases a duplicate merged into another record: its own key only, without a redirect; the survivor keeps its own', async () => {
    const http = () => pipeline.api.http();
    const register = async (name: string, privateDetails: Record<string, string>) =>
      (await http().post('/people').set('Authorization', EDITOR).send({ names: [{ text: name, language: 'en' }], nationalities: ['GH'], privateDetails, source: BRIEF }).expect(201)).body.id as string;
    const duplicate = await register('Ama Mensah', { birthName: 'Amaris Oduya-Quarcoo' });
    const survivor = await register('Kofi Boateng', { contact: 'agent: survivor-agency@example.test' });
    await http().post(`/people/${duplicate}/merge`).set('Authorization', EDITOR).send({ survivorId: survivor, note: 'One person: the agency confirms', source: BRIEF }).expect(200);
    expect((await http().get(`/people/${duplicate}`).set('Authorization', ADMIN)).status).toBe(307);

    const erased = await http().post(`/people/${duplicate}/erasure`).set('Authorization', ADMIN).send(REQUEST).expect(200);
    expect(erased.body.events).toEqual([expect.objectContaining({ type: 'PersonDataErased', streamId: `person-${duplicate}` })]);
    const keysLeft = await pipeline.api.db.pool.query<{ scope_id: string }>(`SELECT scope_id FROM data_keys WHERE scope_type = 'person' AND scope_id = ANY($1::text[])`, [[duplicate, survivor]]);
    expect(keysLeft.rows.map((row) => row.scope_id)).toEqual([survivor]);
    const duplicateHistory = (await http().get(`/people/${duplicate}/history`).set('Authorization', AUDITOR).expect(200)).body.entries;
    expect(duplicateHistory[0].personalData).toEqual({ label: 'personal data', erased: true });
    expect(whereFound([['duplicate history', JSON.stringify(duplicateHistory)]], ['Oduya-Quarcoo'])).toEqual([]);
    const survivorView = await http().get(`/people/${survivor}`).set('Authorization', AUDITOR).expect(200);
    expect(survivorView.body.personalData).toEqual({ label: 'personal data', details: { contact: 'agent: survivor-agency@example.test' } });
  });

  it('after erasure the chain verifies, a rebuild of the read models equals them, and an export imports and verifies elsewhere', async () => {
    await pipeline.caughtUp();
    const pool = pipeline.api.db.pool;
    const chain = await new PostgresEventStore(pool).verifyChain();
    expect(chain).toMatchObject({ ok: true });
    expect(chain.checked).toBeGreaterThanOrEqual(3);

    const replay = await verifyReadModels({ pool });
    expect(replay.differences).toEqual([]);
    expect(replay.ok).toBe(true);

    const lines: string[] = [];
    const exported = await exportLog(pool, {}, (event: ExportedEvent) => {
      lines.push(JSON.stringify(event));
    });
    expect(exported.exported).toBe(chain.checked);
    expect(whereFound([['export', lines.join('\n')]], SECRETS)).toEqual([]);

    const elsewhere = await createTestDatabase();
    try {
      await importLog(
        elsewhere.pool,
        (async function* () {
          yield* lines;
        })(),
      );
      const copied = await new PostgresEventStore(elsewhere.pool).verifyChain();
      expect(copied).toMatchObject({ ok: true, headHash: chain.headHash, headPosition: chain.headPosition });
    } finally {
      await elsewhere.drop();
    }
  }, 120_000);
});
