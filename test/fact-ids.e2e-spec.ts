import { randomUUID } from 'node:crypto';
import { AUDITOR, BETTER_SOURCE, BRIEF, EDITOR, startTestAdminApi, type TestAdminApi } from './support/admin-api.js';

/**
 * An editor adds a fact and fixes it at once, with the id the answer gave (no second read to find it); makes a title
 * primary and is told which one it replaced; and names a fact type the record does not have and is told at the edge
 * which ones it has. Over HTTP against a real PostgreSQL.
 */
describe('admin API: the answer names the fact a write added, and the title it demoted', () => {
  let api: TestAdminApi;
  beforeAll(async () => {
    api = await startTestAdminApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  const post = (path: string, body: object, key?: string) => {
    const request = api.http().post(path).set('Authorization', EDITOR);
    return (key ? request.set('Idempotency-Key', key) : request).send(body);
  };
  const state = async (path: string) => (await api.http().get(path).set('Authorization', AUDITOR).expect(200)).body.state;
  const eventCount = async () => Number((await api.db.pool.query('SELECT count(*) FROM events')).rows[0].count);
  const unique = () => randomUUID().slice(0, 8);

  const film = (title: string) => ({
    kind: 'feature-film',
    originalLanguage: 'en',
    countries: ['US'],
    titles: [{ text: title, language: 'en', class: 'working' }],
    status: 'in-development',
    source: BRIEF,
  });
  const company = (name: string) => ({ kind: 'production-company', country: 'KR', names: [{ text: name, language: 'en' }], source: BRIEF });

  /** Sends it twice with one Idempotency-Key: the replay must answer the first's bytes. */
  async function addedTwice(path: string, body: object, status = 200) {
    const key = `fact-ids-${randomUUID()}`;
    const first = await post(path, body, key);
    expect({ path, status: first.status, body: first.body }).toEqual({ path, status, body: expect.any(Object) });
    const replayed = await post(path, body, key).expect(status);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.text).toBe(first.text);
    expect(replayed.headers.location).toBe(first.headers.location);
    return first;
  }

  it('every write that adds a fact answers its type and id, the same on a replay, and the id is the one the record holds', async () => {
    const registered = await addedTwice('/works', film(`Save the Green Planet! ${unique()}`), 201);
    const workId = registered.body.id as string;
    const work = await state(`/works/${workId}`);
    expect(registered.body).toMatchObject({ factType: 'work', factId: workId });
    expect(registered.body.facts).toEqual([
      { type: 'work', id: workId, streamId: `work-${workId}`, eventId: registered.body.events[0].eventId },
      { type: 'title', id: work.titles[0].titleId, streamId: `work-${workId}`, eventId: registered.body.events[0].eventId },
      { type: 'status-change', id: work.statusHistory[0].statusChangeId, streamId: `work-${workId}`, eventId: registered.body.events[0].eventId },
    ]);

    const cj = (await addedTwice('/organizations', company(`CJ ENM ${unique()}`), 201)).body;
    expect(cj).toMatchObject({ factType: 'organization', factId: cj.id, facts: [{ type: 'organization' }, { type: 'name' }] });
    const director = (await addedTwice('/people', { names: [{ text: `Jang Joon-hwan ${unique()}`, language: 'ko-Latn' }], source: BRIEF }, 201)).body;
    expect(director).toMatchObject({ factType: 'person', factId: director.id });

    const added: Record<string, { factType: string; factId: string }> = {};
    const writes: [string, string, object][] = [
      ['title', `/works/${workId}/titles`, { text: 'Bugonia', language: 'en', class: 'release' }],
      ['company-credit', `/works/${workId}/credits`, { organizationId: cj.id, role: 'distributor', country: 'KR', source: BRIEF }],
      ['talent-attachment', `/works/${workId}/attachments`, { personId: director.id, role: 'director', source: BRIEF }],
      ['release', `/works/${workId}/releases`, { territory: 'US', date: { date: '2025-10-24', precision: 'day' }, type: 'wide', source: BRIEF }],
      ['milestone', `/works/${workId}/milestones`, { label: 'Rights acquired', kind: 'rights-acquired', date: { date: '2018', precision: 'year' }, source: BRIEF }],
      ['status-change', `/works/${workId}/status-changes`, { to: 'pre-production', effective: { date: '2024', precision: 'year' }, source: BRIEF }],
      ['name', `/organizations/${cj.id}/names`, { text: `CJ Entertainment ${unique()}`, language: 'en', source: BRIEF }],
      ['name', `/people/${director.id}/names`, { text: `장준환 ${unique()}`, language: 'ko-Kore', source: BRIEF }],
    ];
    for (const [type, path, body] of writes) {
      const answer = await addedTwice(path, { ...body, source: BRIEF });
      expect({ path, factType: answer.body.factType, facts: answer.body.facts }).toEqual({
        path,
        factType: type,
        facts: [{ type, id: answer.body.factId, streamId: answer.body.streamId, eventId: answer.body.events[0].eventId }],
      });
      added[path] = answer.body;
    }
    // The ids answered are the record's: each fact is found in the state under it.
    const after = await state(`/works/${workId}`);
    expect(after.titles.map((t: { titleId: string }) => t.titleId)).toContain(added[`/works/${workId}/titles`]!.factId);
    expect(after.credits.map((c: { creditId: string }) => c.creditId)).toEqual([added[`/works/${workId}/credits`]!.factId]);
    expect(after.attachments.map((a: { attachmentId: string }) => a.attachmentId)).toEqual([added[`/works/${workId}/attachments`]!.factId]);
    expect(after.releases.map((r: { releaseId: string }) => r.releaseId)).toEqual([added[`/works/${workId}/releases`]!.factId]);

    // …so the editor fixes it straight from the answer: a clarification, a standing change, the fact's life.
    const credit = added[`/works/${workId}/credits`]!;
    await post(`/works/${workId}/standing-changes`, { fact: { type: credit.factType, id: credit.factId }, standing: 'confirmed', source: BETTER_SOURCE }).expect(200);
    const release = added[`/works/${workId}/releases`]!;
    await post(`/works/${workId}/releases/${release.factId}/reschedule`, { date: { date: '2025-11-07', precision: 'day' }, source: BETTER_SOURCE }).expect(200);

    // A correction states a replacement: the answer names it (and the details correction, which states none, nothing).
    const corrected = await addedTwice(`/works/${workId}/corrections`, { fact: { type: credit.factType, id: credit.factId }, changes: { role: 'producer' }, note: 'Producer, not distributor', source: BETTER_SOURCE });
    expect(corrected.body.factType).toBe('company-credit');
    expect(corrected.body.factId).not.toBe(credit.factId);
    expect((await state(`/works/${workId}`)).credits.find((c: { creditId: string }) => c.creditId === corrected.body.factId)).toMatchObject({ role: 'producer' });
    const details = await post(`/works/${workId}/corrections`, { fact: { type: 'work', id: workId }, changes: { countries: ['US', 'KR'] }, note: 'A co-production', source: BETTER_SOURCE }).expect(200);
    expect(details.body).not.toHaveProperty('factId');
    expect(details.body).not.toHaveProperty('facts');

    // A move: the fact it adds is on the target work.
    const target = (await post('/works', film(`Bugonia remake ${unique()}`)).expect(201)).body.id as string;
    const moved = await addedTwice(`/works/${workId}/credits/${corrected.body.factId}/move`, { targetWorkId: target, note: 'Credited on the wrong work', source: BETTER_SOURCE });
    expect(moved.body).toMatchObject({ factType: 'company-credit', facts: [{ type: 'company-credit', streamId: `work-${target}` }] });
    expect((await state(`/works/${target}`)).credits.map((c: { creditId: string }) => c.creditId)).toEqual([moved.body.factId]);

    // A deal: its parties on announcement, and a party added later.
    const partner = (await post('/organizations', company(`Lionsgate ${unique()}`)).expect(201)).body.id as string;
    const other = (await post('/organizations', company(`Neon ${unique()}`)).expect(201)).body.id as string;
    const deal = await addedTwice(
      '/deals',
      {
        type: 'remake-rights',
        parties: [{ organizationId: cj.id, side: 'licensor' }, { organizationId: partner, side: 'licensee' }],
        works: [{ workId, role: 'source' }],
        territories: ['XW'],
        termsDisclosed: false,
        announcedAt: { date: '2018', precision: 'year' },
        source: BRIEF,
      },
      201,
    );
    const dealState = await state(`/deals/${deal.body.id}`);
    expect(deal.body.facts.filter((f: { type: string }) => f.type === 'party').map((f: { id: string }) => f.id)).toEqual(dealState.parties.map((p: { partyId: string }) => p.partyId));
    const party = await addedTwice(`/deals/${deal.body.id}/parties`, { organizationId: other, side: 'co-financier', source: BRIEF });
    expect(party.body.factType).toBe('party');
    expect((await state(`/deals/${deal.body.id}`)).parties.map((p: { partyId: string }) => p.partyId)).toContain(party.body.factId);
  });

  it('/docs-json documents factType, factId, facts and demoted on the write answers; a route that always adds a fact requires them', async () => {
    const document = (await api.http().get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: any }> }> }>> };
    const answerOf = (path: string, status = '200') => document.paths[path]!.post!.responses[status]!.content!['application/json']!.schema;
    const adds: Record<string, string> = {
      '/works/{workId}/titles': 'title',
      '/works/{workId}/credits': 'company-credit',
      '/works/{workId}/attachments': 'talent-attachment',
      '/works/{workId}/releases': 'release',
      '/works/{workId}/relations': 'relation',
      '/works/{workId}/milestones': 'milestone',
      '/works/{workId}/status-changes': 'status-change',
      '/works/{workId}/credits/{creditId}/move': 'company-credit',
      '/works/{workId}/attachments/{attachmentId}/move': 'talent-attachment',
      '/deals/{dealId}/parties': 'party',
      '/deals/{dealId}/works': 'work',
      '/deals/{dealId}/status-changes': 'status-change',
      '/people/{personId}/names': 'name',
      '/organizations/{organizationId}/names': 'name',
    };
    for (const [path, type] of Object.entries(adds)) {
      const schema = answerOf(path);
      expect({ path, required: schema.required, factTypes: schema.properties.factType.enum }).toEqual({ path, required: expect.arrayContaining(['factType', 'factId', 'facts']), factTypes: [type] });
    }
    for (const [path, type] of [['/works', 'work'], ['/people', 'person'], ['/organizations', 'organization'], ['/deals', 'deal']] as const) {
      expect(answerOf(path, '201').properties.factType.enum).toEqual([type]);
    }
    // Fixes and primary-title changes may add or demote: documented, not required.
    expect(answerOf('/works/{workId}/corrections').properties).toHaveProperty('factId');
    expect(answerOf('/works/{workId}/primary-title').properties.demoted.properties).toHaveProperty('text');
    expect(answerOf('/works/{workId}/primary-title').required).not.toContain('demoted');
  });

  it('a title added as primary says which title it demoted, on the first answer and on a replay; the history shows the change', async () => {
    const registered = await post('/works', film(`The Host ${unique()}`)).expect(201);
    const workId = registered.body.id as string;
    const [working] = (await state(`/works/${workId}`)).titles as { titleId: string; text: string }[];

    const promoted = await addedTwice(`/works/${workId}/titles`, { text: 'Gwoemul', language: 'ko-Latn', class: 'release', primary: true, source: BRIEF });
    expect(promoted.body).toMatchObject({ factType: 'title', demoted: { type: 'title', id: working!.titleId, text: working!.text, language: 'en' } });
    expect(promoted.body.events.map((e: { type: string }) => e.type)).toEqual(['TitleAdded', 'PrimaryTitleSet']);
    const titles = (await state(`/works/${workId}`)).titles as { titleId: string; primary: boolean }[];
    expect(titles.filter((t) => t.primary).map((t) => t.titleId)).toEqual([promoted.body.factId]);

    // Made primary again by the primary-title route: the answer names the release title it demotes.
    const back = await addedTwice(`/works/${workId}/primary-title`, { titleId: working!.titleId, source: BRIEF });
    expect(back.body.demoted).toEqual({ type: 'title', id: promoted.body.factId, text: 'Gwoemul', language: 'ko-Latn' });
    expect(back.body).not.toHaveProperty('factId');

    // Without primary: nothing demoted.
    const alternate = await post(`/works/${workId}/titles`, { text: 'The Host', language: 'en', class: 'translated', source: BRIEF }).expect(200);
    expect(alternate.body).not.toHaveProperty('demoted');

    const history = (await api.http().get(`/works/${workId}/history`).set('Authorization', AUDITOR).expect(200)).body.entries as { type: string; data: Record<string, unknown> }[];
    expect(history.filter((e) => e.type === 'PrimaryTitleSet').map((e) => e.data)).toEqual([
      { workId, titleId: promoted.body.factId, previousTitleId: working!.titleId },
      { workId, titleId: working!.titleId, previousTitleId: promoted.body.factId },
    ]);

    // A person's primary name, likewise.
    const person = (await post('/people', { names: [{ text: `Bong Joon-ho ${unique()}`, language: 'ko-Latn' }], source: BRIEF }).expect(201)).body;
    const [first] = (await state(`/people/${person.id}`)).names as { nameId: string; text: string }[];
    const hangul = (await post(`/people/${person.id}/names`, { text: '봉준호', language: 'ko-Kore', source: BRIEF }).expect(200)).body.factId as string;
    const renamed = await post(`/people/${person.id}/primary-name`, { nameId: hangul, source: BRIEF }).expect(200);
    expect(renamed.body.demoted).toEqual({ type: 'name', id: first!.nameId, text: first!.text, language: 'ko-Latn' });
  });

  it('a fact type the record does not have is a 400 at the edge naming fact.type and listing the allowed ones, on every route that takes a fact; nothing is recorded', async () => {
    const workId = (await post('/works', film(`Mother ${unique()}`)).expect(201)).body.id as string;
    const organizationId = (await post('/organizations', company(`Barunson ${unique()}`)).expect(201)).body.id as string;
    const personId = (await post('/people', { names: [{ text: `Kim Hye-ja ${unique()}`, language: 'ko-Latn' }], source: BRIEF }).expect(201)).body.id as string;
    const dealId = (
      await post('/deals', { type: 'remake-rights', parties: [{ organizationId, side: 'licensor' }], works: [{ workId, role: 'source' }], territories: ['XW'], termsDisclosed: false, announcedAt: { date: '2018', precision: 'year' }, source: BRIEF }).expect(201)
    ).body.id as string;
    const allowed: Record<string, [string, string[]]> = {
      works: [workId, ['work', 'title', 'relation', 'status-change', 'company-credit', 'talent-attachment', 'release', 'milestone', 'event']],
      organizations: [organizationId, ['organization', 'name', 'event']],
      people: [personId, ['person', 'name', 'event']],
      deals: [dealId, ['deal', 'party', 'work', 'status-change', 'event']],
    };
    const before = await eventCount();
    for (const [collection, [id, types]] of Object.entries(allowed)) {
      for (const route of ['corrections', 'clarifications', 'retractions', 'standing-changes']) {
        const body = { fact: { type: 'credit', id: randomUUID() }, note: 'x', source: BRIEF, ...(route === 'corrections' ? { changes: { role: 'producer' } } : {}), ...(route === 'standing-changes' ? { standing: 'confirmed' } : {}) };
        const refused = await post(`/${collection}/${id}/${route}`, body);
        expect({ route: `${collection}/${route}`, status: refused.status, type: refused.body.type }).toEqual({ route: `${collection}/${route}`, status: 400, type: '/problems/validation-error' });
        expect(refused.body.errors).toEqual([{ field: 'fact.type', message: expect.stringContaining(`must be one of ${types.join(', ')}`) }]);
      }
    }
    expect(await eventCount()).toBe(before);
  });
});
