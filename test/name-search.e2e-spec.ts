import { AUDITOR, BRIEF, EDITOR } from './support/admin-api.js';
import { startTestPipeline, type TestPipeline } from './support/pipeline.js';

/**
 * An editor looks for a person, a company or a project before registering it again: by any current name, typed without
 * diacritics, in capitals, decomposed, in Hangul or CJK, or with a typo; the answers come ranked and paged. Over HTTP,
 * against a real PostgreSQL, with the relay and projector behind the read models.
 */
describe('admin API: finding people, organizations and projects by name', () => {
  let pipeline: TestPipeline;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    pipeline = await startTestPipeline();
    const created = async (path: string, body: object) => {
      const response = await post(path, body);
      expect({ path, status: response.status, body: response.body }).toEqual({ path, status: 201, body: expect.objectContaining({ id: expect.any(String) }) });
      return response.body.id as string;
    };
    /** The first name given is the primary one. */
    const primaryFirst = (names: { text: string; language: string }[]) => names.map((name, i) => ({ ...name, primary: i === 0 }));
    const registerPerson = (...names: { text: string; language: string }[]) => created('/people', { names: primaryFirst(names), nationalities: ['VN'], source: BRIEF });
    const registerOrganization = (...names: { text: string; language: string }[]) =>
      created('/organizations', { kind: 'production-company', country: 'KR', names: primaryFirst(names), source: BRIEF });
    ids.nguyenThiHa = await registerPerson({ text: 'Nguyễn Thị Hà', language: 'vi' });
    ids.haAnhTuan = await registerPerson({ text: 'Hà Anh Tuấn', language: 'vi' });
    ids.shahRukhKhan = await registerPerson({ text: 'Shah Rukh Khan', language: 'en' });
    ids.bongJoonHo = await registerPerson({ text: 'Bong Joon-ho', language: 'ko-Latn' }, { text: '봉준호', language: 'ko' });
    ids.studioDragon = await registerOrganization({ text: '스튜디오드래곤', language: 'ko' }, { text: 'Studio Dragon', language: 'en' });
    ids.toho = await registerOrganization({ text: 'Toho', language: 'en' }, { text: '東宝', language: 'ja' });
    ids.mother = await created('/works', { kind: 'feature-film', originalLanguage: 'vi', countries: ['VN'], titles: [{ text: 'Mang mẹ đi bỏ', language: 'vi', class: 'original' }], source: BRIEF });
    await pipeline.caughtUp();
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  const http = () => pipeline.api.http();
  const get = (path: string, query: Record<string, string | number> = {}) => http().get(path).query(query).set('Authorization', AUDITOR);
  const post = (path: string, body: object) => http().post(path).set('Authorization', EDITOR).send(body);
  type Item = { personId?: string; organizationId?: string; workId?: string; primaryName?: string; match: { kind: string; similarity: number } };
  const found = (body: { items: Item[] }) => body.items.map((item) => [item.personId ?? item.organizationId ?? item.workId, item.match.kind]);

  it('finds "ha" in a Vietnamese name without diacritics: names starting with it, then a word starting with it, then other text', async () => {
    const response = await get('/people', { q: 'ha' }).expect(200);
    expect(found(response.body)).toEqual([
      [ids.haAnhTuan, 'prefix'],
      [ids.nguyenThiHa, 'word-prefix'],
      [ids.shahRukhKhan, 'substring'],
    ]);
    expect(response.body.nextCursor).toBeNull();
    expect(response.body.freshness.globalPosition).toEqual(response.headers['x-reelwire-position']);
  });

  it('finds the whole name typed without diacritics, in capitals or decomposed (NFD), first and as an exact match', async () => {
    for (const q of ['nguyen thi ha', 'NGUYEN THI HA', 'Nguyễn Thị Hà'.normalize('NFD')]) {
      const response = await get('/people', { q }).expect(200);
      expect({ q, first: found(response.body)[0] }).toEqual({ q, first: [ids.nguyenThiHa, 'exact'] });
    }
  });

  it('finds an English name with a typo, and a person by the Hangul name', async () => {
    expect(found((await get('/people', { q: 'Bong Jun-ho' }).expect(200)).body)).toEqual([[ids.bongJoonHo, 'similar']]);
    const hangul = await get('/people', { q: '봉준호' }).expect(200);
    expect(hangul.body.items).toEqual([expect.objectContaining({ personId: ids.bongJoonHo, primaryName: 'Bong Joon-ho', match: expect.objectContaining({ kind: 'exact' }) })]);
  });

  it('finds a Korean company by its Hangul name or the start of it, and a Japanese one by its CJK name', async () => {
    const korean = await get('/organizations', { q: '스튜디오' }).expect(200);
    expect(korean.body.items).toEqual([expect.objectContaining({ organizationId: ids.studioDragon, primaryName: '스튜디오드래곤', match: expect.objectContaining({ kind: 'prefix' }) })]);
    expect(found((await get('/organizations', { q: 'studio dragon' }).expect(200)).body)).toEqual([[ids.studioDragon, 'exact']]);
    expect(found((await get('/organizations', { q: '東宝' }).expect(200)).body)).toEqual([[ids.toho, 'exact']]);
  });

  it('finds a Vietnamese title typed without diacritics', async () => {
    expect(found((await get('/projects', { q: 'me di bo' }).expect(200)).body)).toEqual([[ids.mother, 'word-prefix']]);
  });

  it('pages the ranked answers with limit and the opaque cursor, and refuses a cursor that is not one', async () => {
    const first = await get('/people', { q: 'ha', limit: 2 }).expect(200);
    expect(found(first.body)).toEqual([
      [ids.haAnhTuan, 'prefix'],
      [ids.nguyenThiHa, 'word-prefix'],
    ]);
    const second = await get('/people', { q: 'ha', limit: 2, cursor: first.body.nextCursor }).expect(200);
    expect(found(second.body)).toEqual([[ids.shahRukhKhan, 'substring']]);
    expect(second.body.nextCursor).toBeNull();

    const refused = await get('/people', { q: 'ha', cursor: 'not-a-cursor' }).expect(400);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    expect((await get('/organizations', { q: 'x'.repeat(201) }).expect(400)).body.errors).toEqual([expect.objectContaining({ field: 'q' })]);
  });

  it('answers as of a past position, and documents q, limit and cursor in the OpenAPI document', async () => {
    expect((await get('/people', { q: 'ha', asOfPosition: 0 }).expect(200)).body.items).toEqual([]);
    const paths = (await http().get('/docs-json').expect(200)).body.paths;
    for (const path of ['/people', '/organizations', '/projects']) {
      const parameters = (paths[path].get.parameters as { name: string }[]).map((p) => p.name);
      expect({ path, parameters }).toEqual({ path, parameters: expect.arrayContaining(['q', 'limit', 'cursor', 'asOf', 'asOfPosition']) });
    }
  });
});
