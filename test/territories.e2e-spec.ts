import { randomUUID } from 'node:crypto';
import { AUDITOR, BETTER_SOURCE, BRIEF, EDITOR } from './support/admin-api.js';
import { startTestPipeline, type TestPipeline } from './support/pipeline.js';

/**
 * An editor records deals and releases as the trades write them — a North American release, Latin American remake
 * distribution, a worldwide streaming launch — credits the licensor and the licensee, and finds the projects by any country
 * of those territories; the film released after seven years in development keeps that length on its card. Over HTTP,
 * against a real PostgreSQL, with the relay, the dev broker and the projector behind the read models.
 */
describe('admin API: territories, licensing roles and the development length the trades report', () => {
  let pipeline: TestPipeline;
  const ids: Record<string, string> = {};
  const releaseId = randomUUID();

  const http = () => pipeline.api.http();
  const get = (path: string, query: Record<string, string> = {}) => http().get(path).query(query).set('Authorization', AUDITOR);
  const post = (path: string, body: object) => http().post(path).set('Authorization', EDITOR).send(body);
  const accepted = async (path: string, body: object, status = 200) => {
    const response = await post(path, body);
    expect({ path, status: response.status, body: response.body }).toEqual({ path, status, body: expect.any(Object) });
    return response.body as { id?: string };
  };
  const created = async (path: string, body: object) => (await accepted(path, body, 201)).id!;
  /** The projects /projects lists for these filters, by id. */
  const found = async (query: Record<string, string>) => {
    const response = await get('/projects', query);
    expect({ query, status: response.status }).toEqual({ query, status: 200 });
    return (response.body.items as { workId: string }[]).map((item) => item.workId).sort();
  };

  beforeAll(async () => {
    pipeline = await startTestPipeline();
    const organization = (name: string, country: string, kind = 'distributor') =>
      created('/organizations', { kind, country, names: [{ text: name, language: 'en', primary: true }], source: BRIEF });
    ids.cjEnm = await organization('CJ ENM', 'KR', 'conglomerate');
    ids.focus = await organization('Focus Features', 'US');
    ids.diamond = await organization('Diamond Films', 'AR');

    // The Hollywood remake of 'Save the Green Planet!': CJ ENM began developing it in 2018; Focus released it in
    // North America in October 2025.
    ids.remake = await created('/works', {
      kind: 'feature-film',
      originalLanguage: 'en',
      countries: ['US', 'KR'],
      titles: [{ text: 'Bugonia', language: 'en', class: 'release' }],
      status: 'in-development',
      statusEffective: { date: '2018', precision: 'year' },
      source: BRIEF,
    });
    await accepted(`/works/${ids.remake}/milestones`, { label: 'CJ ENM starts developing the remake', kind: 'development-start', date: { date: '2018', precision: 'year' }, source: BRIEF });
    await accepted(`/works/${ids.remake}/status-changes`, { to: 'filming', effective: { date: '2025-03', precision: 'month' }, source: BRIEF });
    await accepted(`/works/${ids.remake}/releases`, {
      releaseId,
      territory: 'north-america',
      type: 'wide',
      date: { date: '2025-10-31', precision: 'day' },
      status: 'occurred',
      distributorId: ids.focus,
      source: BRIEF,
    });
    await accepted(`/works/${ids.remake}/status-changes`, { to: 'released', effective: { date: '2025-10', precision: 'month' }, source: BRIEF });

    // 'Miss Granny': CJ ENM licenses it to Diamond Films for distribution across Latin America; it streams worldwide.
    ids.missGranny = await created('/works', {
      kind: 'feature-film',
      originalLanguage: 'ko',
      countries: ['KR'],
      titles: [{ text: '수상한 그녀', language: 'ko-Kore', class: 'original' }],
      status: 'released',
      statusEffective: { date: '2014', precision: 'year' },
      source: BRIEF,
    });
    ids.latinAmericanDistribution = await created('/deals', {
      type: 'distribution',
      name: 'Miss Granny Latin America',
      parties: [
        { organizationId: ids.cjEnm, side: 'licensor' },
        { organizationId: ids.diamond, side: 'licensee' },
      ],
      works: [{ workId: ids.missGranny, role: 'subject' }],
      territories: ['latin-america'],
      termsDisclosed: false,
      announcedAt: { date: '2015', precision: 'year' },
      source: BRIEF,
    });
    await accepted(`/works/${ids.missGranny}/credits`, { organizationId: ids.cjEnm, role: 'licensor', country: 'KR', source: BRIEF });
    await accepted(`/works/${ids.missGranny}/credits`, { organizationId: ids.diamond, role: 'licensee', territory: 'latin-america', source: BRIEF });

    // A Korean drama with a release in Korea only: in no group but worldwide and Asia-Pacific.
    ids.koreanOnly = await created('/works', {
      kind: 'feature-film',
      originalLanguage: 'ko',
      countries: ['KR'],
      titles: [{ text: '지구를 지켜라!', language: 'ko-Kore', class: 'original' }],
      source: BRIEF,
    });
    await accepted(`/works/${ids.koreanOnly}/releases`, { territory: 'KR', type: 'wide', date: { date: '2003-04-04', precision: 'day' }, status: 'occurred', source: BRIEF });
    await pipeline.caughtUp();
  }, 60_000);
  afterAll(async () => {
    await pipeline?.close();
  });

  it('lists every territory a client may send: the countries and each named group with its countries, no key needed', async () => {
    const response = await http().get('/territories').expect(200);
    expect(response.body.countries).toEqual(expect.arrayContaining(['CA', 'KR', 'VN', 'BR']));
    const groups = new Map((response.body.groups as { code: string; name: string; countries: string[] }[]).map((g) => [g.code, g]));
    expect(groups.get('north-america')).toMatchObject({ name: 'North America', countries: ['US', 'CA'] });
    expect(groups.get('latin-america')?.countries).toEqual(expect.arrayContaining(['MX', 'BR', 'AR']));
    expect(groups.get('southeast-asia')?.countries).toEqual(expect.arrayContaining(['VN', 'TH', 'ID', 'PH']));
    expect(groups.get('XW')).toMatchObject({ name: 'Worldwide' });
    expect([...groups.keys()]).toEqual(expect.arrayContaining(['europe', 'asia-pacific', 'mena']));
  });

  it("finds the North American release by country=CA (in any case), and by the group itself, but not as a Canadian film", async () => {
    expect(await found({ country: 'CA' })).toEqual([ids.remake]);
    expect(await found({ country: 'ca' })).toEqual([ids.remake]);
    expect(await found({ country: 'north-america' })).toEqual([ids.remake]);
    expect(await found({ country: 'CA', countryOf: 'release' })).toEqual([ids.remake]);
    expect(await found({ country: 'CA', countryOf: 'origin' })).toEqual([]);
    expect(await found({ country: 'US', countryOf: 'origin' })).toEqual([ids.remake]);
    expect(await found({ country: 'FR' })).toEqual([]);
  });

  it('finds the Latin American distribution deal and the licensee credited for Latin America by a country in it', async () => {
    expect(await found({ country: 'BR' })).toEqual([ids.missGranny]);
    expect(await found({ country: 'MX', countryOf: 'deal' })).toEqual([ids.missGranny]);
    expect(await found({ country: 'AR', countryOf: 'credit' })).toEqual([ids.missGranny]);
    expect(await found({ country: 'BR', countryOf: 'release,origin' })).toEqual([]);
    expect(await found({ country: 'latin-america' })).toEqual([ids.missGranny]);
    // Korea: two Korean films, the remake co-produced there; the Korean release is in Asia-Pacific, not in Southeast Asia.
    expect(await found({ country: 'KR' })).toEqual([ids.remake, ids.missGranny, ids.koreanOnly].sort());
    expect(await found({ country: 'asia-pacific', countryOf: 'release' })).toEqual([ids.koreanOnly]);
    expect(await found({ country: 'southeast-asia' })).toEqual([]);
  });

  it("shows the licensor and the licensee on the film's status card and in the deal's parties", async () => {
    const card = (await get(`/projects/${ids.missGranny}`).expect(200)).body;
    expect(card.companiesByRole.licensor).toEqual([expect.objectContaining({ organizationId: ids.cjEnm, name: 'CJ ENM', country: 'KR' })]);
    expect(card.companiesByRole.licensee).toEqual([expect.objectContaining({ organizationId: ids.diamond, name: 'Diamond Films', territory: 'latin-america' })]);
    const portfolio = (await get(`/companies/${ids.diamond}/portfolio`).expect(200)).body;
    expect(JSON.stringify(portfolio)).toContain('latin-america');
  });

  it('keeps the seven years of development on the card of the released film: 2018 to the October 2025 release', async () => {
    const card = (await get(`/projects/${ids.remake}`).expect(200)).body;
    expect(card).toMatchObject({
      status: 'released',
      inDevelopment: false,
      developmentStart: { date: '2018', precision: 'year' },
      developmentEnd: { date: '2025-10', precision: 'month' },
      developmentYears: 7,
      firstRelease: { releaseId, territory: 'north-america', status: 'occurred' },
    });
    const listed = (await get('/projects', { country: 'CA' }).expect(200)).body.items[0];
    expect(listed).toMatchObject({ workId: ids.remake, developmentYears: 7, developmentEnd: { date: '2025-10', precision: 'month' } });
  });

  it('documents and accepts XW for worldwide, and tells an editor who writes WW to send XW, recording nothing', async () => {
    const positionBefore = (await get('/projects').expect(200)).body.freshness.globalPosition;
    const refused = await post(`/works/${ids.missGranny}/releases`, { territory: 'WW', type: 'streaming', date: { date: '2024-01-01', precision: 'day' }, status: 'occurred', source: BRIEF });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ field: 'territory', message: expect.stringContaining('worldwide is XW') }]);
    await pipeline.caughtUp();
    expect((await get('/projects').expect(200)).body.freshness.globalPosition).toBe(positionBefore);

    const openApi = (await http().get('/docs-json').expect(200)).body;
    const releaseTerritory = JSON.stringify(openApi.components.schemas.ScheduleReleaseDto.properties.territory);
    expect(releaseTerritory).toContain('XW is worldwide');
    expect(releaseTerritory).not.toContain('WW');

    await accepted(`/works/${ids.missGranny}/releases`, { territory: 'XW', type: 'streaming', date: { date: '2024-01-01', precision: 'day' }, status: 'occurred', source: BRIEF });
    await pipeline.caughtUp();
    expect(await found({ country: 'FR', countryOf: 'release' })).toEqual([ids.missGranny]);
  });

  it('refuses a country filter that is no territory, naming the groups, and an unknown countryOf, with 400', async () => {
    const unknownCountry = await get('/projects', { country: 'WW' });
    expect(unknownCountry.status).toBe(400);
    expect(JSON.stringify(unknownCountry.body)).toContain('latin-america');
    const unknownLink = await get('/projects', { country: 'CA', countryOf: 'planet' });
    expect(unknownLink.status).toBe(400);
    expect(JSON.stringify(unknownLink.body)).toContain('origin, release, deal, credit');
  });

  it('follows a correction of the release territory, while the view as of before the correction still finds it by CA', async () => {
    const beforeCorrection = new Date().toISOString();
    await accepted(`/works/${ids.remake}/corrections`, {
      fact: { type: 'release', id: releaseId },
      changes: { territory: 'US' },
      note: 'Focus released it in the US only; Canada followed through another distributor',
      source: BETTER_SOURCE,
    });
    await pipeline.caughtUp();
    // Canada now finds only the worldwide streaming launch of 'Miss Granny'.
    expect(await found({ country: 'CA' })).toEqual([ids.missGranny]);
    expect(await found({ country: 'US', countryOf: 'release' })).toEqual([ids.remake, ids.missGranny].sort());
    expect(await found({ country: 'CA', asOf: beforeCorrection })).toEqual([ids.remake, ids.missGranny].sort());
  });
});
