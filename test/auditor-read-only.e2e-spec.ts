import { randomUUID } from 'node:crypto';
import { AUDITOR, BRIEF, EDITOR, startTestAdminApi, type TestAdminApi } from './support/admin-api.js';

/**
 * Auditors read, never write: every write route the API documents (each POST, PATCH, PUT and DELETE in /docs-json)
 * answers 403 to the auditor key — on records that exist, with a body an editor could send — and nothing is recorded.
 */
describe('admin API: an auditor key cannot write anything', () => {
  let api: TestAdminApi;
  beforeAll(async () => {
    api = await startTestAdminApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  const post = (path: string, body: object) => api.http().post(path).set('Authorization', EDITOR).send(body).expect((r) => expect(r.status).toBeLessThan(300));
  const count = async (table: string) => (await api.db.pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

  it('every write route in the OpenAPI document is 403 for the auditor key, and no event, outbox row or idempotency key is recorded', async () => {
    const workId = randomUUID();
    await post('/works', { workId, kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], titles: [{ text: '써니', language: 'ko-Kore', class: 'original' }], source: BRIEF });
    const organizationId = (await post('/organizations', { kind: 'production-company', country: 'KR', names: [{ text: 'CJ ENM', language: 'en' }], source: BRIEF })).body.id;
    const personId = (await post('/people', { names: [{ text: 'Kang Hyeong-cheol', language: 'ko-Latn' }], nationalities: ['KR'], source: BRIEF })).body.id;
    const dealId = (
      await post('/deals', {
        type: 'remake-rights',
        parties: [{ organizationId, side: 'licensor' }],
        works: [{ workId, role: 'source' }],
        territories: ['XW'],
        termsDisclosed: false,
        announcedAt: { date: '2018', precision: 'year' },
        source: BRIEF,
      })
    ).body.id;
    await post(`/works/${workId}/credits`, { organizationId, role: 'producer', country: 'KR', source: BRIEF });
    await post(`/works/${workId}/attachments`, { personId, role: 'director', source: BRIEF });
    await post(`/works/${workId}/releases`, { territory: 'KR', type: 'theatrical', date: { date: '2011-05-04', precision: 'day' }, source: BRIEF }).catch(() => undefined);
    const state = (await api.http().get(`/works/${workId}`).set('Authorization', AUDITOR)).body.state;
    const ids: Record<string, string> = {
      workId,
      organizationId,
      personId,
      dealId,
      creditId: state.credits[0]?.creditId ?? randomUUID(),
      attachmentId: state.attachments[0]?.attachmentId ?? randomUUID(),
      releaseId: state.releases?.[0]?.releaseId ?? randomUUID(),
    };

    const before = { events: await count('events'), outbox: await count('outbox'), keys: await count('idempotency_keys') };
    const document = (await api.http().get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    const writes: Array<{ method: string; path: string }> = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const method of Object.keys(operations)) if (['post', 'patch', 'put', 'delete'].includes(method)) writes.push({ method, path });
    }
    // every kind of write the README lists is in the document
    expect(writes.length).toBeGreaterThanOrEqual(30);
    expect(writes).toEqual(expect.arrayContaining([{ method: 'post', path: '/works' }, { method: 'patch', path: '/works/{workId}' }, { method: 'post', path: '/works/{workId}/credits/{creditId}/move' }, { method: 'post', path: '/deals/{dealId}/retractions' }]));

    const answers: string[] = [];
    for (const { method, path } of writes) {
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? randomUUID());
      const body = { source: BRIEF, note: 'an auditor trying to write', fact: { type: 'work', id: workId }, targetWorkId: workId };
      const response = await (api.http() as unknown as Record<string, (url: string) => import('supertest').Test>)[method]!(url)
        .set('Authorization', AUDITOR)
        .set('Idempotency-Key', `auditor-${randomUUID()}`)
        .send(body);
      answers.push(`${method.toUpperCase()} ${path} → ${response.status} ${response.body?.type ?? ''}`);
    }
    expect(answers).toEqual(writes.map(({ method, path }) => `${method.toUpperCase()} ${path} → 403 /problems/forbidden`));

    expect({ events: await count('events'), outbox: await count('outbox'), keys: await count('idempotency_keys') }).toEqual(before);
  });
});
