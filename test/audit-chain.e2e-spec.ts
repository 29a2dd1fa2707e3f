import { randomUUID } from 'node:crypto';
import { ADMIN, AUDITOR, BRIEF, EDITOR, startTestAdminApi, type TestAdminApi } from './support/admin-api.js';

/**
 * An auditor checks the event log's hash chain over HTTP, without a shell on the database host: GET /audit/chain
 * reports the head, the count and the verdict of the same verification `npm run verify-chain` runs.
 */
describe('GET /audit/chain: an auditor verifies the hash chain over HTTP', () => {
  let api: TestAdminApi;
  const register = (name: string) =>
    api
      .http()
      .post('/organizations')
      .set('Authorization', EDITOR)
      .send({ kind: 'production-company', country: 'KR', names: [{ text: name, language: 'en' }], source: BRIEF })
      .expect(201);

  beforeAll(async () => {
    api = await startTestAdminApi();
    for (let i = 0; i < 12; i++) await register(`Studio ${i} ${randomUUID().slice(0, 8)}`);
  });
  afterAll(async () => {
    await api?.close();
  });

  const chain = (query = '', key = AUDITOR) => api.http().get(`/audit/chain${query}`).set('Authorization', key);

  it('reports the head, the count and an intact chain; a range verifies only its events', async () => {
    const head = (await api.db.pool.query<{ position: string; hash: string }>('SELECT position::text AS position, hash FROM chain_head')).rows[0]!;
    const whole = await chain().expect(200);
    expect(whole.body).toMatchObject({ head, count: 12, verified: { from: '1', to: head.position, ok: true, checked: 12, lastGoodPosition: head.position, lastGoodHash: head.hash } });
    expect(whole.body.verified.firstBrokenAt).toBeUndefined();

    const range = await chain('?from=3&to=7').expect(200);
    expect(range.body).toMatchObject({ head, count: 12, verified: { from: '3', to: '7', ok: true, checked: 5, lastGoodPosition: '7' } });
    // an admin may too
    await chain('', ADMIN).expect(200);
  });

  it('an editor key gets 403, no key 401, and a range that is not one a 400 naming the parameter', async () => {
    expect((await chain('', EDITOR).expect(403)).body.type).toBe('/problems/forbidden');
    await api.http().get('/audit/chain').expect(401);
    const notAPosition = await chain('?from=abc').expect(400);
    expect(notAPosition.body.errors).toEqual([expect.objectContaining({ field: 'from' })]);
    const backwards = await chain('?from=9&to=3').expect(400);
    expect(backwards.body.errors).toEqual([{ field: 'from', message: 'from (9) must not be after to (3)' }]);
  });

  it('streams progress lines then the result with Accept: application/x-ndjson', async () => {
    const response = await chain().set('Accept', 'application/x-ndjson').buffer(true).parse((res, done) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => done(null, text));
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = (response.body as string).trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.slice(0, -1).every((line) => line.progress && line.progress.of === 12 && line.progress.checked <= 12)).toBe(true);
    expect(lines.at(-1)).toMatchObject({ result: { count: 12, verified: { ok: true, checked: 12 } } });
  });

  it('after a row is altered in SQL the chain is reported broken at that position; the range before it still verifies', async () => {
    const client = await api.db.pool.connect();
    try {
      // what an intruder with database access would do: change an event and bypass the append-only trigger
      await client.query('SET session_replication_role = replica');
      await client.query(`UPDATE events SET data = jsonb_set(data, '{kind}', '"broadcaster"') WHERE global_position = 8`);
      const broken = await chain().expect(200);
      expect(broken.body.verified).toMatchObject({ ok: false, firstBrokenAt: '8', checked: 7, lastGoodPosition: '7', mismatch: { reason: 'hash-mismatch', globalPosition: '8' } });
      expect(broken.body.verified.mismatch.explanation).toMatch(/stored hash does not match the event content/);
      expect((await chain('?to=7').expect(200)).body.verified).toMatchObject({ ok: true, checked: 7 });
      expect((await chain('?from=9').expect(200)).body.verified).toMatchObject({ ok: true, checked: 4 });
    } finally {
      await client.query(`UPDATE events SET data = jsonb_set(data, '{kind}', '"production-company"') WHERE global_position = 8`);
      client.release(true);
    }
    expect((await chain().expect(200)).body.verified.ok).toBe(true);
  });
});
