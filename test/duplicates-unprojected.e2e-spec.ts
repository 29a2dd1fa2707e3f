import { randomUUID } from 'node:crypto';
import { AUDITOR, BRIEF, EDITOR, startTestAdminApi, type TestAdminApi } from './support/admin-api.js';
import { startTestPipeline, type TestPipeline } from './support/pipeline.js';

const person = (text: string, extra: Record<string, unknown> = {}) => ({ names: [{ text, language: 'ko-Latn', primary: true }], nationalities: ['KR'], source: BRIEF, ...extra });
const company = (text: string, extra: Record<string, unknown> = {}) => ({ kind: 'production-company', country: 'VN', names: [{ text, language: 'vi' }], source: BRIEF, ...extra });
const film = (text: string, extra: Record<string, unknown> = {}) => ({ kind: 'feature-film', originalLanguage: 'vi', countries: ['VN'], titles: [{ text, language: 'vi', class: 'original' }], source: BRIEF, ...extra });
/** A name no other test file's records share: each story registers its own desk's records. */
const tag = () =>
  randomUUID()
    .replace(/[^a-f]/g, '')
    .slice(0, 6);

/**
 * A desk registers a record, and a second editor registers it again a second later, before the projector has put the
 * first in the read models (here: with no projector running at all). The second is told all the same: the duplicate
 * check reads the events the read models have not applied yet, with the same search key, threshold and works rule.
 * Over HTTP against a real PostgreSQL.
 */
