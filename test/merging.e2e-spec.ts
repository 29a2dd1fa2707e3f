import { randomUUID } from 'node:crypto';
import { verifyReadModels } from '../libs/read-models/src/rebuild/rebuild.js';
import { AUDITOR, BETTER_SOURCE, BRIEF, EDITOR } from './support/admin-api.js';
import { startTestPipeline, type TestPipeline } from './support/pipeline.js';

/**
 * The same actor, the same company registered twice without a word: an editor is now told on the second
 * registration, merges the twins that slipped through anyway, sees every read model follow the survivor, and undoes
 * a merge that was wrong — while a view as of before the merge still shows what the desk published then. Over HTTP,
 * against a real PostgreSQL, with the relay and projector (dev broker) behind the read models.
 */
describe('admin API: finding duplicates and merging them', () => {
  let pipeline: TestPipeline;
  const ids = {
    leeKwangSoo: '', // the first record of the actor
    twin: randomUUID(), // the same actor, registered again with his name spelled without the hyphen
    jerrygood: '',
    jerrygoodTwin: randomUUID(),
    remake: '',
    mother: '',
  };

  const http = () => pipeline.api.http();
  const get = (path: string, query: Record<string, string | number> = {}) => http().get(path).query(query).set('Authorization', AUDITOR);
  const post = (path: string, body: object, key?: string) => {
    const request = http().post(path).set('Authorization', EDITOR);
    return (key ? request.set('Idempotency-Key', key) : request).send(body);
  };
  const created = async (path: string, body: object) => {
    const response = await post(path, body);
    expect({ path, status: response.status, body: response.body }).toEqual({ path, status: 201, body: expect.objectContaining({ id: expect.any(String) }) });
    return response.body.id as string;
  };
  const eventCount = async () => Number((await pipeline.api.db.pool.query('SELECT count(*) FROM events')).rows[0].count);
  const person = (id: string | undefined, text: string) => ({ ...(id ? { personId: id } : {}), names: [{ text, language: 'ko-Latn', primary: true }], nationalities: ['KR'], source: BRIEF });
  const company = (id: string | undefined, text: string) => ({ ...(id ? { organizationId: id } : {}), kind: 'production-company', country: 'KR', names: [{ text, language: 'en' }], source: BRIEF });
  const work = (title: string) => ({ kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], titles: [{ text: title, language: 'en', class: 'working' }], source: BRIEF });
  type Card = { peopleByRole: Record<string, { personId: string; name: string; mergedFrom?: string }[]>; companiesByRole: Record<string, { organizationId: string; name: string; mergedFrom?: string }[]> };
  const card = async (workId: string, query: Record<string, string | number> = {}) => (await get(`/projects/${workId}`, query).expect(200)).body as Card;
  const attachedWorks = async (personId: string, query: Record<string, string | number> = {}) =>
    ((await get(`/people/${personId}/attachments`, query).expect(200)).body.attachments as { workId: string; mergedFrom?: string }[]).map((a) => [a.workId, a.mergedFrom ?? null]).sort();
  /** Whom each entry of a work's timeline is about (people and companies only). */
  const timelineSubjects = async (workId: string, query: Record<string, string | number> = {}) =>
    ((await get(`/projects/${workId}/timeline`, query).expect(200)).body.entries as { subject: { type: string; id: string; name: string | null; mergedFrom?: string } | null }[])
      .map((entry) => entry.subject)
      .filter((subject) => subject?.type === 'person' || subject?.type === 'organization');
  const projectsOf = async (filter: Record<string, string>) => ((await get('/projects', filter).expect(200)).body.items as { workId: string }[]).map((p) => p.workId).sort();
  const lastPosition = async () => Number((await pipeline.api.db.pool.query('SELECT max(global_position) AS p FROM events')).rows[0].p);

  beforeAll(async () => {
    pipeline = await startTestPipeline();
    ids.leeKwangSoo = await created('/people', person(undefined, 'Lee Kwang-soo'));
    ids.jerrygood = await created('/organizations', company(undefined, 'Jerrygood Company'));
    ids.remake = await created('/works', work('Going to Abandon My Mother (Korean remake)'));
    ids.mother = await created('/works', work('Save the Green Planet!'));
    expect((await post(`/works/${ids.remake}/attachments`, { personId: ids.leeKwangSoo, role: 'cast', billing: 'lead', source: BRIEF })).status).toBe(200);
    expect((await post(`/works/${ids.remake}/credits`, { organizationId: ids.jerrygood, role: 'producer', country: 'KR', source: BRIEF })).status).toBe(200);
    await pipeline.caughtUp();
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  it('register twice and be told: 409 /problems/possible-duplicate naming the candidates; confirmed as different, it registers', async () => {
    const before = await eventCount();
    const refused = await post('/people', person(ids.twin, 'Lee Kwangsoo')).expect(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ type: '/problems/possible-duplicate', status: 409 });
    expect(refused.body.candidates).toEqual([{ id: ids.leeKwangSoo, name: 'Lee Kwang-soo', matchedName: 'Lee Kwang-soo', similarity: expect.any(Number), href: `/people/${ids.leeKwangSoo}` }]);
    expect(refused.body.candidates[0].similarity).toBeGreaterThanOrEqual(0.5);
    expect(refused.body.candidates[0].similarity).toBeLessThan(1);
    expect(await eventCount()).toBe(before);
    await get(`/people/${ids.twin}`).expect(404);

    // Same for a company; a family name in common is not enough to be held ('Kim' alone against a full name).
    const companyRefused = await post('/organizations', company(ids.jerrygoodTwin, 'Jerry Good Company')).expect(409);
    expect(companyRefused.body.candidates.map((c: { id: string }) => c.id)).toEqual([ids.jerrygood]);
    await post('/people', person(undefined, 'Kim')).expect(201);

    // The editor says they are different (they are not: the desk finds out later and merges them below).
    const key = randomUUID();
    const registered = await post('/people', { ...person(ids.twin, 'Lee Kwangsoo'), distinctFrom: [ids.leeKwangSoo] }, key).expect(201);
    expect(registered.body.id).toBe(ids.twin);
    // A retry of that request is answered as the first one was, not refused as a duplicate of what it recorded.
    const retried = await post('/people', { ...person(ids.twin, 'Lee Kwangsoo'), distinctFrom: [ids.leeKwangSoo] }, key).expect(201);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.body).toEqual(registered.body);
    await post('/organizations', { ...company(ids.jerrygoodTwin, 'Jerry Good Company'), distinctFrom: [ids.jerrygood] }).expect(201);

    // A malformed confirmation is a 400 naming it, and records nothing.
    const bad = await post('/people', { ...person(undefined, 'Lee Kwang Soo'), distinctFrom: ['not-an-id'] }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('distinctFrom');

    // The twins get a life of their own before anyone notices.
    // Dated, so that each is an entry of the film's timeline too.
    expect((await post(`/works/${ids.mother}/attachments`, { personId: ids.twin, role: 'cast', attachedAt: { date: '2024', precision: 'year' }, source: BRIEF })).status).toBe(200);
    expect((await post(`/works/${ids.mother}/credits`, { organizationId: ids.jerrygoodTwin, role: 'co-producer', country: 'KR', from: { date: '2024', precision: 'year' }, source: BRIEF })).status).toBe(200);
    await pipeline.caughtUp();
    expect((await card(ids.mother)).peopleByRole.cast).toEqual([expect.objectContaining({ personId: ids.twin, name: 'Lee Kwangsoo' })]);
  });

  let beforeMerge = 0;
  let afterMerge = 0;

  it('merge two duplicates and see every read model follow the survivor', async () => {
    beforeMerge = await lastPosition();
    const key = randomUUID();
    const merged = await post(`/people/${ids.twin}/merge`, { survivorId: ids.leeKwangSoo, note: 'Same actor: KOBIS lists one Lee Kwang-soo', source: BETTER_SOURCE }, key).expect(200);
    expect(merged.body.events.map((e: { type: string; streamId: string }) => [e.type, e.streamId])).toEqual([
      ['PersonMerged', `person-${ids.twin}`],
      ['PersonAbsorbed', `person-${ids.leeKwangSoo}`],
    ]);
    expect(merged.body.streams).toHaveLength(2);
    const replay = await post(`/people/${ids.twin}/merge`, { survivorId: ids.leeKwangSoo, note: 'Same actor: KOBIS lists one Lee Kwang-soo', source: BETTER_SOURCE }, key).expect(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(merged.body);
    const companyMerged = await post(`/organizations/${ids.jerrygoodTwin}/merge`, { survivorId: ids.jerrygood, note: 'One company, two spellings', source: BETTER_SOURCE }).expect(200);
    expect(companyMerged.body.events.map((e: { type: string }) => e.type)).toEqual(['OrganizationMerged', 'OrganizationAbsorbed']);
    afterMerge = await lastPosition();
    await pipeline.caughtUp();

    // Reads of the old id follow the survivor: a temporary redirect (a merge can be undone), the view kept.
    const redirected = await get(`/people/${ids.twin}`).redirects(0).expect(307);
    expect(redirected.headers.location).toBe(`/people/${ids.leeKwangSoo}`);
    const followed = await get(`/people/${ids.twin}`).redirects(1).expect(200);
    expect(followed.body.id).toBe(ids.leeKwangSoo);
    expect(followed.body.state.absorbed).toEqual([expect.objectContaining({ duplicateId: ids.twin })]);
    expect((await get(`/people/${ids.twin}/attachments`).redirects(0).expect(307)).headers.location).toBe(`/people/${ids.leeKwangSoo}/attachments`);
    expect((await get(`/companies/${ids.jerrygoodTwin}/portfolio`, { asOfPosition: afterMerge }).redirects(0).expect(307)).headers.location).toBe(
      `/companies/${ids.jerrygood}/portfolio?asOfPosition=${afterMerge}`,
    );

    // Attachments, cards, portfolio and project filters that named a twin now show the survivor.
    expect(await attachedWorks(ids.leeKwangSoo)).toEqual([[ids.mother, ids.twin], [ids.remake, null]].sort());
    expect((await card(ids.mother)).peopleByRole.cast).toEqual([expect.objectContaining({ personId: ids.leeKwangSoo, name: 'Lee Kwang-soo', mergedFrom: ids.twin })]);
    expect((await card(ids.mother)).companiesByRole['co-producer']).toEqual([expect.objectContaining({ organizationId: ids.jerrygood, name: 'Jerrygood Company', mergedFrom: ids.jerrygoodTwin })]);
    const portfolio = (await get(`/companies/${ids.jerrygood}/portfolio`).expect(200)).body as { works: { workId: string; credits: { role: string; mergedFrom?: string }[] }[] };
    expect(portfolio.works.map((w) => [w.workId, w.credits.map((c) => [c.role, c.mergedFrom ?? null])]).sort()).toEqual(
      [
        [ids.mother, [['co-producer', ids.jerrygoodTwin]]],
        [ids.remake, [['producer', null]]],
      ].sort(),
    );
    // The film's timeline names the survivor where it named a twin.
    expect(await timelineSubjects(ids.mother)).toEqual(
      expect.arrayContaining([
        { type: 'person', id: ids.leeKwangSoo, name: 'Lee Kwang-soo', mergedFrom: ids.twin },
        { type: 'organization', id: ids.jerrygood, name: 'Jerrygood Company', mergedFrom: ids.jerrygoodTwin },
      ]),
    );
    expect(await projectsOf({ personId: ids.leeKwangSoo })).toEqual([ids.mother, ids.remake].sort());
    expect(await projectsOf({ personId: ids.twin })).toEqual([ids.mother, ids.remake].sort());
    expect(await projectsOf({ companyId: ids.jerrygood })).toEqual([ids.mother, ids.remake].sort());
    // Finding by name lists the survivor, not its twin.
    expect(((await get('/people', { q: 'lee kwang' }).expect(200)).body.items as { personId: string }[]).map((p) => p.personId)).toEqual([ids.leeKwangSoo]);

    // The survivor's history links the twin; the twin's own history keeps its events and says where it went.
    const history = (await get(`/people/${ids.leeKwangSoo}/history`).expect(200)).body.entries as { type: string; data: Record<string, unknown> }[];
    expect(history.at(-1)).toMatchObject({ type: 'PersonAbsorbed', data: { duplicateId: ids.twin } });
    const twinHistory = (await get(`/people/${ids.twin}/history`).expect(200)).body.entries as { type: string; data: Record<string, unknown> }[];
    expect(twinHistory.map((e) => e.type)).toEqual(['PersonRegistered', 'PersonMerged']);

    // The twin is closed to edits, with a problem naming the survivor; a new registration of the name finds only the survivor.
    const closed = await post(`/people/${ids.twin}/names`, { text: '이광수', language: 'ko-Kore', source: BRIEF }).expect(409);
    expect(closed.body).toMatchObject({ type: '/problems/merged', survivorId: ids.leeKwangSoo, survivor: `/people/${ids.leeKwangSoo}` });
    expect((await post('/people', person(undefined, 'Lee Kwang-soo')).expect(409)).body.candidates.map((c: { id: string }) => c.id)).toEqual([ids.leeKwangSoo]);

    // As of before the merge, the desk's view then: the twin apart, its reads its own.
    expect(await attachedWorks(ids.leeKwangSoo, { asOfPosition: beforeMerge })).toEqual([[ids.remake, null]]);
    expect(await attachedWorks(ids.twin, { asOfPosition: beforeMerge })).toEqual([[ids.mother, null]]);
    expect((await card(ids.mother, { asOfPosition: beforeMerge })).peopleByRole.cast).toEqual([expect.objectContaining({ personId: ids.twin, name: 'Lee Kwangsoo' })]);
    expect(await timelineSubjects(ids.mother, { asOfPosition: beforeMerge })).toContainEqual({ type: 'person', id: ids.twin, name: 'Lee Kwangsoo' });
    const mergedAt = Date.parse(merged.body.events[0].recordedAt);
    const twinThen = await get(`/people/${ids.twin}`, { asOf: new Date(mergedAt - 1).toISOString() }).redirects(0).expect(200);
    expect(twinThen.body.state.mergedInto).toBeNull();
  });

  it('correct the merge: undone, both records stand apart again and every read model follows back; the merge stays in history', async () => {
    const undone = await post(`/people/${ids.twin}/merge/undo`, { note: 'Two actors after all: the other one is a stage name', source: BETTER_SOURCE }).expect(200);
    expect(undone.body.events.map((e: { type: string; streamId: string }) => [e.type, e.streamId])).toEqual([
      ['PersonUnmerged', `person-${ids.twin}`],
      ['PersonAbsorptionReverted', `person-${ids.leeKwangSoo}`],
    ]);
    await pipeline.caughtUp();

    expect((await get(`/people/${ids.twin}`).redirects(0).expect(200)).body.state.mergedInto).toBeNull();
    expect(await attachedWorks(ids.leeKwangSoo)).toEqual([[ids.remake, null]]);
    expect(await attachedWorks(ids.twin)).toEqual([[ids.mother, null]]);
    expect((await card(ids.mother)).peopleByRole.cast).toEqual([expect.objectContaining({ personId: ids.twin, name: 'Lee Kwangsoo' })]);
    expect((await card(ids.mother)).peopleByRole.cast[0]!.mergedFrom).toBeUndefined();
    const subjects = await timelineSubjects(ids.mother);
    expect(subjects).toContainEqual({ type: 'person', id: ids.twin, name: 'Lee Kwangsoo' });
    expect(subjects.filter((subject) => subject?.type === 'person' && subject.mergedFrom)).toEqual([]);
    expect(await projectsOf({ personId: ids.twin })).toEqual([ids.mother]);
    expect((await post(`/people/${ids.twin}/names`, { text: '이광수', language: 'ko-Kore', source: BRIEF })).status).toBe(200);
    // Nothing to undo twice.
    expect((await post(`/people/${ids.twin}/merge/undo`, { note: 'again', source: BETTER_SOURCE }).expect(422)).body.type).toBe('/problems/validation-error');

    // As of between the merge and its undo, the merged view the desk published then.
    expect(await attachedWorks(ids.leeKwangSoo, { asOfPosition: afterMerge })).toEqual([[ids.mother, ids.twin], [ids.remake, null]].sort());
    const history = (await get(`/people/${ids.twin}/history`).expect(200)).body.entries as { type: string }[];
    expect(history.map((e) => e.type)).toEqual(['PersonRegistered', 'PersonMerged', 'PersonUnmerged', 'PersonNameAdded']);
    // The company merge was right and stays.
    expect((await get(`/organizations/${ids.jerrygoodTwin}`).redirects(0).expect(307)).headers.location).toBe(`/organizations/${ids.jerrygood}`);
  });

  it('refuses a merge into itself, into a merged record, or of a record that stands for others, changing nothing', async () => {
    const before = await eventCount();
    expect((await post(`/people/${ids.twin}/merge`, { survivorId: ids.twin, note: 'x', source: BRIEF }).expect(422)).body.errors).toEqual([expect.objectContaining({ field: 'survivorId' })]);
    const intoMerged = await post(`/organizations/${randomUUID()}/merge`, { survivorId: ids.jerrygoodTwin, note: 'x', source: BRIEF });
    expect(intoMerged.status).toBe(404);
    const other = await created('/organizations', company(undefined, 'Lionsgate'));
    const refused = await post(`/organizations/${other}/merge`, { survivorId: ids.jerrygoodTwin, note: 'x', source: BRIEF }).expect(422);
    expect(refused.body.errors[0].message).toContain(`merge into ${ids.jerrygood} instead`);
    const standsForOthers = await post(`/organizations/${ids.jerrygood}/merge`, { survivorId: other, note: 'x', source: BRIEF }).expect(422);
    expect(standsForOthers.body.errors[0].message).toContain('stands for duplicates of its own');
    const missingSurvivor = await post(`/people/${ids.twin}/merge`, { note: 'x', source: BRIEF }).expect(400);
    expect(missingSurvivor.body.errors.map((e: { field: string }) => e.field)).toContain('survivorId');
    expect(await eventCount()).toBe(before + 1); // Lionsgate's registration only
  });

  const film = { original: '', twin: randomUUID(), hollywood: '' };
  const filmBody = (workId: string | undefined, titles: { text: string; language: string; class: string; primary?: boolean }[], extra: Record<string, unknown> = {}) => ({
    ...(workId ? { workId } : {}),
    kind: 'feature-film',
    originalLanguage: 'ko',
    countries: ['KR'],
    productionYear: 2009,
    titles,
    source: BRIEF,
    ...extra,
  });

  it('the same film registered twice is told, by any of its titles; a remake in another language is not held', async () => {
    film.original = await created('/works', filmBody(undefined, [
      { text: '마더', language: 'ko-Kore', class: 'original', primary: true },
      { text: 'Mother', language: 'en', class: 'translated' },
    ]));
    await pipeline.caughtUp();
    const before = await eventCount();
    // Registered again under its English title only, romanised differently: held, naming the card it matches.
    const refused = await post('/works', filmBody(film.twin, [{ text: 'Mother!', language: 'en', class: 'translated' }])).expect(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ type: '/problems/possible-duplicate', status: 409, title: 'Possibly a work already registered' });
    expect(refused.body.candidates).toEqual([
      { id: film.original, title: '마더', matchedTitle: 'Mother', similarity: expect.any(Number), href: `/projects/${film.original}`, workHref: `/works/${film.original}` },
    ]);
    expect(refused.body.candidates[0].similarity).toBeGreaterThanOrEqual(0.5);
    expect(await eventCount()).toBe(before);
    await get(`/works/${film.twin}`).expect(404);

    // Not held: a Hollywood remake with the same title (another original language), a same-language namesake of
    // another year, and a series of the same title (another kind).
    film.hollywood = await created('/works', filmBody(undefined, [{ text: 'Mother', language: 'en', class: 'working' }], { originalLanguage: 'en', countries: ['US'], productionYear: undefined }));
    await created('/works', filmBody(undefined, [{ text: 'Mother', language: 'en', class: 'translated' }], { productionYear: 1985 }));
    await created('/works', filmBody(undefined, [{ text: 'Mother', language: 'en', class: 'translated' }], { kind: 'series' }));

    // Confirmed as a different film (it is not: the desk merges them below), it registers.
    const confirmed = await post('/works', filmBody(film.twin, [{ text: 'Mother!', language: 'en', class: 'translated' }], { distinctFrom: [film.original] })).expect(201);
    expect(confirmed.body.id).toBe(film.twin);
    await pipeline.caughtUp();
  });

  it('merge the film registered twice: old id redirects, one card listed, the remake map follows; undo restores', async () => {
    // A remake stated against the twin before anyone noticed it is the same film.
    expect((await post(`/works/${film.hollywood}/relations`, { relation: 'remake-of', targetWorkId: film.twin, source: BRIEF })).status).toBe(200);
    await pipeline.caughtUp();
    const titlesListed = async (query: Record<string, string | number> = {}) =>
      ((await get('/projects', { q: 'Mother!', kind: 'feature-film', ...query }).expect(200)).body.items as { workId: string }[]).map((p) => p.workId).filter((id) => id === film.original || id === film.twin).sort();
    expect(await titlesListed()).toEqual([film.original, film.twin].sort());
    const before = await lastPosition();

    const merged = await post(`/works/${film.twin}/merge`, { survivorId: film.original, note: 'Same film: KOBIS lists one Mother (2009)', source: BETTER_SOURCE }).expect(200);
    expect(merged.body.events.map((e: { type: string; streamId: string }) => [e.type, e.streamId])).toEqual([
      ['WorkMerged', `work-${film.twin}`],
      ['WorkAbsorbed', `work-${film.original}`],
    ]);
    const after = await lastPosition();
    await pipeline.caughtUp();

    // Reads of the old id answer 307 to the survivor's same read, the view kept.
    expect((await get(`/works/${film.twin}`).redirects(0).expect(307)).headers.location).toBe(`/works/${film.original}`);
    expect((await get(`/projects/${film.twin}`).redirects(0).expect(307)).headers.location).toBe(`/projects/${film.original}`);
    expect((await get(`/projects/${film.twin}/timeline`, { occurredBefore: '2020' }).redirects(0).expect(307)).headers.location).toBe(`/projects/${film.original}/timeline?occurredBefore=2020`);
    expect((await get(`/projects/${film.twin}/remake-map`, { asOfPosition: after }).redirects(0).expect(307)).headers.location).toBe(`/projects/${film.original}/remake-map?asOfPosition=${after}`);
    expect((await get(`/projects/${film.twin}`).redirects(1).expect(200)).body.workId).toBe(film.original);
    // The list shows the film once; the remake's original, and the remake map, are the film that stayed.
    expect(await titlesListed()).toEqual([film.original]);
    expect((await get(`/projects/${film.hollywood}`).expect(200)).body.originalWork).toEqual({ workId: film.original, relation: 'remake-of', primaryTitle: '마더', mergedFrom: film.twin });
    const map = (await get(`/projects/${film.original}/remake-map`).expect(200)).body as { original: { workId: string }; versions: { workId: string; of: string }[] };
    expect(map.original.workId).toBe(film.original);
    expect(map.versions.map((v) => [v.workId, v.of])).toEqual([[film.hollywood, film.original]]);
    // The twin takes no edits; a new registration of the title finds only the survivor.
    const closed = await post(`/works/${film.twin}/titles`, { text: '마더', language: 'ko-Kore', class: 'original', source: BRIEF }).expect(409);
    expect(closed.body).toMatchObject({ type: '/problems/merged', survivorId: film.original });
    expect((await post('/works', filmBody(undefined, [{ text: 'Mother!', language: 'en', class: 'translated' }])).expect(409)).body.candidates.map((c: { id: string }) => c.id)).toEqual([film.original]);
    // As of before the merge, the two records as the desk published them.
    expect((await get(`/projects/${film.twin}`, { asOfPosition: before }).redirects(0).expect(200)).body.workId).toBe(film.twin);
    expect(await titlesListed({ asOfPosition: before })).toEqual([film.original, film.twin].sort());
    expect((await get(`/projects/${film.hollywood}`, { asOfPosition: before }).expect(200)).body.originalWork.workId).toBe(film.twin);

    // The merge was wrong after all: undone, both stand apart again, and the remake points at the twin as stated.
    const undone = await post(`/works/${film.twin}/merge/undo`, { note: 'Two films after all: the 1985 namesake was misdated', source: BETTER_SOURCE }).expect(200);
    expect(undone.body.events.map((e: { type: string }) => e.type)).toEqual(['WorkUnmerged', 'WorkAbsorptionReverted']);
    await pipeline.caughtUp();
    expect((await get(`/projects/${film.twin}`).redirects(0).expect(200)).body.workId).toBe(film.twin);
    expect(await titlesListed()).toEqual([film.original, film.twin].sort());
    expect((await get(`/projects/${film.hollywood}`).expect(200)).body.originalWork).toEqual({ workId: film.twin, relation: 'remake-of', primaryTitle: 'Mother!' });
    const history = (await get(`/works/${film.twin}/history`).expect(200)).body.entries as { type: string }[];
    expect(history.map((e) => e.type)).toEqual(['WorkRegistered', 'WorkMerged', 'WorkUnmerged']);
  });
  // ---- a film registered twice, each record with a life of its own, merged: every read model follows --------------

  const host = { survivor: '', twin: randomUUID(), remake: '', studio: '', director: '', dealOnSurvivor: '', dealOnTwin: '', relationId: '' };
  const suffix = randomUUID().slice(0, 8);
  const hostTitle = `Gwoemul ${suffix}`;
  type Named = { organizationId?: string; personId?: string; workMergedFrom?: string; mergedFrom?: string };
  type HostCard = {
    companiesByRole: Record<string, Named[]>;
    peopleByRole: Record<string, Named[]>;
    firstRelease: { territory: string; workMergedFrom?: string } | null;
    latestMilestone: { label: string; workMergedFrom?: string } | null;
    mergedWorks: { workId: string; primaryTitle: string | null }[];
  };
  type Portfolio = {
    works: { workId: string; primaryTitle: string | null; credits: { role: string; workMergedFrom?: string }[] }[];
    deals: { dealId: string; dealStanding: string; works: { workId: string; primaryTitle: string | null; mergedFrom?: string }[] }[];
    denied: { works: unknown[]; deals: { dealId: string; dealStanding: string }[] };
  };
  const hostCard = async (query: Record<string, string | number> = {}) => (await get(`/projects/${host.survivor}`, query).expect(200)).body as HostCard;
  const portfolioOf = async (query: Record<string, string | number> = {}) => (await get(`/companies/${host.studio}/portfolio`, query).expect(200)).body as Portfolio;
  const creditsByWork = (p: Portfolio) => p.works.map((w) => [w.workId, w.primaryTitle, w.credits.map((c) => [c.role, c.workMergedFrom ?? null]).sort()]).sort();
  const dealWorks = (p: Portfolio) => p.deals.map((d) => [d.dealId, d.works.map((w) => [w.workId, w.primaryTitle, w.mergedFrom ?? null])]).sort();
  const directorAttachments = async (query: Record<string, string | number> = {}) =>
    ((await get(`/people/${host.director}/attachments`, query).expect(200)).body.attachments as { workId: string; workTitle: string; workMergedFrom?: string }[]).map((a) => [a.workId, a.workTitle, a.workMergedFrom ?? null]);
  const remakeEdges = async (workId: string, query: Record<string, string | number> = {}) =>
    ((await get(`/projects/${workId}/remake-map`, query).expect(200)).body.versions as { workId: string; of: string; relationStanding: string; standing: string; ofMergedFrom?: string }[]).map((v) => [
      v.workId,
      v.of,
      v.relationStanding,
      v.standing,
      v.ofMergedFrom ?? null,
    ]);
  const remakeListed = async (query: Record<string, string | number> = {}) =>
    ((await get('/projects', { q: `The Host (US remake) ${suffix}`, ...query }).expect(200)).body.items as { workId: string; originalWorkId: string | null; originalWorkMergedFrom?: string }[])
      .filter((p) => p.workId === host.remake)
      .map((p) => [p.originalWorkId, p.originalWorkMergedFrom ?? null]);
  const deal = (workId: string, announced: string, extra: Record<string, unknown> = {}) => ({
    type: 'remake-rights',
    parties: [{ organizationId: host.studio, side: 'licensor' }],
    works: [{ workId, role: 'source' }],
    territories: ['XW'],
    termsDisclosed: false,
    announcedAt: { date: announced, precision: 'year' },
    source: BRIEF,
    ...extra,
  });

  it('a film registered twice, each with a credit, an attachment, a release and a deal: merged, the card, timeline, portfolio, attachments and remake map show the survivor with workMergedFrom', async () => {
    host.studio = await created('/organizations', company(undefined, `Chungeorahm ${suffix}`));
    host.director = await created('/people', person(undefined, `Director ${suffix}`));
    host.survivor = await created('/works', filmBody(undefined, [{ text: hostTitle, language: 'ko-Latn', class: 'original', primary: true }], { productionYear: 2006 }));
    await pipeline.caughtUp();
    // The second record: told it may be the same film, the editor (wrongly) says it differs.
    const twinBody = filmBody(host.twin, [{ text: `Gwoemul! ${suffix}`, language: 'ko-Latn', class: 'original' }], { productionYear: 2006 });
    expect((await post('/works', twinBody).expect(409)).body.candidates.map((c: { id: string }) => c.id)).toEqual([host.survivor]);
    await post('/works', { ...twinBody, distinctFrom: [host.survivor] }).expect(201);
    host.remake = await created('/works', filmBody(undefined, [{ text: `The Host (US remake) ${suffix}`, language: 'en', class: 'working' }], { originalLanguage: 'en', countries: ['US'], productionYear: undefined }));

    // Each record gets facts of its own: the producer on the first, the co-producer, director and release on the twin.
    expect((await post(`/works/${host.survivor}/credits`, { organizationId: host.studio, role: 'producer', country: 'KR', source: BRIEF })).status).toBe(200);
    expect((await post(`/works/${host.twin}/credits`, { organizationId: host.studio, role: 'co-producer', country: 'KR', source: BRIEF })).status).toBe(200);
    expect((await post(`/works/${host.twin}/attachments`, { personId: host.director, role: 'director', source: BRIEF })).status).toBe(200);
    expect((await post(`/works/${host.survivor}/milestones`, { label: 'Shooting began', kind: 'principal-photography-start', date: { date: '2005-06', precision: 'month' }, source: BRIEF })).status).toBe(200);
    expect((await post(`/works/${host.twin}/milestones`, { label: 'Wrapped', kind: 'principal-photography-end', date: { date: '2006-01', precision: 'month' }, source: BRIEF })).status).toBe(200);
    expect((await post(`/works/${host.twin}/releases`, { territory: 'KR', type: 'wide', status: 'occurred', date: { date: '2006-07-27', precision: 'day' }, source: BRIEF })).status).toBe(200);
    host.dealOnSurvivor = (await post('/deals', deal(host.survivor, '2008', { standing: 'rumored' })).expect(201)).body.id;
    host.dealOnTwin = (await post('/deals', deal(host.twin, '2010')).expect(201)).body.id;
    // A remake stated against the twin, the relation confirmed by the studio.
    expect((await post(`/works/${host.remake}/relations`, { relation: 'remake-of', targetWorkId: host.twin, source: BRIEF })).status).toBe(200);
    host.relationId = (await get(`/works/${host.remake}`).expect(200)).body.state.relations[0].relationId;
    await post(`/works/${host.remake}/standing-changes`, { fact: { type: 'relation', id: host.relationId }, standing: 'confirmed', source: BETTER_SOURCE }).expect(200);
    await pipeline.caughtUp();
    expect(await remakeEdges(host.twin)).toEqual([[host.remake, host.twin, 'confirmed', 'reported', null]]);
    const before = await lastPosition();

    await post(`/works/${host.twin}/merge`, { survivorId: host.survivor, note: 'Same film: KOBIS lists one', source: BETTER_SOURCE }).expect(200);
    const after = await lastPosition();
    await pipeline.caughtUp();

    // The survivor's card shows the twin's facts under it, each saying where it was stated.
    const merged = await hostCard();
    expect(merged.companiesByRole.producer).toEqual([expect.objectContaining({ organizationId: host.studio })]);
    expect(merged.companiesByRole.producer![0]!.workMergedFrom).toBeUndefined();
    expect(merged.companiesByRole['co-producer']).toEqual([expect.objectContaining({ organizationId: host.studio, workMergedFrom: host.twin })]);
    expect(merged.peopleByRole.director).toEqual([expect.objectContaining({ personId: host.director, workMergedFrom: host.twin })]);
    expect(merged.firstRelease).toEqual(expect.objectContaining({ territory: 'KR', workMergedFrom: host.twin }));
    expect(merged.latestMilestone).toEqual(expect.objectContaining({ label: 'Wrapped', workMergedFrom: host.twin }));
    expect(merged.mergedWorks).toEqual([{ workId: host.twin, primaryTitle: `Gwoemul! ${suffix}` }]);
    // Its timeline has both deals and the twin's release; the twin's registration stays in the twin's own history.
    const entries = (await get(`/projects/${host.survivor}/timeline`).expect(200)).body.entries as { kind: string; subject: { id: string } | null; workMergedFrom?: string }[];
    expect(entries.filter((e) => e.kind === 'deal-announced').map((e) => [e.subject?.id, e.workMergedFrom ?? null]).sort()).toEqual(
      [
        [host.dealOnSurvivor, null],
        [host.dealOnTwin, host.twin],
      ].sort(),
    );
    expect(entries.filter((e) => e.kind === 'release').map((e) => e.workMergedFrom)).toEqual([host.twin]);

    // The studio's portfolio: one work, the survivor with its current title; both deals name it, the rumored one says so.
    const portfolio = await portfolioOf();
    expect(creditsByWork(portfolio)).toEqual([[host.survivor, hostTitle, [['co-producer', host.twin], ['producer', null]]]]);
    expect(dealWorks(portfolio)).toEqual(
      [
        [host.dealOnSurvivor, [[host.survivor, hostTitle, null]]],
        [host.dealOnTwin, [[host.survivor, hostTitle, host.twin]]],
      ].sort(),
    );
    expect(portfolio.deals.find((d) => d.dealId === host.dealOnSurvivor)?.dealStanding).toBe('rumored');
    // The director's attachments, the project filters and the remake map name the survivor.
    expect(await directorAttachments()).toEqual([[host.survivor, hostTitle, host.twin]]);
    expect(await projectsOf({ personId: host.director })).toEqual([host.survivor]);
    expect(await projectsOf({ companyId: host.studio })).toEqual([host.survivor]);
    expect(await remakeEdges(host.survivor)).toEqual([[host.remake, host.survivor, 'confirmed', 'reported', host.twin]]);
    expect(await remakeListed()).toEqual([[host.survivor, host.twin]]);

    // As of before the merge (by position and by instant) the two records show apart, as the desk published them.
    const apart = await hostCard({ asOfPosition: before });
    expect([apart.companiesByRole['co-producer'], apart.peopleByRole.director, apart.firstRelease, apart.mergedWorks]).toEqual([undefined, undefined, null, []]);
    expect(creditsByWork(await portfolioOf({ asOfPosition: before }))).toEqual(
      [
        [host.survivor, hostTitle, [['producer', null]]],
        [host.twin, `Gwoemul! ${suffix}`, [['co-producer', null]]],
      ].sort(),
    );
    expect(await directorAttachments({ asOfPosition: before })).toEqual([[host.twin, `Gwoemul! ${suffix}`, null]]);
    expect(await projectsOf({ personId: host.director, asOfPosition: String(before) })).toEqual([host.twin]);
    expect(await remakeEdges(host.twin, { asOfPosition: before })).toEqual([[host.remake, host.twin, 'confirmed', 'reported', null]]);
    expect(await remakeListed({ asOfPosition: before })).toEqual([[host.twin, null]]);
    const recordedBefore = (await pipeline.api.db.pool.query('SELECT recorded_at FROM events WHERE global_position = $1', [before])).rows[0].recorded_at as Date;
    expect(await directorAttachments({ asOf: new Date(recordedBefore.getTime() + 1).toISOString() })).toEqual([[host.twin, `Gwoemul! ${suffix}`, null]]);

    // Undone: apart again now, while the view between merge and undo keeps the merged story.
    await post(`/works/${host.twin}/merge/undo`, { note: 'Two films after all', source: BETTER_SOURCE }).expect(200);
    await pipeline.caughtUp();
    const undone = await hostCard();
    expect(undone.latestMilestone).toEqual(expect.objectContaining({ label: 'Shooting began' }));
    expect(undone.latestMilestone?.workMergedFrom).toBeUndefined();
    expect([undone.companiesByRole['co-producer'], undone.peopleByRole.director, undone.firstRelease, undone.mergedWorks]).toEqual([undefined, undefined, null, []]);
    expect(((await get(`/projects/${host.survivor}/timeline`).expect(200)).body.entries as { workMergedFrom?: string }[]).filter((e) => e.workMergedFrom)).toEqual([]);
    expect(creditsByWork(await portfolioOf())).toEqual(
      [
        [host.survivor, hostTitle, [['producer', null]]],
        [host.twin, `Gwoemul! ${suffix}`, [['co-producer', null]]],
      ].sort(),
    );
    expect(dealWorks(await portfolioOf())).toEqual(
      [
        [host.dealOnSurvivor, [[host.survivor, hostTitle, null]]],
        [host.dealOnTwin, [[host.twin, `Gwoemul! ${suffix}`, null]]],
      ].sort(),
    );
    expect(await directorAttachments()).toEqual([[host.twin, `Gwoemul! ${suffix}`, null]]);
    expect(await projectsOf({ personId: host.director })).toEqual([host.twin]);
    expect(await remakeEdges(host.twin)).toEqual([[host.remake, host.twin, 'confirmed', 'reported', null]]);
    expect(await remakeListed()).toEqual([[host.twin, null]]);
    expect(await directorAttachments({ asOfPosition: after })).toEqual([[host.survivor, hostTitle, host.twin]]);
  });

  it("a deal denied as a whole leaves the studio's portfolio deals and is listed under denied, with the deal's standing", async () => {
    await post(`/deals/${host.dealOnSurvivor}/standing-changes`, { fact: { type: 'deal', id: host.dealOnSurvivor }, standing: 'denied', note: 'The studio says no rights were sold', source: BETTER_SOURCE }).expect(200);
    await pipeline.caughtUp();
    const portfolio = await portfolioOf();
    expect(portfolio.deals.map((d) => d.dealId)).toEqual([host.dealOnTwin]);
    expect(portfolio.denied.deals.map((d) => [d.dealId, d.dealStanding])).toEqual([[host.dealOnSurvivor, 'denied']]);
    // Its credits are not the deal's: they stay.
    expect(portfolio.works.map((w) => w.workId).sort()).toEqual([host.survivor, host.twin].sort());
  });
  it('a rebuild from the log gives every row version the projector wrote: merges, undos and standings included (npm run replay --verify)', async () => {
    await pipeline.caughtUp();
    const verified = await verifyReadModels({ pool: pipeline.api.db.pool });
    expect(verified.differences).toEqual([]);
    expect(verified.ok).toBe(true);
  });
});
