import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serveAdminApiMetrics } from '../apps/admin-api/src/metrics/metrics-server.js';
import { ADMIN, AUDITOR, BETTER_SOURCE, BRIEF, EDITOR, startTestAdminApi, type TestAdminApi } from './support/admin-api.js';

/**
 * What an editor and an auditor do through the admin API, over HTTP against a real PostgreSQL:
 * record facts with sources, get clear errors that change nothing, edit concurrently, retry safely, correct.
 */
describe('admin API: editing film-deal facts', () => {
  let api: TestAdminApi;
  beforeAll(async () => {
    api = await startTestAdminApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  const post = (path: string, body: object, auth = EDITOR) => api.http().post(path).set('Authorization', auth).send(body);
  const get = (path: string, auth = AUDITOR) => api.http().get(path).set('Authorization', auth);

  // Each story registers its own film and companies: a record registered a moment ago is a duplicate candidate (the
  // check reads the log's unprojected tail), so their names carry an edition of their own.
  const edition = () => randomUUID();

  function originalWork(workId = randomUUID(), own = edition()) {
    return {
      workId,
      kind: 'feature-film',
      originalLanguage: 'ko',
      countries: ['KR'],
      productionYear: 2003,
      titles: [
        { text: `지구를 지켜라! ${own}`, language: 'ko-Kore', class: 'original', primary: true },
        { text: `Jigureul jikyeora! ${own}`, language: 'ko-Latn', class: 'transliterated' },
        { text: `Save the Green Planet! ${own}`, language: 'en', class: 'translated' },
      ],
      status: 'released',
      statusEffective: { date: '2003-04-04', precision: 'day' },
      source: BRIEF,
    };
  }

  async function registerOrganization(name: string, country: string) {
    const response = await post('/organizations', { kind: 'production-company', country, names: [{ text: `${name} ${edition()}`, language: 'en' }], source: BRIEF });
    expect(response.status).toBe(201);
    return response.body.id as string;
  }

  async function registerRemake() {
    const response = await post('/works', {
      kind: 'feature-film',
      originalLanguage: 'en',
      countries: ['US', 'KR'],
      titles: [{ text: `Save the Green Planet! ${edition()}`, language: 'en', class: 'working' }],
      status: 'in-development',
      statusEffective: { date: '2018', precision: 'year' },
      source: BRIEF,
    });
    expect(response.status).toBe(201);
    return response.body.id as string;
  }

  it('records a work with its titles and source; anyone with a key reads it back with its version as ETag, and its history says who, when and on which source', async () => {
    const workId = randomUUID();
    const work = originalWork(workId);
    const created = await post('/works', work).set('X-Correlation-Id', 'desk-test-1');
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/works/${workId}`);
    expect(created.headers.etag).toBe('"1"');
    expect(created.body).toMatchObject({ aggregate: 'work', id: workId, version: 1, events: [{ type: 'WorkRegistered', streamVersion: 1 }] });

    const read = await get(`/works/${workId}`);
    expect(read.status).toBe(200);
    expect(read.headers.etag).toBe('"1"');
    expect(read.body.state.status).toBe('released');
    expect(read.body.state.titles.map((title: { text: string }) => title.text)).toEqual(work.titles.map((title) => title.text));

    const history = await get(`/works/${workId}/history`);
    expect(history.status).toBe(200);
    expect(history.body.entries).toHaveLength(1);
    expect(history.body.entries[0]).toMatchObject({
      type: 'WorkRegistered',
      actor: { id: 'dev-editor', role: 'editor' },
      source: { publisher: BRIEF.publisher },
      correlationId: 'desk-test-1',
      version: 1,
    });
    expect(history.body.entries[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(history.body.entries[0].recordedAt)).not.toBeNaN();
  });

  it('needs a key to read, an editor key to write; errors are problem+json', async () => {
    const noKey = await api.http().get(`/works/${randomUUID()}`);
    expect(noKey.status).toBe(401);
    expect(noKey.headers['content-type']).toContain('application/problem+json');
    expect(noKey.body).toMatchObject({ status: 401, type: '/problems/unauthorized' });

    const auditorWrites = await post('/works', originalWork(), AUDITOR);
    expect(auditorWrites.status).toBe(403);
    expect(auditorWrites.body.detail).toContain('auditor');

    const adminWrites = await post('/works', originalWork(), ADMIN);
    expect(adminWrites.status).toBe(201);
  });

  it('answers malformed input with 400 and field-level errors, and records nothing', async () => {
    const workId = randomUUID();
    const { source: _source, ...withoutSource } = originalWork(workId);
    const missingSource = await post('/works', withoutSource);
    expect(missingSource.status).toBe(400);
    expect(missingSource.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'source' })]));

    const unknownField = await post('/works', { ...originalWork(workId), budget: 1_000_000 });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'budget' })]));

    const badDate = await post('/works', { ...originalWork(workId), occurredAt: { date: '2018-13', precision: 'month' } });
    expect(badDate.status).toBe(400);
    expect(badDate.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'occurredAt.date' })]));

    const notJson = await api.http().post('/works').set('Authorization', EDITOR).set('Content-Type', 'application/json').send('{"kind":');
    expect(notJson.status).toBe(400);
    expect(notJson.body.type).toBe('/problems/validation-error');

    const badPathId = await get('/works/not-a-uuid');
    expect(badPathId.status).toBe(400);
    expect(badPathId.body.errors).toEqual([{ field: 'workId', message: 'workId must be a UUID' }]);

    expect((await get(`/works/${workId}`)).status).toBe(404);
  });

  it('answers a business-rule violation with 422 naming every offending field, and records nothing', async () => {
    const workId = randomUUID();
    const response = await post('/works', { ...originalWork(workId), countries: ['XX'], kind: 'feature', titles: [] });
    expect(response.status).toBe(422);
    const fields = (response.body.errors as { field: string }[]).map((error) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['countries[0]', 'kind', 'titles']));
    expect((await get(`/works/${workId}`)).status).toBe(404);
  });

  it('refuses an illegal status transition with 422 listing the allowed ones', async () => {
    const workId = randomUUID();
    await post('/works', originalWork(workId)).expect(201);
    const response = await post(`/works/${workId}/status-changes`, { to: 'in-development', effective: { date: '2024', precision: 'year' }, source: BRIEF });
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ type: '/problems/illegal-status-transition', from: 'released', to: 'in-development' });
    expect(Array.isArray(response.body.allowed)).toBe(true);
    expect((await get(`/works/${workId}`)).body.version).toBe(1);

    const remakeId = await registerRemake();
    const legal = await post(`/works/${remakeId}/status-changes`, { to: 'pre-production', effective: { date: '2025', precision: 'year' }, source: BRIEF });
    expect(legal.status).toBe(200);
    expect(legal.headers.etag).toBe('"2"');
  });

  it('refuses a reference to a company, person or work that does not exist (422 on the field)', async () => {
    const workId = await registerRemake();
    const missingCompany = randomUUID();
    const response = await post(`/works/${workId}/credits`, { organizationId: missingCompany, role: 'producer', country: 'KR', source: BRIEF });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([{ field: 'organizationId', message: `no organization with id ${missingCompany}; register it first` }]);

    const relation = await post(`/works/${workId}/relations`, { relation: 'remake-of', targetWorkId: randomUUID(), source: BRIEF });
    expect(relation.status).toBe(422);
    expect(relation.body.errors[0].field).toBe('targetWorkId');
    expect((await get(`/works/${workId}`)).body.version).toBe(1);
  });

  it('two editors edit the same version: the first wins, the second gets 409 with the current version and records nothing', async () => {
    const workId = await registerRemake();
    const seen = await get(`/works/${workId}`, EDITOR);
    const version = seen.headers.etag;
    expect(version).toBe('"1"');

    const first = await post(`/works/${workId}/titles`, { text: '지구를 지켜라!', language: 'ko-Kore', class: 'regional', territory: 'KR', source: BRIEF }).set('If-Match', version);
    expect(first.status).toBe(200);
    const second = await post(`/works/${workId}/milestones`, { label: 'Rights acquired', kind: 'rights-acquired', date: { date: '2018', precision: 'year' }, source: BRIEF }).set(
      'If-Match',
      version,
    );
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ type: '/problems/concurrency-conflict', currentVersion: 2, expectedVersion: 1 });

    const after = await get(`/works/${workId}`);
    expect(after.body.version).toBe(2);
    expect(after.body.state.milestones).toEqual([]);
  });

  it('concurrent edits without If-Match to one work are all recorded, each on the version the one before it left', async () => {
    const workId = await registerRemake();
    const attempts = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        post(`/works/${workId}/milestones`, { label: `Draft ${index}`, kind: 'script', date: { date: '2019', precision: 'year' }, source: BRIEF }),
      ),
    );
    // No editor named a version, and they all went through this one instance: none of them is refused.
    expect(attempts.map((response) => response.status)).toEqual(attempts.map(() => 200));
    expect(attempts.map((response) => response.body.version).sort((x: number, y: number) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => i + 2));

    const state = (await get(`/works/${workId}`)).body;
    expect(state.version).toBe(13);
    const recorded = state.state.milestones.map((milestone: { label: string }) => milestone.label).sort();
    expect(recorded).toEqual(Array.from({ length: 12 }, (_, index) => `Draft ${index}`).sort());
  });

  it('a retried request with the same Idempotency-Key records nothing new and returns the first answer; the key on another request is refused', async () => {
    const workId = randomUUID();
    const key = `register-${workId}`;
    const work = originalWork(workId);
    const first = await post('/works', work).set('Idempotency-Key', key);
    expect(first.status).toBe(201);
    const retry = await post('/works', work).set('Idempotency-Key', key);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.events).toEqual(first.body.events);
    expect((await get(`/works/${workId}/history`)).body.entries).toHaveLength(1);

    const reused = await post('/works', originalWork()).set('Idempotency-Key', key);
    expect(reused.status).toBe(422);
    expect(reused.body.type).toBe('/problems/idempotency-key-reused');
  });

  it('moves a credit stated on the wrong work to the right one in a single correction; the as-of view before still shows the old state', async () => {
    const original = randomUUID();
    await post('/works', originalWork(original)).expect(201);
    const remake = await registerRemake();
    const company = await registerOrganization('Jerrygood Company', 'KR');

    const credited = await post(`/works/${original}/credits`, { organizationId: company, role: 'producer', country: 'KR', source: BRIEF });
    expect(credited.status).toBe(200);
    const before = new Date();
    const creditId = (await get(`/works/${original}`)).body.state.credits[0].creditId as string;

    const moved = await post(`/works/${original}/credits/${creditId}/move`, {
      targetWorkId: remake,
      changes: { role: 'co-producer' },
      note: 'The brief put the company on the 2003 original; it produces the remake',
      source: BETTER_SOURCE,
    });
    expect(moved.status).toBe(200);
    expect(moved.body.streams).toEqual([
      { streamId: `work-${original}`, version: 3 },
      { streamId: `work-${remake}`, version: 2 },
    ]);
    // Both events were recorded in one transaction: adjacent global positions.
    const positions = moved.body.events.map((event: { globalPosition: string }) => Number(event.globalPosition));
    expect(positions[1] - positions[0]).toBe(1);

    const originalNow = (await get(`/works/${original}`)).body.state;
    expect(originalNow.credits[0]).toMatchObject({ creditId, rank: 'deprecated' });
    const remakeNow = (await get(`/works/${remake}`)).body.state;
    expect(remakeNow.credits).toHaveLength(1);
    expect(remakeNow.credits[0]).toMatchObject({ organizationId: company, role: 'co-producer', movedFrom: { workId: original, id: creditId } });

    const originalThen = await get(`/works/${original}?asOf=${before.toISOString()}`);
    expect(originalThen.status).toBe(200);
    expect(originalThen.body.version).toBe(2);
    expect(originalThen.body.state.credits[0].rank).not.toBe('deprecated');

    const history = (await get(`/works/${remake}/history`)).body.entries;
    expect(history[history.length - 1]).toMatchObject({ note: 'The brief put the company on the 2003 original; it produces the remake', source: { publisher: BETTER_SOURCE.publisher } });
  });

  it('corrects a wrong title: the old one stays in the record, deprecated, pointing at its replacement; a correction without a note is refused', async () => {
    const workId = randomUUID();
    await post('/works', originalWork(workId)).expect(201);
    const wrong = (await get(`/works/${workId}`)).body.state.titles[1];

    const withoutNote = await post(`/works/${workId}/corrections`, { fact: { type: 'title', id: wrong.titleId }, changes: { text: 'Jigureul jikyeora!' }, source: BETTER_SOURCE });
    expect(withoutNote.status).toBe(400);
    expect(withoutNote.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'note' })]));

    const corrected = await post(`/works/${workId}/corrections`, {
      fact: { type: 'title', id: wrong.titleId },
      changes: { text: 'Jigureul jikyeora!!' },
      note: 'Romanization lost the second exclamation mark',
      source: BETTER_SOURCE,
    });
    expect(corrected.status).toBe(200);
    const titles = (await get(`/works/${workId}`)).body.state.titles as { titleId: string; text: string; rank?: string }[];
    expect(titles.find((title) => title.titleId === wrong.titleId)).toMatchObject({ rank: 'deprecated', text: wrong.text });
    expect(titles.filter((title) => title.rank !== 'deprecated').map((title) => title.text)).toContain('Jigureul jikyeora!!');
  });

  it('records a remake relation, a talent attachment and a co-production deal with parties and works', async () => {
    const original = randomUUID();
    await post('/works', originalWork(original)).expect(201);
    const remake = await registerRemake();
    const cj = await registerOrganization('CJ ENM', 'KR');
    const partner = await registerOrganization('Lionsgate', 'US');
    const director = await post('/people', {
      names: [{ text: 'Jang Joon-hwan', language: 'ko-Latn', familyName: 'Jang', givenName: 'Joon-hwan', familyNameFirst: true }],
      nationalities: ['KR'],
      source: BRIEF,
    });
    expect(director.status).toBe(201);

    expect((await post(`/works/${remake}/relations`, { relation: 'remake-of', targetWorkId: original, source: BRIEF })).status).toBe(200);
    expect((await post(`/works/${remake}/attachments`, { personId: director.body.id, role: 'director', source: BRIEF })).status).toBe(200);

    const deal = await post('/deals', {
      type: 'remake-rights',
      parties: [
        { organizationId: cj, side: 'licensor' },
        { organizationId: partner, side: 'licensee' },
      ],
      works: [
        { workId: original, role: 'source' },
        { workId: remake, role: 'subject' },
      ],
      territories: ['XW'],
      termsDisclosed: false,
      announcedAt: { date: '2018', precision: 'year' },
      source: BRIEF,
    });
    expect(deal.status).toBe(201);
    expect(deal.headers.location).toBe(`/deals/${deal.body.id}`);

    const illegal = await post(`/deals/${deal.body.id}/status-changes`, { to: 'announced', effective: { date: '2019', precision: 'year' }, source: BRIEF });
    expect(illegal.status).toBe(422);
    expect(illegal.body.type).toBe('/problems/illegal-status-transition');

    const remakeState = (await get(`/works/${remake}`)).body.state;
    expect(remakeState.relations[0]).toMatchObject({ relation: 'remake-of', targetWorkId: original });
    expect(remakeState.attachments[0]).toMatchObject({ personId: director.body.id, role: 'director' });
    const dealState = (await get(`/deals/${deal.body.id}`)).body.state;
    expect(dealState.parties).toHaveLength(2);
  });

  it('publishes the event contract for downstream teams: AsyncAPI and a JSON Schema per event type and version', async () => {
    const asyncapi = await api.http().get('/contracts/asyncapi.json');
    expect(asyncapi.status).toBe(200);
    expect(Object.keys(asyncapi.body.channels)).toEqual(expect.arrayContaining(['reelwire.work.v1', 'reelwire.deal.v1']));
    const schema = await api.http().get('/contracts/events/WorkRegistered/1');
    expect(schema.status).toBe(200);
    expect(schema.body.$schema).toContain('2020-12');
    expect((await api.http().get('/contracts/events/WorkRegistered/99')).status).toBe(404);
  });

  it('documents every endpoint in OpenAPI at /docs-json without a key', async () => {
    const response = await api.http().get('/docs-json');
    expect(response.status).toBe(200);
    const paths = Object.keys(response.body.paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/works', '/works/{workId}', '/works/{workId}/credits/{creditId}/move', '/organizations', '/people', '/deals', '/deals/{dealId}/corrections']),
    );
  });
});

describe('admin API: metrics', () => {
  let api: TestAdminApi;
  beforeAll(async () => {
    api = await startTestAdminApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('serves Prometheus metrics on their own port, not the API\'s: request durations by route and status, and the outbox backlog', async () => {
    const workId = randomUUID();
    await api.http().get(`/works/${workId}`).set('Authorization', AUDITOR).expect(404);
    await api
      .http()
      .post('/works')
      .set('Authorization', EDITOR)
      .send({ workId, kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], titles: [{ text: '써니', language: 'ko-Kore', class: 'original' }], source: BRIEF })
      .expect(201);
    // Not on the API's port, with or without a key.
    expect((await api.http().get('/metrics')).status).toBe(404);
    expect((await api.http().get('/metrics').set('Authorization', ADMIN)).status).toBe(404);
    const server = await serveAdminApiMetrics(api.app, 0, '127.0.0.1');
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toMatch(/reelwire_http_request_duration_seconds_count\{method="GET",route="\/works\/:workId",status="404"\} 1/);
      // Nothing relays in this test, so the one recorded event is waiting in the outbox.
      expect(text).toMatch(/^reelwire_outbox_backlog 1$/m);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
