import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { AUDITOR, BRIEF, EDITOR, startTestAdminApi, type TestAdminApi } from './support/admin-api.js';

/**
 * The admin API moved from Express to Fastify; clients see the answers they saw before (apps/admin-api/src/http):
 * how bodies are read and refused, how paths match, ETags and 304, and the request id that is the correlation id.
 */
describe('admin API: HTTP answers kept from Express', () => {
  let api: TestAdminApi;
  beforeAll(async () => {
    api = await startTestAdminApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  // Each a film of its own (a title with a UUID): a work registered a moment ago is a duplicate candidate.
  const work = (workId = randomUUID()) => ({ workId, kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], titles: [{ text: `써니 ${randomUUID()}`, language: 'ko-Kore', class: 'original' }], source: BRIEF });
  const postRaw = (path: string, contentType: string, body: string | Buffer, headers: Record<string, string> = {}) => {
    let request = api.http().post(path).set('Authorization', EDITOR).set('Content-Type', contentType);
    for (const [name, value] of Object.entries(headers)) request = request.set(name, value);
    // As it is: superagent would send a Buffer with a JSON content type as JSON ({"type":"Buffer",…}).
    return request.serialize((raw: unknown) => raw as string).send(body);
  };

  it('reads JSON strictly, with the messages body-parser gave, and answers problem+json with the correlation id', async () => {
    const notAnObject = await postRaw('/works', 'application/json', 'null').set('X-Correlation-Id', 'compat-1');
    expect(notAnObject.status).toBe(400);
    expect(notAnObject.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(notAnObject.headers['x-correlation-id']).toBe('compat-1');
    expect(notAnObject.body).toMatchObject({ type: '/problems/validation-error', detail: 'Unexpected token \'n\', "null" is not valid JSON', instance: '/works' });

    const truncated = await postRaw('/works', 'application/json', '{"kind":');
    expect(truncated.body).toMatchObject({ status: 400, detail: 'Unexpected end of JSON input' });
  });

  it('ignores a body of another content type, so the fields are missing (400 with field errors), not a 415', async () => {
    for (const contentType of ['text/plain', 'application/xml', 'application/vnd.api+json']) {
      const response = await postRaw('/works', contentType, JSON.stringify(work()));
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'source' })]));
    }
    expect((await postRaw('/works', 'application/json; charset=latin1', '{}')).status).toBe(415);
  });

  it('refuses a body over 100 KiB with 413, and reads a gzip body', async () => {
    const tooLarge = await postRaw('/works', 'application/json', JSON.stringify({ kind: 'x'.repeat(110 * 1024) }));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toMatchObject({ status: 413, detail: 'request entity too large' });

    const workId = randomUUID();
    const gzipped = await postRaw('/works', 'application/json', gzipSync(JSON.stringify(work(workId))), { 'Content-Encoding': 'gzip' });
    expect(gzipped.status).toBe(201);
    expect((await postRaw('/works', 'application/json', Buffer.from('not gzip'), { 'Content-Encoding': 'gzip' })).status).toBe(400);
  });

  it('matches paths with a trailing slash and in any letter case; an unknown route is a 404 problem', async () => {
    const workId = randomUUID();
    expect((await api.http().post('/WORKS/').set('Authorization', EDITOR).send(work(workId))).status).toBe(201);
    const read = await api.http().get(`/works/${workId}/`).set('Authorization', AUDITOR);
    expect(read.status).toBe(200);
    expect(read.headers.etag).toBe('"1"');

    const unknown = await api.http().delete('/works').set('Authorization', EDITOR);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ type: '/problems/not-found', detail: 'Cannot DELETE /works' });
  });

  it('gives a weak ETag to answers without one and 304 to a GET that already has it', async () => {
    const workId = randomUUID();
    await api.http().post('/works').set('Authorization', EDITOR).send(work(workId)).expect(201);
    const history = await api.http().get(`/works/${workId}/history`).set('Authorization', AUDITOR);
    expect(history.headers.etag).toMatch(/^W\/"[0-9a-f]+-[A-Za-z0-9+/]{27}"$/);
    const again = await api.http().get(`/works/${workId}/history`).set('Authorization', AUDITOR).set('If-None-Match', history.headers.etag!);
    expect(again.status).toBe(304);
    expect(again.text || '').toBe('');
    expect(again.headers['content-length']).toBeUndefined();
  });
});