describe('admin API: a record registered a moment ago is a duplicate candidate before it is projected', () => {
  let api: TestAdminApi;
  beforeAll(async () => {
    api = await startTestAdminApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  const post = (path: string, body: object) => api.http().post(path).set('Authorization', EDITOR).send(body);
  const eventCount = async () => Number((await api.db.pool.query('SELECT count(*) FROM events')).rows[0].count);

  it('two registrations of one person, one right after the other: 201, then 409 naming the first; confirmed, it registers', async () => {
    const name = `Choi Min-sik ${tag()}`;
    const first = await post('/people', person(name)).expect(201);
    // Nothing has projected it: the read models do not know it.
    expect((await api.http().get('/people').query({ q: name }).set('Authorization', AUDITOR).expect(200)).body.items).toEqual([]);
    const before = await eventCount();
    const second = await post('/people', person(name.replace('Min-sik', 'Minsik'))).expect(409);
    expect(second.body).toMatchObject({ type: '/problems/possible-duplicate', candidates: [{ id: first.body.id, name, matchedName: name, href: `/people/${first.body.id}` }] });
    expect(second.body.candidates[0].similarity).toBeGreaterThanOrEqual(0.5);
    expect(await eventCount()).toBe(before);
    await post('/people', person(name.replace('Min-sik', 'Minsik'), { distinctFrom: [first.body.id] })).expect(201);
    // A shared family name alone stays below the threshold, as in the read models' check.
    await post('/people', person(`Choi ${tag()}`)).expect(201);
  });

  it('a name added a moment ago, and a name typed without its diacritics, are found the same way', async () => {
    const registered = await post('/people', person(`Park Chan-wook ${tag()}`)).expect(201);
    const hangul = `박찬욱${tag()}`;
    await post(`/people/${registered.body.id}/names`, { text: hangul, language: 'ko-Kore', source: BRIEF }).expect(200);
    const byAddedName = await post('/people', { names: [{ text: hangul, language: 'ko-Kore' }], source: BRIEF }).expect(409);
    expect(byAddedName.body.candidates).toEqual([expect.objectContaining({ id: registered.body.id, matchedName: hangul })]);

    const suffix = tag();
    const studio = await post('/organizations', company(`Hãng Phim Giải Phóng ${suffix}`)).expect(201);
    const typedPlain = await post('/organizations', company(`hang phim giai phong ${suffix}`)).expect(409);
    expect(typedPlain.body.candidates).toEqual([expect.objectContaining({ id: studio.body.id, name: `Hãng Phim Giải Phóng ${suffix}`, similarity: 1 })]);
  });

  it('a record merged away or retracted a moment ago is no candidate any more, as in the read models; undone, it is again', async () => {
    const name = `Jeon Do-yeon ${tag()}`;
    const survivor = (await post('/people', person(name)).expect(201)).body.id as string;
    const duplicate = (await post('/people', person(name.replace('Do-yeon', 'Doyeon'), { distinctFrom: [survivor] })).expect(201)).body.id as string;
    const candidates = async () => {
      const held = await post('/people', person(name.replace('Do-yeon', 'Do yeon')));
      return held.status === 201 ? held.status : (held.body.candidates as { id: string }[]).map((c) => c.id).sort();
    };
    expect(await candidates()).toEqual([survivor, duplicate].sort());
    await post(`/people/${duplicate}/merge`, { survivorId: survivor, note: 'One actress', source: BRIEF }).expect(200);
    expect(await candidates()).toEqual([survivor]);
    await post(`/people/${duplicate}/merge/undo`, { note: 'Two actresses after all', source: BRIEF }).expect(200);
    expect(await candidates()).toEqual([survivor, duplicate].sort());
    await post(`/people/${duplicate}/retractions`, { fact: { type: 'person', id: duplicate }, note: 'No such actress', source: BRIEF }).expect(200);
    expect(await candidates()).toEqual([survivor]);

    const title = `Hẹn Hò Với Sát Nhân ${tag()}`;
    const work = (await post('/works', film(title)).expect(201)).body.id as string;
    await post(`/works/${work}/retractions`, { fact: { type: 'work', id: work }, note: 'Never announced', source: BRIEF }).expect(200);
    await post('/works', film(title)).expect(201);
  });

  it('the same film, one right after the other, is held by the works rule: same kind and language, same or unknown year; a remake is not', async () => {
    const title = `Mắt Biếc ${tag()}`;
    const original = await post('/works', film(title, { productionYear: 2019 })).expect(201);
    const again = await post('/works', film(title.replace('Mắt Biếc', 'Mat Biec'), { productionYear: 2019 })).expect(409);
    expect(again.body).toMatchObject({ type: '/problems/possible-duplicate', title: 'Possibly a work already registered', candidates: [{ id: original.body.id, title, matchedTitle: title, href: `/projects/${original.body.id}`, workHref: `/works/${original.body.id}` }] });
    // Year unknown on the new side: could be the same film.
    await post('/works', film(title)).expect(409);
    // Another year, another language, another kind: a remake or a namesake, registered without a word.
    await post('/works', film(title, { productionYear: 2024 })).expect(201);
    await post('/works', { ...film(title, { productionYear: 2019 }), originalLanguage: 'th', titles: [{ text: title, language: 'th', class: 'original' }] }).expect(201);
    await post('/works', film(title, { productionYear: 2019, kind: 'series' })).expect(201);
  });
});

/**
 * The same with the pipeline running, then the projector stopped: a record in the read models and one only in the log
 * are both candidates, each named once.
 */
describe('admin API: duplicates in the read models and in the unprojected tail together', () => {
  let pipeline: TestPipeline;
  beforeAll(async () => {
    pipeline = await startTestPipeline();
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  const post = (path: string, body: object) => pipeline.api.http().post(path).set('Authorization', EDITOR).send(body);

  it('a projected record and one registered after the projector stopped are both named, once each', async () => {
    const suffix = tag();
    const projected = await post('/people', person(`Song Kang-ho ${suffix}`)).expect(201);
    await pipeline.caughtUp();
    await pipeline.projector.stop();
    // The projected one is found by the read models; the tail holds it no more (its stream is applied).
    const held = await post('/people', person(`Song Kangho ${suffix}`)).expect(409);
    expect(held.body.candidates.map((c: { id: string }) => c.id)).toEqual([projected.body.id]);
    const unprojected = await post('/people', person(`Song Kangho ${suffix}`, { distinctFrom: [projected.body.id] })).expect(201);

    const third = await post('/people', person(`Song Kang ho ${suffix}`)).expect(409);
    expect(third.body.candidates.map((c: { id: string }) => c.id).sort()).toEqual([projected.body.id, unprojected.body.id].sort());
    await post('/people', person(`Song Kang ho ${suffix}`, { distinctFrom: [projected.body.id, unprojected.body.id] })).expect(201);
  });
});
