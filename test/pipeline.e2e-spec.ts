import { randomUUID } from 'node:crypto';
import { IDS } from '../scripts/seed/brief-facts.js';
import { runSeed } from '../scripts/seed/run-seed.js';
import { AUDITOR, BETTER_SOURCE, EDITOR } from './support/admin-api.js';
import { startTestPipeline, type TestPipeline } from './support/pipeline.js';

/**
 * Acceptance: fresh database → seed the brief through the API → the Kafka-fed read models answer what an editor checks;
 * then an editor corrects facts the brief mixed up, and every model follows while the as-of view keeps the old state.
 */
describe('the pipeline: HTTP → Postgres → relay → Kafka → projector → read models → query API', () => {
  let pipeline: TestPipeline;
  beforeAll(async () => {
    pipeline = await startTestPipeline();
    await runSeed({ baseUrl: pipeline.baseUrl, apiKey: 'dev-editor-key' });
    await pipeline.caughtUp();
  }, 60_000);
  afterAll(async () => {
    await pipeline?.close();
  });

  const get = (path: string) => pipeline.api.http().get(path).set('Authorization', AUDITOR);
  const post = (path: string, body: object) => pipeline.api.http().post(path).set('Authorization', EDITOR).send(body);
  const { work, org, person, deal } = IDS;

  it("shows the remake's status card: in development since 2018 at CJ ENM, a remake of the 2003 original", async () => {
    const response = await get(`/projects/${work.saveTheGreenPlanetRemake}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'in-development',
      statusSince: { date: '2018', precision: 'year' },
      countries: ['US'],
      originalWork: { workId: work.saveTheGreenPlanet, relation: 'remake-of', primaryTitle: '지구를 지켜라!' },
      companiesByRole: { producer: [expect.objectContaining({ organizationId: org.cjEnm, name: 'CJ ENM', country: 'KR' })] },
      inDevelopment: true,
      developmentStart: { date: '2018', precision: 'year' },
    });
    expect(response.body.developmentYears).toBe(new Date().getUTCFullYear() - 2018);
    expect(Number(response.body.freshness.globalPosition)).toBeGreaterThan(0);
    expect(response.headers['x-reelwire-position']).toBe(response.body.freshness.globalPosition);
  });

  it('draws the development timeline from 2018 to 2025: a seven-year span, in world-time order with precision', async () => {
    const response = await get(`/projects/${work.saveTheGreenPlanetRemake}/timeline`);
    expect(response.status).toBe(200);
    const dates = response.body.entries.map((entry: { occurredAt: { date: string } }) => entry.occurredAt.date);
    expect(dates[0]).toBe('2018');
    expect(dates.at(-1)).toBe('2025');
    expect([...dates].sort()).toEqual(dates);
    expect(response.body.span).toMatchObject({ from: { date: '2018', precision: 'year' }, to: { date: '2025', precision: 'year' }, years: 7 });

    const before2020 = await get(`/projects/${work.saveTheGreenPlanetRemake}/timeline?occurredBefore=2020`);
    expect(before2020.body.entries.every((entry: { occurredAt: { date: string } }) => entry.occurredAt.date < '2020')).toBe(true);
    expect((await get(`/projects/${work.saveTheGreenPlanetRemake}/timeline?occurredBefore=20-1`)).status).toBe(400);
  });

  it("lists the co-production's director, cast and companies by country", async () => {
    const status = (await get(`/projects/${work.goingToAbandonMyMother}`)).body;
    expect(status.peopleByRole.director.map((p: { name: string }) => p.name)).toEqual(['Mo Hong-jin']);
    expect(status.peopleByRole.cast.map((p: { name: string }) => p.name).sort()).toEqual(['Hoàng Hà', 'Hồng Đào', 'Lee Kwang-soo', 'Tuấn Trần']);
    const companies = [...status.companiesByRole.producer, ...status.companiesByRole['co-producer']].map((c: { name: string; country: string }) => `${c.country} ${c.name}`);
    expect(companies.sort()).toEqual(['KR Film Company Lee Chang', 'KR Jerrygood Company', 'VN Anh Teu Studio', 'VN Motif Pictures', 'VN SATE']);
  });

  it("shows CJ ENM's portfolio: the remake it produces and the 'One Source Multi Territory' franchise", async () => {
    const portfolio = (await get(`/companies/${org.cjEnm}/portfolio`)).body;
    expect(portfolio.works.map((w: { workId: string }) => w.workId)).toContain(work.saveTheGreenPlanetRemake);
    const franchise = portfolio.deals.find((d: { dealId: string }) => d.dealId === deal.oneSourceMultiTerritory);
    expect(franchise).toMatchObject({ dealName: 'One Source Multi Territory', side: 'rights-holder' });
    expect(franchise.works).toHaveLength(11);
  });

  it("maps the remakes of 'Sunny' and 'Miss Granny' by country and year, from the original or from any version", async () => {
    const sunny = (await get(`/projects/${work.sunnyVietnam}/remake-map`)).body;
    expect(sunny.original.workId).toBe(work.sunny);
    expect(sunny.versions.map((v: { countries: string[]; year: number }) => `${v.countries[0]} ${v.year}`).sort()).toEqual(['ID 2019', 'JP 2018', 'VN 2018']);
    const granny = (await get(`/projects/${work.missGranny}/remake-map`)).body;
    expect(granny.versions.map((v: { countries: string[] }) => v.countries[0]).sort()).toEqual(['CN', 'ID', 'JP', 'PH', 'TH', 'VN']);
  });

  it('lists and filters projects with cursor pagination', async () => {
    const korean = await get('/projects?country=KR&limit=2');
    expect(korean.status).toBe(200);
    expect(korean.body.items).toHaveLength(2);
    const next = await get(`/projects?country=KR&limit=2&cursor=${korean.body.nextCursor}`);
    expect(next.body.items.map((i: { workId: string }) => i.workId)).not.toEqual(korean.body.items.map((i: { workId: string }) => i.workId));
    const byText = await get('/projects?q=green%20planet');
    expect(byText.body.items.map((i: { workId: string }) => i.workId).sort()).toEqual([work.saveTheGreenPlanet, work.saveTheGreenPlanetRemake].sort());
    const byPerson = await get(`/projects?personId=${person.leeKwangSoo}`);
    expect(byPerson.body.items.map((i: { workId: string }) => i.workId)).toEqual([work.goingToAbandonMyMother]);
    const bad = await get('/projects?status=shooting&limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['limit', 'status']);
  });

  it('follows a correction: a cast member and a company the brief put on the wrong film move to the right one', async () => {
    // The desk learns from a better source that Lee Kwang-soo and Jerrygood Company belong to another project.
    const otherFilm = randomUUID();
    await post('/works', {
      workId: otherFilm,
      kind: 'feature-film',
      originalLanguage: 'ko',
      countries: ['KR'],
      titles: [{ text: 'An untitled Jerrygood project', language: 'en', class: 'working' }],
      status: 'announced',
      statusEffective: { date: '2025', precision: 'year' },
      source: BETTER_SOURCE,
    }).expect(201);
    const before = new Date();
    const motherState = (await get(`/works/${work.goingToAbandonMyMother}`)).body.state;
    const attachment = motherState.attachments.find((a: { personId: string }) => a.personId === person.leeKwangSoo);
    const credit = motherState.credits.find((c: { organizationId: string }) => c.organizationId === org.jerrygood);
    const note = 'The brief mixed two projects: the producer confirmed the cast member and the company are on another film';
    // The better source also dates both facts, so they land on the other film's timeline.
    const since2024 = { date: '2024-03', precision: 'month' };
    await post(`/works/${work.goingToAbandonMyMother}/attachments/${attachment.attachmentId}/move`, { targetWorkId: otherFilm, changes: { attachedAt: since2024 }, note, source: BETTER_SOURCE }).expect(200);
    await post(`/works/${work.goingToAbandonMyMother}/credits/${credit.creditId}/move`, { targetWorkId: otherFilm, changes: { from: since2024 }, note, source: BETTER_SOURCE }).expect(200);
    await pipeline.caughtUp();

    const mother = (await get(`/projects/${work.goingToAbandonMyMother}`)).body;
    expect(mother.peopleByRole.cast.map((p: { personId: string }) => p.personId)).not.toContain(person.leeKwangSoo);
    expect(mother.companiesByRole.producer.map((c: { organizationId: string }) => c.organizationId)).toEqual([org.leeChang]);
    expect(JSON.stringify(mother.notes)).toContain(note);
    const other = (await get(`/projects/${otherFilm}`)).body;
    expect(other.peopleByRole.cast.map((p: { personId: string }) => p.personId)).toEqual([person.leeKwangSoo]);
    expect(other.companiesByRole.producer.map((c: { organizationId: string }) => c.organizationId)).toEqual([org.jerrygood]);

    const attachments = (await get(`/people/${person.leeKwangSoo}/attachments`)).body.attachments;
    expect(attachments.find((a: { current: boolean }) => a.current)).toMatchObject({ workId: otherFilm, movedFrom: { workId: work.goingToAbandonMyMother } });
    const jerrygood = (await get(`/companies/${org.jerrygood}/portfolio`)).body;
    expect(jerrygood.works.map((w: { workId: string }) => w.workId)).toEqual([otherFilm]);

    const history = (await get(`/works/${work.goingToAbandonMyMother}/history`)).body.entries;
    expect(history.slice(-2).map((entry: { note: string; source: { publisher: string } }) => [entry.note, entry.source.publisher])).toEqual([
      [note, BETTER_SOURCE.publisher],
      [note, BETTER_SOURCE.publisher],
    ]);
    const asKnownBefore = (await get(`/works/${work.goingToAbandonMyMother}?asOf=${before.toISOString()}`)).body.state;
    expect(asKnownBefore.attachments.filter((a: { rank?: string }) => a.rank !== 'deprecated').map((a: { personId: string }) => a.personId)).toContain(person.leeKwangSoo);
    const statusBefore = (await get(`/projects/${work.goingToAbandonMyMother}?asOf=${before.toISOString()}`)).body;
    expect(statusBefore.peopleByRole.cast.map((p: { personId: string }) => p.personId)).toContain(person.leeKwangSoo);
    expect(statusBefore.companiesByRole.producer.map((c: { organizationId: string }) => c.organizationId).sort()).toEqual([org.jerrygood, org.leeChang].sort());

    // The other film's timeline now carries the moved, newly dated attachment and credit.
    const otherTimeline = (await get(`/projects/${otherFilm}/timeline`)).body.entries as { subject: { id: string } | null; occurredAt: { date: string }; current: boolean }[];
    const moved = otherTimeline.filter((entry) => entry.current && entry.occurredAt.date === '2024-03').map((entry) => entry.subject?.id);
    expect(moved.sort()).toEqual([person.leeKwangSoo, org.jerrygood].sort());
  });

  it('answers every read model as of a past moment: before and after a correction in the middle', async () => {
    const source = { publisher: 'reelwire as-of test' };
    const register = async (body: object) => (await post('/works', { kind: 'feature-film', source, ...body }).expect(201)).body.id as string;
    const company = (await post('/organizations', { kind: 'studio', country: 'KR', names: [{ text: 'Alpha Pictures', language: 'en', primary: true }], source }).expect(201)).body.id as string;
    const original = await register({ originalLanguage: 'ko', countries: ['KR'], productionYear: 2010, titles: [{ text: 'As-of Original', language: 'en', class: 'original' }], status: 'released' });
    const remake = await register({ originalLanguage: 'vi', countries: ['VN'], titles: [{ text: 'As-of Remake', language: 'en', class: 'working' }], status: 'in-development' });
    const other = await register({ originalLanguage: 'th', countries: ['TH'], titles: [{ text: 'As-of Other', language: 'en', class: 'working' }], status: 'announced' });
    await post(`/works/${remake}/relations`, { relation: 'remake-of', targetWorkId: original, source }).expect(200);
    await post(`/works/${remake}/credits`, { organizationId: company, role: 'producer', country: 'KR', source }).expect(200);
    await post(`/works/${remake}/milestones`, { label: 'Script delivered', kind: 'script', date: { date: '2019', precision: 'year' }, source }).expect(200);
    await pipeline.caughtUp();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const beforeCorrection = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));

    const remakeState = (await get(`/works/${remake}`)).body.state;
    const note = 'Second report: the script came in 2020, and Alpha produces the other version';
    await post(`/works/${remake}/corrections`, { fact: { type: 'milestone', id: remakeState.milestones[0].milestoneId }, changes: { date: { date: '2020', precision: 'year' } }, note, source: BETTER_SOURCE }).expect(200);
    await post(`/works/${remake}/credits/${remakeState.credits[0].creditId}/move`, { targetWorkId: other, note, source: BETTER_SOURCE }).expect(200);
    await post(`/works/${other}/relations`, { relation: 'localized-version-of', targetWorkId: original, source: BETTER_SOURCE }).expect(200);
    await pipeline.caughtUp();
    const asOf = `asOf=${encodeURIComponent(beforeCorrection)}`;

    // Project status
    const statusThen = (await get(`/projects/${remake}?${asOf}`)).body;
    expect(statusThen.asOf).toBe(beforeCorrection);
    expect(statusThen.companiesByRole.producer.map((c: { name: string }) => c.name)).toEqual(['Alpha Pictures']);
    const statusNow = (await get(`/projects/${remake}`)).body;
    expect(statusNow.companiesByRole.producer ?? []).toEqual([]);
    expect(Number(statusThen.freshness.globalPosition)).toBeLessThan(Number(statusNow.freshness.globalPosition));

    // Timeline
    const milestonesOf = (timeline: { entries: { kind: string; occurredAt: { date: string }; current: boolean }[] }) =>
      timeline.entries.filter((entry) => entry.kind === 'milestone').map((entry) => `${entry.occurredAt.date} ${entry.current ? 'current' : 'corrected'}`);
    expect(milestonesOf((await get(`/projects/${remake}/timeline?${asOf}`)).body)).toEqual(['2019 current']);
    expect(milestonesOf((await get(`/projects/${remake}/timeline`)).body)).toEqual(['2019 corrected', '2020 current']);

    // Company portfolio
    const worksOf = (portfolio: { works: { workId: string }[] }) => portfolio.works.map((work) => work.workId);
    expect(worksOf((await get(`/companies/${company}/portfolio?${asOf}`)).body)).toEqual([remake]);
    expect(worksOf((await get(`/companies/${company}/portfolio`)).body)).toEqual([other]);

    // Remake map
    const versionsOf = (map: { versions: { workId: string }[] }) => map.versions.map((version) => version.workId).sort();
    expect(versionsOf((await get(`/projects/${original}/remake-map?${asOf}`)).body)).toEqual([remake]);
    expect(versionsOf((await get(`/projects/${original}/remake-map`)).body)).toEqual([remake, other].sort());

    // The list as of then: the projects with the producer credited then (/projects?asOf= used to answer 400)
    const producedBy = async (query: string) => ((await get(`/projects?companyId=${company}&${query}`)).body.items as { workId: string }[]).map((p) => p.workId);
    expect(await producedBy(asOf)).toEqual([remake]);
    expect(await producedBy('limit=20')).toEqual([other]);

    // As of a log position: the same views by position. The position the answer reflects is in the body and the header.
    const position = statusThen.freshness.globalPosition as string;
    const byPosition = await get(`/projects/${remake}?asOfPosition=${position}`);
    expect(byPosition.status).toBe(200);
    expect(byPosition.body.asOfPosition).toBe(position);
    expect(byPosition.headers['x-reelwire-position']).toBe(position);
    expect(byPosition.body.companiesByRole).toEqual(statusThen.companiesByRole);
    expect(milestonesOf((await get(`/projects/${remake}/timeline?asOfPosition=${position}`)).body)).toEqual(['2019 current']);
    expect(await producedBy(`asOfPosition=${position}`)).toEqual([remake]);

    // Before the work existed, it is not there; a malformed instant or position is a 400 naming it, and so is both at once.
    expect((await get(`/projects/${remake}?asOf=2001-01-01T00:00:00Z`)).status).toBe(404);
    expect((await get(`/projects/${remake}?asOfPosition=0`)).status).toBe(404);
    const malformed = await get(`/projects/${remake}?asOf=yesterday`);
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(malformed.body)).toContain('asOf');
    for (const query of ['asOfPosition=-1', 'asOfPosition=1.5', 'asOfPosition=9999999999999999999', `asOf=${encodeURIComponent(beforeCorrection)}&asOfPosition=1`]) {
      const refused = await get(`/projects?${query}`);
      expect({ query, status: refused.status }).toEqual({ query, status: 400 });
      expect(JSON.stringify(refused.body)).toContain('asOfPosition');
    }
  });
});
