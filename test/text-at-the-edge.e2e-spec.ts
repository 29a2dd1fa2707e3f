import { randomUUID } from 'node:crypto';
import { AUDITOR, BRIEF, EDITOR } from './support/admin-api.js';
import { startTestPipeline, type TestPipeline } from './support/pipeline.js';

/**
 * What an editor types reaches the log as one canonical text or not at all: decomposed Unicode is stored composed
 * (and found by search either way), control characters and broken UTF-16 are a 400 naming the field, dates that do
 * not exist are refused, ids are read in any case, and a field left out never clears anything. Over HTTP, against a
 * real PostgreSQL, with the relay and projector behind the read models.
 */
describe('admin API: text and ids at the edge, strict parsing', () => {
  let pipeline: TestPipeline;
  beforeAll(async () => {
    pipeline = await startTestPipeline();
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  const http = () => pipeline.api.http();
  const get = (path: string) => http().get(path).set('Authorization', AUDITOR);
  const post = (path: string, body: object | string) => {
    const request = http().post(path).set('Authorization', EDITOR);
    return typeof body === 'string' ? request.set('Content-Type', 'application/json').send(body) : request.send(body);
  };
  const eventCount = async () => Number((await pipeline.api.db.pool.query('SELECT count(*) FROM events')).rows[0].count);

  const COMPOSED = 'Mang mẹ đi bỏ';
  const DECOMPOSED = COMPOSED.normalize('NFD');

  // A random title by default: each test registers a film of its own, not a likely duplicate of the last one.
  function work(title = `Work ${randomUUID()}`, workId = randomUUID()) {
    return { workId, kind: 'feature-film', originalLanguage: 'vi', countries: ['VN'], titles: [{ text: title, language: 'vi', class: 'original' }], source: BRIEF };
  }

  async function registerWork(title?: string) {
    const body = work(title);
    const response = await post('/works', body);
    expect(response.status).toBe(201);
    return body.workId;
  }

  async function registerOrganization(name: string) {
    const response = await post('/organizations', { kind: 'production-company', country: 'VN', names: [{ text: name, language: 'vi' }], source: BRIEF });
    expect(response.status).toBe(201);
    return response.body.id as string;
  }

  /** The request is refused with a problem+json naming `field`, and the log did not grow. */
  async function expectRefused(send: () => PromiseLike<{ status: number; headers: Record<string, string>; body: { errors?: { field: string; message: string }[] } }>, field: string) {
    const before = await eventCount();
    const response = await send();
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.errors?.map((error) => error.field)).toContain(field);
    expect(await eventCount()).toBe(before);
    return response;
  }

  it('refuses a NUL in a title with a 400 naming the field, and records nothing', async () => {
    const refused = await expectRefused(() => post('/works', work('Mang mẹ\u0000 đi bỏ')), 'titles.0.text');
    expect(refused.body.errors).toEqual([{ field: 'titles.0.text', message: expect.stringContaining('U+0000') }]);

    const workId = await registerWork();
    await expectRefused(() => post(`/works/${workId}/titles`, { text: 'Mang mẹ đi bỏ\u0000', language: 'vi', class: 'translated', source: BRIEF }), 'text');
    await expectRefused(() => post(`/works/${workId}/titles`, { text: 'Mang mẹ đi bỏ', language: 'vi', class: 'translated', source: { ...BRIEF, title: 'Trade\u0000 report' } }), 'source.title');
    await expectRefused(() => post(`/works/${workId}/corrections`, { fact: { type: 'work', id: workId }, changes: { 'kind\u0000': 'series' }, note: 'x', source: BRIEF }), 'changes.kind\\u0000');
    expect((await get(`/works/${workId}`)).body.state.titles).toHaveLength(1);
  });

  it('refuses other control characters and lone surrogates; line breaks only where a text may span lines', async () => {
    const workId = await registerWork();
    const addTitle = (text: string) => post(`/works/${workId}/titles`, { text, language: 'en', class: 'translated', source: BRIEF });
    for (const text of ['Tab\there', 'Line\nbreak', 'Bell\u0007', 'Delete\u007f', 'Next line\u0085']) await expectRefused(() => addTitle(text), 'text');
    // A lone surrogate cannot be written by JSON.stringify: send the escape as the client's bytes carry it.
    await expectRefused(() => post(`/works/${workId}/titles`, `{"text":"Half \\ud83c of a flag","language":"en","class":"translated","source":{"publisher":"x"}}`), 'text');
    await expectRefused(() => post(`/works/${workId}/milestones`, `{"label":"x","kind":"other","date":{"date":"2020","precision":"year"},"note":"\\udc00","source":{"publisher":"x"}}`), 'note');

    const noted = await post(`/works/${workId}/titles`, { text: 'Going to Abandon Mom', language: 'en', class: 'translated', note: 'Two lines:\r\n\tfrom the distributor', source: BRIEF });
    expect(noted.status).toBe(200);
    const history = await get(`/works/${workId}/history`);
    expect(history.body.entries.at(-1).note).toBe('Two lines:\r\n\tfrom the distributor');
  });

  it('stores a decomposed title composed (NFC), shows it so, and finds it by title search typed either way', async () => {
    expect(DECOMPOSED).not.toBe(COMPOSED);
    const workId = await registerWork(DECOMPOSED);

    const read = await get(`/works/${workId}`);
    expect(read.body.state.titles[0].text).toBe(COMPOSED);
    const { rows } = await pipeline.api.db.pool.query("SELECT data->'titles'->0->>'text' AS text FROM events WHERE stream_id = $1", [`work-${workId}`]);
    expect(rows).toEqual([{ text: COMPOSED }]);

    await pipeline.caughtUp();
    for (const q of ['mẹ đi', 'mẹ đi'.normalize('NFD')]) {
      const found = await get(`/projects?q=${encodeURIComponent(q)}`);
      expect(found.status).toBe(200);
      expect(found.body.items.map((item: { workId: string; primaryTitle: string }) => [item.workId, item.primaryTitle])).toContainEqual([workId, COMPOSED]);
    }
  });

  it('bounds every text by its field, counted in characters after composing, as the OpenAPI document says', async () => {
    const workId = await registerWork();
    await expectRefused(() => post(`/works/${workId}/titles`, { text: 'x'.repeat(501), language: 'en', class: 'translated', source: BRIEF }), 'text');
    await expectRefused(() => post(`/works/${workId}/titles`, { text: 'Title', language: 'en', class: 'translated', note: 'n'.repeat(2001), source: BRIEF }), 'note');
    await expectRefused(() => post(`/works/${workId}/titles`, { text: 'Title', language: 'en', class: 'translated', source: { publisher: 'p'.repeat(301) } }), 'source.publisher');
    // 500 decomposed "ẹ" are 1,000 code points as sent and 500 characters once composed: accepted.
    expect((await post(`/works/${workId}/titles`, { text: 'ẹ'.repeat(500).normalize('NFD'), language: 'vi', class: 'translated', source: BRIEF })).status).toBe(200);

    const schemas = (await http().get('/docs-json')).body.components.schemas;
    expect(schemas.TitleInputDto.properties.text.maxLength).toBe(500);
    expect(schemas.AddTitleDto.properties.text.maxLength).toBe(500);
    expect(schemas.AddTitleDto.properties.note.maxLength).toBe(2000);
    expect(schemas.SourceCitationDto.properties.publisher.maxLength).toBe(300);
    expect(schemas.SourceCitationDto.properties.url.maxLength).toBe(2048);
    expect(schemas.PersonNameInputDto.properties.familyName.maxLength).toBe(500);
  });

  it('refuses dates that do not exist, naming the parameter, in paths, filters and bodies', async () => {
    const workId = await registerWork();
    await pipeline.caughtUp();
    for (const asOf of ['2025-02-30', '2025-02-30T00:00:00Z', '2023-02-29', '0000-01-01T00:00:00Z', '2025-11-25T24:00:00Z', '2025-11-25T12:00:00', 'yesterday']) {
      await expectRefused(() => get(`/works/${workId}?asOf=${encodeURIComponent(asOf)}`), 'asOf');
    }
    for (const asOf of ['2025-02-30T00:00:00Z', '0000-01-01T00:00:00Z', '2025-13-01T00:00:00Z']) {
      await expectRefused(() => get(`/projects/${workId}?asOf=${encodeURIComponent(asOf)}`), 'asOf');
      await expectRefused(() => get(`/projects?asOf=${encodeURIComponent(asOf)}`), 'asOf');
    }
    await expectRefused(() => get(`/projects/${workId}/timeline?occurredBefore=2025-02-30`), 'occurredBefore');
    await expectRefused(() => get(`/projects/${workId}/timeline?occurredBefore=0000`), 'occurredBefore');
    await expectRefused(() => get('/history?occurredFrom=2025-02-30'), 'occurredFrom');
    await expectRefused(() => get('/history?occurredTo=2025-04-31'), 'occurredTo');
    await expectRefused(() => get('/history?recordedFrom=2025-02-29T00:00:00Z'), 'recordedFrom');
    await expectRefused(() => post(`/works/${workId}/titles`, { text: 'T', language: 'en', class: 'translated', source: { ...BRIEF, publishedAt: '2025-02-30' } }), 'source.publishedAt');
    await expectRefused(() => post(`/works/${workId}/titles`, { text: 'T', language: 'en', class: 'translated', source: { ...BRIEF, retrievedAt: '2025-11-31T10:00:00Z' } }), 'source.retrievedAt');
    await expectRefused(() => post(`/works/${workId}/titles`, { text: 'T', language: 'en', class: 'translated', source: BRIEF, occurredAt: { date: '0000', precision: 'year' } }), 'occurredAt.date');

    // Real days, leap days included, are read as written; before anything was recorded there was nothing.
    expect((await get(`/works/${workId}?asOf=2024-02-29`)).status).toBe(404);
    expect((await get(`/works/${workId}?asOf=0001-01-01T00:00:00Z`)).status).toBe(404);
    expect((await get(`/projects/${workId}?asOf=0001-01-01T00:00:00Z`)).status).toBe(404);
    expect((await get(`/works/${workId}?asOf=${new Date(Date.now() + 60_000).toISOString()}`)).status).toBe(200);
    expect((await get('/history?recordedFrom=2024-02-29T00:00:00%2B09:00&occurredFrom=2024-02-29')).status).toBe(200);
    expect((await post(`/works/${workId}/titles`, { text: 'Leap', language: 'en', class: 'translated', source: { ...BRIEF, publishedAt: '2024-02-29' } })).status).toBe(200);
  });

  it('keeps cursors and filters in range: a position past bigint, or a NUL anywhere, is a 400 naming the parameter', async () => {
    await expectRefused(() => get('/history?cursor=9223372036854775808'), 'cursor');
    await expectRefused(() => get('/history?cursor=%00'), 'cursor');
    await expectRefused(() => get('/history?actor=dev-editor%00'), 'actor');
    await expectRefused(() => get('/history?publisher=Variety%00'), 'publisher');
    await expectRefused(() => get('/history?type=WorkRegistered%00'), 'type');
    await expectRefused(() => get('/projects?q=green%00'), 'q');
    await expectRefused(() => get(`/projects?cursor=${Buffer.from(JSON.stringify(['a\u0000', randomUUID()])).toString('base64url')}`), 'cursor');
    await expectRefused(() => get(`/projects?cursor=${Buffer.from(JSON.stringify(['a', 'not-an-id'])).toString('base64url')}`), 'cursor');
    expect((await get('/history?cursor=999999999999999')).status).toBe(200);
  });

  it('reads ids in any case and refuses the nil UUID', async () => {
    const workId = await registerWork('Upper case');
    const company = await registerOrganization('Upper Case Films');
    const upper = workId.toUpperCase();

    const read = await get(`/works/${upper}`);
    expect(read.status).toBe(200);
    expect(read.body.id).toBe(workId);
    expect((await get(`/works/${upper}/history`)).body.entries).toHaveLength(1);

    const credited = await post(`/works/${upper}/credits`, { organizationId: company.toUpperCase(), role: 'producer', country: 'VN', source: BRIEF });
    expect(credited.status).toBe(200);
    expect(credited.body.id).toBe(workId);
    const credit = (await get(`/works/${workId}`)).body.state.credits[0];
    expect(credit.organizationId).toBe(company);

    await pipeline.caughtUp();
    expect((await get(`/projects/${upper}`)).status).toBe(200);
    const byCompany = await get(`/projects?companyId=${company.toUpperCase()}`);
    expect(byCompany.body.items.map((item: { workId: string }) => item.workId)).toEqual([workId]);
    const history = await get(`/history?streamId=work-${upper}`);
    expect(history.body.entries.length).toBe(2);

    const nil = '00000000-0000-0000-0000-000000000000';
    await expectRefused(() => get(`/works/${nil}`), 'workId');
    await expectRefused(() => get(`/projects?personId=${nil}`), 'personId');
    await expectRefused(() => post(`/works/${workId}/credits`, { organizationId: nil, role: 'producer', country: 'VN', source: BRIEF }), 'organizationId');
    await expectRefused(() => post('/works', work('Nil', nil)), 'workId');
  });

  it('never reads a missing parentOrganizationId as "no parent": it is a 400, the parent stays; null clears it', async () => {
    const group = await registerOrganization('Galaxy Group');
    const studio = await registerOrganization('Galaxy Studio');
    expect((await post(`/organizations/${studio}/parent`, { parentOrganizationId: group, source: BRIEF })).status).toBe(200);

    await expectRefused(() => post(`/organizations/${studio}/parent`, { source: BRIEF }), 'parentOrganizationId');
    expect((await get(`/organizations/${studio}`)).body.state.details.parentOrganizationId).toBe(group);

    expect((await post(`/organizations/${studio}/parent`, { parentOrganizationId: null, note: 'Spun off', source: BRIEF })).status).toBe(200);
    expect((await get(`/organizations/${studio}`)).body.state.details.parentOrganizationId).toBeUndefined();
  });

  it("updates a deal's rights window bound by bound: the end moved, the start kept", async () => {
    const studio = await registerOrganization('Window Films');
    const announced = await post('/deals', {
      type: 'remake-rights',
      parties: [{ organizationId: studio, side: 'licensor' }],
      termsDisclosed: false,
      announcedAt: { date: '2024', precision: 'year' },
      rightsWindow: { from: { date: '2024', precision: 'year' }, to: { date: '2030', precision: 'year' } },
      source: BRIEF,
    });
    expect(announced.status).toBe(201);
    const dealId = announced.body.id as string;

    expect((await http().patch(`/deals/${dealId}`).set('Authorization', EDITOR).send({ changes: { rightsWindow: { to: { date: '2032', precision: 'year' } } }, source: BRIEF })).status).toBe(200);
    expect((await get(`/deals/${dealId}`)).body.state.details.rightsWindow).toEqual({ from: { date: '2024', precision: 'year' }, to: { date: '2032', precision: 'year' } });
  });

  it('refuses a move without targetWorkId with a 400 naming the field', async () => {
    const workId = await registerWork();
    const company = await registerOrganization('Moved Films');
    expect((await post(`/works/${workId}/credits`, { organizationId: company, role: 'producer', country: 'VN', source: BRIEF })).status).toBe(200);
    const creditId = (await get(`/works/${workId}`)).body.state.credits[0].creditId as string;

    await expectRefused(() => post(`/works/${workId}/credits/${creditId}/move`, { note: 'Belongs to the remake', source: BRIEF }), 'targetWorkId');
    await expectRefused(() => post(`/works/${workId}/credits/${creditId}/move`, { targetWorkId: 'the remake', note: 'Belongs to the remake', source: BRIEF }), 'targetWorkId');
    await expectRefused(() => post(`/works/${workId}/attachments/${randomUUID()}/move`, { note: 'Belongs to the remake', source: BRIEF }), 'targetWorkId');
  });
});
